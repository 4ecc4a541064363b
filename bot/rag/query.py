"""Question normalization: Slack shorthand, synonyms and typos.

`normalize` rewrites a question into the knowledge base's own words before it
is searched: "is 200 exs enough to ft?" -> "... examples ... fine-tuning".
Known shorthand comes from a small table; unknown words are matched against
the corpus vocabulary with difflib, so "finetunning" or "promt" still find
their sections.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from bot.rag.text import STOPWORDS, stem, words

# (pattern, replacement, is a domain term). Replacements keep the original words
# where they also help (\g<0>) and add the knowledge base's term.
_SYNONYMS: tuple[tuple[str, str, bool], ...] = (
    (r"\bw/o\b", "without", False),
    (r"\bw/", "with ", False),
    (r"\b(?:what'?s|wats|wat's|wht'?s)\b", "what is", False),
    (r"\bhow'?s\b", "how is", False),
    (r"\bu\b", "you", False),
    (r"\bur\b", "your", False),
    (r"\bft(?:'?ing|'?d|ed)?\b", "fine-tuning", True),
    (r"\bpe\b", "prompt engineering", True),
    (
        r"\b(?:fine[\s-]?tun\w*|finetun\w*|fine[\s-]?tuinng|"
        r"custom[\s-]+(?:training|trained|model)s?|"
        r"train(?:ing)?\s+(?:our|my|a|the|your)\s+own\s+models?)\b",
        "fine-tuning",
        True,
    ),
    (
        r"\b(?:prompt[\s-]?eng(?:ineering)?|promt[\s-]?engineering)\b",
        "prompt engineering",
        True,
    ),
    (r"\brag\b", "RAG", True),  # the knowledge base says RAG: no expansion to outweigh the rest
    (
        r"\b(?:doc(?:ument)?s?[\s-]+(?:lookup|retrieval|search)|"
        r"retrieval(?:[\s-]augmented(?:\s+generation)?)?)\b",
        "retrieval-augmented generation RAG",
        True,
    ),
    (r"\b(?:q?lora|low[\s-]rank\s+adaptation)\b", "LoRA low-rank adaptation", True),
    (r"\b(?:cot|chain[\s-]of[\s-]thought)\b", "chain-of-thought", True),
    (r"\bfew[\s-]?shot\b", "few-shot", True),
    (r"\b(?:gpt[\s-]?4o|4o)\b", "GPT-4o", True),
    (r"\bllms?\b", "model", True),
    (
        r"\b(?:exs|samples|training\s+data|label+ed\s+data|data\s*points?|datasets?)\b",
        r"\g<0> examples",
        True,
    ),
    (r"\b(?:accuracy|accurate)\b", r"\g<0> success rate", True),
    (r"\b(?:hold[\s-]?out(?:\s+set)?|test\s+set)\b", "hold-out set", True),
    (r"\b(?:l10n|i18n|multilingual|non[\s-]english)\b", r"\g<0> localization language", True),
    (
        r"\b(?:price[sd]?|pricing|pricier|expensive|cheap(?:er)?|spend|budget)\b|\$",
        r"\g<0> cost ",
        False,
    ),
    (r"\bhow\s+long\b|\bduration\b", r"\g<0> time takes", False),
    (r"\b(?:enough|sufficient|min)\b", r"\g<0> minimum least", False),
    (r"\b(?:tix|tkts?)\b", "tickets", False),
    (
        r"\b(?:model\s+sizes?|size\s+of\s+(?:the\s+)?model|which\s+(?:base\s+)?model|"
        r"(?:bigger|biggest|larger|smaller|small|big)\s+(?:base\s+)?model|\d+b\s+model)\b",
        r"\g<0> largest model afford wrong model",
        True,
    ),
    (
        r"\b(?:structur\w*|writ\w*|craft\w*|phras\w*|improv\w*|better|good)\s+"
        r"(?:a\s+|the\s+|my\s+|our\s+|your\s+)?prompts?\b",
        r"\g<0> clear detailed instructions levers example",
        True,
    ),
    (
        r"\b(?:long[\s-]term|long\s+run|over\s+time|lifetime)\b",
        r"\g<0> total cost of ownership horizon",
        False,
    ),
    (r"\b(?:fast|faster|quick|quickly)\b", r"\g<0> speed time", False),
    (r"\b(?:on[\s-]?prem\w*|self[\s-]hosted|locally)\b", r"\g<0> local", False),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), r, d) for p, r, d in _SYNONYMS)


@dataclass(frozen=True)
class NormalizedQuery:
    """A question rewritten into the corpus's words, and what was corrected."""

    text: str
    corrections: dict[str, str] = field(default_factory=dict)


