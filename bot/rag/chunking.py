"""Documents -> chunks: one per `##` section, FAQ questions apart, tables whole.

Each chunk's text starts with its heading path ("Doc title > Section") so that
both BM25 and the embedding see where it sits. Ids are content hashes: the
same text in the same file always gets the same id, which makes ingestion
idempotent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from bot.rag.documents import PATH_SEPARATOR, Document, Section

MAX_CHARS = 1000
_SUBHEADING = re.compile(r"^(?:#{3,6}[ \t]+(.+?)[ \t#]*|\*\*(.+?\?)\*\*[ \t]*)$")
_TABLE_ROW = re.compile(r"^\s*\|")


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a knowledge file."""

    id: str
    text: str  # heading path, blank line, body
    path: str
    title: str  # document title
    section: str  # section id
    heading: str  # section heading
    heading_path: str
    index: int  # position in its document
    questions: tuple[str, ...] = ()  # its section's questions (on the section's first chunk)
    anchors: tuple[str, ...] = ()  # per question: snippet of the answering sentence, or ""

    @property
    def body(self) -> str:
        """The chunk's text without its heading path line."""
        return self.text[len(self.heading_path) :].lstrip("\n")


def chunk_document(doc: Document, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """All chunks of a document, in reading order, without duplicates."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in doc.sections:
        asked, anchors = section.questions, section.anchors
        for heading_path, body in _section_pieces(doc, section, max_chars):
            text = f"{heading_path}\n\n{body}"
            cid = chunk_id(doc.path, text)
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(
                Chunk(
                    id=cid,
                    text=text,
                    path=doc.path,
                    title=doc.title,
                    section=section.id,
                    heading=section.heading,
                    heading_path=heading_path,
                    index=len(chunks),
                    questions=asked,
                    anchors=anchors,
                )
            )
            asked, anchors = (), ()  # a hit on a question returns the section's first chunk
    return chunks


def chunk_id(path: str, text: str) -> str:
    """Stable content-hash id of a chunk."""
    return hashlib.sha256(f"{path}\n{text}".encode()).hexdigest()[:32]


def _section_pieces(doc: Document, section: Section, max_chars: int) -> list[tuple[str, str]]:
    """(heading path, body) pairs for one section."""
    base = (
        doc.title
        if section.heading == doc.title
        else f"{doc.title}{PATH_SEPARATOR}{section.heading}"
    )
    parts = _split_subsections(section.body)
    asks_questions = any(sub.endswith("?") for sub, _ in parts if sub)
    if len(parts) > 1 and (asks_questions or len(section.body) > max_chars):
        pieces: list[tuple[str, str]] = []
        for sub, body in parts:
            path = f"{base}{PATH_SEPARATOR}{sub}" if sub else base
            pieces.extend((path, text) for text in split_body(body, max_chars))
        return pieces
    return [(base, text) for text in split_body(section.body, max_chars)]


def _split_subsections(body: str) -> list[tuple[str | None, str]]:
    """Cut a section body at `###` headings and bold question lines."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in body.split("\n"):
        match = _SUBHEADING.match(line)
        if match:
            parts.append(((match.group(1) or match.group(2)).strip(), []))
        else:
            parts[-1][1].append(line)
    out = [(sub, "\n".join(lines).strip()) for sub, lines in parts]
    return [(sub, text) for sub, text in out if text or sub]


def split_body(body: str, max_chars: int) -> list[str]:
    """Pack a body's blocks into pieces of at most max_chars; a table row is never cut."""
    pieces: list[str] = []
    current = ""
    for block in _pack_ready_blocks(body, max_chars):
        if current and len(current) + 2 + len(block) > max_chars:
            pieces.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _pack_ready_blocks(body: str, max_chars: int) -> list[str]:
    """Blocks no longer than max_chars: big tables by rows, big paragraphs by the splitter."""
    out: list[str] = []
    for block in _blocks(body):
        if len(block) <= max_chars:
            out.append(block)
        elif _is_table(block):
            out.extend(_split_table(block, max_chars))
        else:
            out.extend(_splitter(max_chars).split_text(block))
    return out


def _blocks(body: str) -> list[str]:
    """Paragraphs and lists split at blank lines; a table is one block."""
    blocks: list[str] = []
    current: list[str] = []
    in_table = False
    for line in body.split("\n"):
        is_row = bool(_TABLE_ROW.match(line))
        if not line.strip() or is_row != in_table:
            if current:
                blocks.append("\n".join(current))
            current = []
        in_table = is_row
        if line.strip():
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _is_table(block: str) -> bool:
    return all(_TABLE_ROW.match(line) for line in block.split("\n"))


def _split_table(table: str, max_chars: int) -> list[str]:
    """Groups of whole rows, each repeating the header and its separator row."""
    rows = table.split("\n")
    header = (
        rows[:2]
        if len(rows) > 1 and set(rows[1].replace("|", "").strip()) <= set("-: ")
        else rows[:1]
    )
    groups: list[list[str]] = []
    for row in rows[len(header) :]:
        if groups and len("\n".join(header + groups[-1] + [row])) <= max_chars:
            groups[-1].append(row)
        else:
            groups.append([row])
    return ["\n".join(header + group) for group in groups] or [table]


_SPLITTERS: dict[int, Any] = {}


def _splitter(max_chars: int) -> Any:
    """langchain-text-splitters for long prose (imported only when a section needs it)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    if max_chars not in _SPLITTERS:
        _SPLITTERS[max_chars] = RecursiveCharacterTextSplitter(
            chunk_size=max_chars,
            chunk_overlap=max_chars // 10,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
        )
    return _SPLITTERS[max_chars]
