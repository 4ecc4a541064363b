"""A user's Slack text as a short plain label (an assistant thread's title).

Message text carries Slack's control syntax: `<!channel>` and other special
commands, `<@U…>` mentions, `<#C…|name>` channels and `<url|label>` links. A
title shows none of it: commands and bare ids go, labels stay (a link keeps
its label, not its address). Invisible format characters (bidi overrides
such as U+202E, zero-width spaces and joiners) go too, so a title cannot
read differently from what was typed. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from bot.slack.mrkdwn import truncate

_SPECIAL = re.compile(r"<!([^>|]*)(?:\|([^>]*))?>")  # <!channel>, <!subteam^S1|@eng>, <!date^…|…>
_MENTION = re.compile(r"<[@#]([A-Z0-9]+)(?:\|([^>]*))?>")  # <@U1>, <@U1|bob>, <#C1|general>
_LINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^>|]*)(?:\|([^>]*))?>", re.IGNORECASE)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def plain_label(text: str, limit: int, fallback: str) -> str:
    """`text` without Slack syntax or invisible characters, on one line, at most `limit` long."""
    text = _SPECIAL.sub("", text)
    text = _MENTION.sub(lambda m: (m.group(2) or "").lstrip("@#"), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    text = "".join(char for char in text if _visible(char)).replace("<", "").replace(">", "")
    return truncate(" ".join(text.split()), limit) or fallback


def _visible(char: str) -> bool:
    """Not a format (Cf: bidi, zero-width) or control character; whitespace is kept."""
    return char.isspace() or unicodedata.category(char) not in ("Cf", "Cc", "Co", "Cs")