# "whats ft", "pe meaning": the knowledge base defines its abbreviations, so a
# question about one keeps it ("ft fine-tuning") and finds the definition.
_DEFINITION = re.compile(
    r"^\W*(?:what\s*(?:'?s|is|are|does)|wh?at|define|meaning\s+of)\b\W*(\w+)\W*"
    r"(?:mean|stand\s+for)?\W*$|^\W*(\w+)\W+(?:meaning|means|definition)\W*$",
    re.IGNORECASE,
)
_ABBREVIATIONS = frozenset({"ft", "pe", "rag", "lora", "cot", "tco", "llm"})


def expand_shorthand(question: str) -> str:
    """Apply the synonym table (shorthand -> the knowledge base's terms)."""
    text = question
    for pattern, replacement, _ in _COMPILED:
        text = pattern.sub(replacement, text)
    defined = _DEFINITION.match(question)
    term = (defined.group(1) or defined.group(2) or "").lower() if defined else ""
    return f"{term} {text}" if term in _ABBREVIATIONS else text


def shorthand_spans(question: str) -> list[tuple[int, int, bool]]:
    """(start, end, is a domain term) of every shorthand the table recognizes."""
    return [
        (m.start(), m.end(), domain)
        for pattern, _, domain in _COMPILED
        for m in pattern.finditer(question)
    ]


def correct_typos(text: str, targets: Collection[str], known: Collection[str]) -> NormalizedQuery:
    """Replace unknown words by the closest domain word when one is close enough.

    `targets` are the corpus's domain words (surface forms); `known` are the
    index's stems: a word whose stem the index knows is never "corrected".
    """
    corrections: dict[str, str] = {}
    for word in set(words(text)):
        if stem(word) in known:
            continue
        fixed = closest_word(word, targets)
        if fixed is not None:
            corrections[word] = fixed
    for wrong, right in corrections.items():
        # A corrected word may itself be shorthand ("finetunning" -> "finetuning").
        replacement = expand_shorthand(right)
        pattern = rf"(?<![\w-]){re.escape(wrong)}(?![\w-])"
        text = re.sub(pattern, replacement.replace("\\", r"\\"), text, flags=re.IGNORECASE)
    return NormalizedQuery(text=text, corrections=corrections)


def closest_word(word: str, targets: Collection[str]) -> str | None:
    """The domain word a misspelt word most likely meant, or None."""
    if word in targets or word in STOPWORDS or len(word) < 4 or not word.isalpha():
        return None
    cutoff = 0.8 if len(word) >= 6 else 0.75
    candidates = [
        t
        for t in targets
        if abs(len(t) - len(word)) <= 2 and t[:1] == word[:1] and not _variant(word, t)
    ]
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    if not matches or edit_distance(word, matches[0]) > max(1, len(word) // 4):
        return None  # "database" is not a misspelt "dataset": typos are an edit or two
    return matches[0]


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _variant(word: str, target: str) -> bool:
    """Another form of the same word ("expense"/"expensive"): not a typo."""
    return target.startswith(stem(word)) or word.startswith(stem(target))


def normalize(question: str, targets: Collection[str], known: Collection[str]) -> NormalizedQuery:
    """Shorthand expanded, then typos corrected against the corpus's domain words."""
    return correct_typos(expand_shorthand(question), targets, known)
