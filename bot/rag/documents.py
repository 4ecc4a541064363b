"""Knowledge files -> documents: front matter, title and `##` sections.

Pure parsing, no I/O: `parse_document(path, text)` is given the file's text.
Shipped documents declare `title`, `sections: {id: heading}` and
`questions: {id: [questions the section answers]}` in YAML front matter; team
documents may have none, and then ids are heading slugs and there are no questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

import yaml

from bot.core.ports import HEADING_PATH_SEPARATOR
from bot.rag.text import folded

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
PATH_SEPARATOR = HEADING_PATH_SEPARATOR
# libyaml's safe loader when PyYAML was built with it (10x faster), else the Python one
_YAML_LOADER = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # between the parts of a heading path: "Doc title > Section"


class DocumentError(ValueError):
    """A knowledge file cannot be read: the message names the file and the problem."""


@dataclass(frozen=True)
class Section:
    """One `##` section (or the text before the first one)."""

    id: str
    heading: str
    body: str
    questions: tuple[str, ...] = ()  # what people ask that this section answers
    # per question: a snippet of the body sentence that answers it ("" = the section)
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """A parsed knowledge file."""

    path: str  # relative to the knowledge folder, with forward slashes
    title: str
    sections: list[Section] = field(default_factory=list)


def slugify(text: str) -> str:
    """A section id from a heading: "FAQ: what LoRA is" -> "faq-what-lora-is"."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


def parse_document(path: str, text: str) -> Document:
    """Split one knowledge file into its title and sections."""
    meta, body = split_front_matter(path, text)
    lines = body.replace("\r\n", "\n").split("\n")
    title_line = _first_title(lines)
    title = str(meta.get("title") or title_line or _title_from_path(path)).strip()
    declared = _declared_sections(path, meta)
    sections = _sections(lines, title, declared, intro_id=slugify(PurePosixPath(path).stem))
    asked = _section_questions(path, meta)
    sections = [_with_questions(path, s, asked.get(s.id, [])) for s in sections]
    return Document(path=path, title=title, sections=sections)


def split_front_matter(path: str, text: str) -> tuple[dict[str, object], str]:
    """The YAML front matter (empty when absent) and the rest of the file."""
    text = text.lstrip("\ufeff")
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise DocumentError(f"{path}: front matter is not valid YAML ({first})") from exc
    if not isinstance(meta, dict):
        raise DocumentError(f"{path}: front matter must be a mapping of keys to values")
    return meta, text[match.end() :]


def _declared_sections(path: str, meta: dict[str, object]) -> dict[str, str]:
    """heading (normalized) -> section id, from the front matter's `sections`."""
    sections = meta.get("sections") or {}
    if not isinstance(sections, dict):
        raise DocumentError(f"{path}: front matter `sections` must map ids to headings")
    return {_norm_heading(str(heading)): str(sid) for sid, heading in sections.items()}


def _section_questions(path: str, meta: dict[str, object]) -> dict[str, list[tuple[str, str]]]:
    """section id -> (question, anchor) pairs, from the front matter's `questions`.

    An item is a question, or `{q: question, a: anchor}` where the anchor is a
    verbatim snippet of the body sentence that answers it.
    """
    asked = meta.get("questions") or {}
    if not isinstance(asked, dict):
        raise DocumentError(f"{path}: front matter `questions` must map section ids to lists")
    out: dict[str, list[tuple[str, str]]] = {}
    for sid, items in asked.items():
        if not isinstance(items, list):
            raise DocumentError(f"{path}: `questions: {sid}` must be a list of questions")
        pairs = [_question_item(path, str(sid), item) for item in items]
        out[str(sid)] = [(q, a) for q, a in pairs if q]
    return out


def _question_item(path: str, sid: str, item: object) -> tuple[str, str]:
    if isinstance(item, dict):
        question, anchor = item.get("q"), item.get("a", "")
        if not isinstance(question, str) or not isinstance(anchor, str):
            raise DocumentError(
                f"{path}: `questions: {sid}` items are questions or {{q: question, a: snippet}}"
            )
        return question.strip(), anchor.strip()
    return str(item).strip(), ""


def _with_questions(path: str, section: Section, pairs: list[tuple[str, str]]) -> Section:
    """The section with its questions; each anchor must be in the section's own text."""
    body = folded(section.body)
    for question, anchor in pairs:
        if anchor and folded(anchor) not in body:
            raise DocumentError(
                f"{path}: the answer {anchor!r} to {question!r} is not in section {section.id}"
            )
    return replace(
        section, questions=tuple(q for q, _ in pairs), anchors=tuple(a for _, a in pairs)
    )


def _norm_heading(heading: str) -> str:
    return " ".join(heading.lower().split())


def _title_from_path(path: str) -> str:
    return PurePosixPath(path).stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _first_title(lines: list[str]) -> str | None:
    for line in _outside_fences(lines):
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2)
    return None


def _outside_fences(lines: list[str]) -> list[str]:
    """The lines, with lines inside code fences blanked (headings there are not headings)."""
    out, fenced = [], False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        out.append("" if fenced else line)
    return out


def _sections(
    lines: list[str], title: str, declared: dict[str, str], intro_id: str
) -> list[Section]:
    """Cut the body at `##` headings; the text before the first one is an intro."""
    visible = _outside_fences(lines)
    cuts: list[tuple[int, str]] = []
    for i, line in enumerate(visible):
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 2:
            cuts.append((i, match.group(2).strip()))
    sections: list[Section] = []
    intro = _body(lines[: cuts[0][0] if cuts else len(lines)])
    if intro:
        sections.append(Section(id=intro_id, heading=title, body=intro))
    used: set[str] = set()
    for n, (start, heading) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(lines)
        body = _body(lines[start + 1 : end])
        sid = _unique(declared.get(_norm_heading(heading)) or slugify(heading), used)
        sections.append(Section(id=sid, heading=heading, body=body))
    return [s for s in sections if s.body or s.heading]


def _body(lines: list[str]) -> str:
    """Section text without `#` title lines."""
    kept = [ln for ln in lines if not (_HEADING.match(ln) and ln.startswith("# "))]
    return "\n".join(kept).strip()


def _unique(sid: str, used: set[str]) -> str:
    candidate, n = sid, 2
    while candidate in used:
        candidate, n = f"{sid}-{n}", n + 1
    used.add(candidate)
    return candidate
