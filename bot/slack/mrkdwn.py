"""Markdown to Slack mrkdwn, and splitting long text within Slack's limits. Pure functions."""

from __future__ import annotations

import re

SECTION_LIMIT = 3000  # characters in one section block's text

_FENCE = "```"
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+|mailto:[^\s)]+)\)")
_AUTOLINK = re.compile(r"<(https?://[^\s>]+)>")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_USER_MENTION = re.compile(r"<@[UW][A-Z0-9]+>")  # "<@U123>": who said what, shown as a name
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?=\S)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_PLACEHOLDER = "\x00{}\x00"
_RESTORE = re.compile(r"\x00(\d+)\x00")


def escape(text: str) -> str:
    """Escape the three characters Slack's text formatting reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    """Convert common Markdown to Slack mrkdwn; code blocks are escaped but not reformatted."""
    out: list[str] = []
    in_code = False
    for line in markdown.replace("\r\n", "\n").split("\n"):
        if line.strip().startswith(_FENCE):
            in_code = not in_code
            out.append(_FENCE)
            continue
        out.append(escape(line) if in_code else _convert_line(line))
    if in_code:
        out.append(_FENCE)
    return "\n".join(out)


def _convert_line(line: str) -> str:
    if _RULE.match(line):
        return "───"
    heading = _HEADING.match(line)
    if heading:
        return f"*{_inline(heading.group(1)).strip('*')}*"
    bullet = _BULLET.match(line)
    if bullet:
        return f"{bullet.group(1)}• {_inline(line[bullet.end() :])}"
    return _inline(line)


def _inline(text: str) -> str:
    """Inline formatting: code spans and links are protected, the rest converted."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _CODE_SPAN.sub(lambda m: keep(escape(m.group(0))), text)
    text = _LINK.sub(lambda m: keep(f"<{m.group(2)}|{escape(m.group(1))}>"), text)
    text = _AUTOLINK.sub(lambda m: keep(f"<{m.group(1)}>"), text)
    text = _USER_MENTION.sub(lambda m: keep(m.group(0)), text)
    text = escape(text)
    text = _BOLD.sub(lambda m: keep(f"*{m.group(1) or m.group(2)}*"), text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    while _RESTORE.search(text):  # a bold span may hold a kept link
        text = _RESTORE.sub(lambda m: kept[int(m.group(1))], text)
    return text


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut text to at most `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split text into pieces of at most `limit` characters.

    Cuts at paragraph breaks, then line breaks, then spaces; a code block cut in
    two is closed and reopened so each piece renders on its own.
    """
    pieces: list[str] = []
    rest = text.strip()
    budget = limit - 2 * (len(_FENCE) + 1)  # room to close and reopen a fence
    while len(rest) > limit:
        cut = _cut_point(rest, budget)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip("\n ")
        if head.count(_FENCE) % 2 == 1:
            head, rest = f"{head}\n{_FENCE}", f"{_FENCE}\n{rest}"
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, limit: int) -> int:
    window = text[:limit]
    for separator in ("\n\n", "\n", " "):
        index = window.rfind(separator)
        if index > limit // 3:
            return index
    return limit
