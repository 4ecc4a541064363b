"""Incremental, idempotent ingestion of the knowledge folder into the index.

Every .md/.markdown/.txt file under the folders (the shipped guide, team
folders with their name as a path prefix) is read and hashed. Files whose
hash matches the index's manifest are skipped; changed files are re-chunked
and replaced; files that disappeared are removed. Running it twice changes
nothing the second time.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from bot.core.ports import KnowledgeUnavailable
from bot.rag.chunking import Chunk, chunk_document
from bot.rag.documents import DocumentError, parse_document

if TYPE_CHECKING:
    from bot.rag.index import ChunkIndex

SUFFIXES = (".md", ".markdown", ".txt")


class IngestError(KnowledgeUnavailable, ValueError):
    """The knowledge folder cannot be ingested (missing folder, ...): every surface that
    tells people the knowledge base is unavailable tells them this too."""


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks: int = 0  # chunks in the index afterwards
    embedded: int = 0  # chunks embedded in this run
    seconds: float = 0.0
    rebuilt: bool = False

    def as_dict(self) -> dict[str, object]:
        """Counts for printing or JSON."""
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
            "errors": self.errors,
            "chunks": self.chunks,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 3),
            "rebuilt": self.rebuilt,
        }


def knowledge_files(folder: Path) -> dict[str, str]:
    """Relative path -> text of every knowledge file (hidden files and folders skipped)."""
    if not folder.is_dir():
        raise IngestError(f"the knowledge folder {folder} does not exist")
    files: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        files[rel.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return files


def gather_files(folders: Path | Sequence[tuple[str, Path]]) -> dict[str, str]:
    """Index path -> text over several folders: each (prefix, folder) prefixes its paths."""
    if isinstance(folders, Path):
        folders = [("", folders)]
    if not folders:
        raise IngestError("no knowledge folder: set KNOWLEDGE_DIRS or KNOWLEDGE_SHIPPED=true")
    files: dict[str, str] = {}
    for prefix, folder in folders:
        files.update({prefix + rel: text for rel, text in knowledge_files(folder).items()})
    return files


def file_hash(text: str) -> str:
    """Content hash of a knowledge file."""
    return hashlib.sha256(text.encode()).hexdigest()


def content_stamp(indexed: dict[str, str]) -> str:
    """One hash for what is indexed: every file's path and content hash."""
    listing = "\n".join(f"{path}\t{digest}" for path, digest in sorted(indexed.items()))
    return hashlib.sha256(listing.encode()).hexdigest()[:32]


def ingest(
    index: ChunkIndex,
    folders: Path | Sequence[tuple[str, Path]],
    *,
    rebuild: bool = False,
    progress: bool | None = None,
) -> IngestReport:
    """Bring the index in line with the folders; only what changed is re-embedded."""
    started = time.perf_counter()
    report = IngestReport()
    files = {p: t for p, t in gather_files(folders).items() if t.strip()}
    if rebuild or (index.count() and not index.is_current()):
        index.reset()
        report.rebuilt = True
    indexed = index.manifest()
    hashes = {path: file_hash(text) for path, text in files.items()}
    _classify(report, indexed, hashes)
    stale = report.changed + report.removed
    chunks, failed = _chunk_files({p: files[p] for p in report.added + report.changed}, report)
    report.added = [p for p in report.added if p not in failed]
    report.changed = [p for p in report.changed if p not in failed]
    index.delete_files(stale)
    _add(index, chunks, hashes, progress)
    report.embedded = len(chunks)
    indexed_now = {p: hashes[p] for p in report.added + report.changed + report.unchanged}
    index.stamp(content_stamp(indexed_now))  # running workers compare it and reload
    report.chunks = index.chunk_count()
    report.seconds = time.perf_counter() - started
    return report


def _classify(report: IngestReport, indexed: dict[str, str], current: dict[str, str]) -> None:
    for path, digest in current.items():
        if path not in indexed:
            report.added.append(path)
        elif indexed[path] != digest:
            report.changed.append(path)
        else:
            report.unchanged.append(path)
    report.removed.extend(sorted(set(indexed) - set(current)))


def _chunk_files(files: dict[str, str], report: IngestReport) -> tuple[list[Chunk], set[str]]:
    """Chunks of the files that parse; the others are reported and left out."""
    chunks: list[Chunk] = []
    failed: set[str] = set()
    for path, text in files.items():
        try:
            chunks.extend(chunk_document(parse_document(path, text)))
        except DocumentError as exc:
            report.errors.append(str(exc))
            failed.add(path)
    return chunks, failed


def _add(
    index: ChunkIndex, chunks: list[Chunk], hashes: dict[str, str], progress: bool | None
) -> None:
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(
        total=len(chunks), desc="Embedding", unit="chunk", disable=not show or not chunks
    ) as bar:
        index.add(chunks, hashes, on_batch=bar.update)
