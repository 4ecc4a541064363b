"""Words people use for tasks, failure causes and languages, mapped to slot values.

Tables are data: (slot value, regex) pairs, searched in order; pure, no I/O.
"""

from __future__ import annotations

import re

_FT = r"fine[\s-]?tun\w*"

# Order matters: a "support ticket classifier" is a classifier, a "support bot that
# summarizes" is still a bot; the first task whose pattern matches wins.
TASK_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "classification",
        r"\bclassif\w*|\bcategori[sz]\w*|\btriag\w*|\bsentiment\b|\bintent detection\b"
        r"|\bspam filter\w*|\broute (?:the |our )?tickets\b|\bticket routing\b"
        r"|\btag(?:s|ging)? (?:tickets|emails|messages)\b|\btags? \w+ (?:by|into|with)\b"
        r"|\bflag(?:s|ging)? (?:risky|spam|fraud\w*|toxic|abusive)\b",
    ),
    (
        "extraction",
        r"\bextract\w*|\bpars(?:e|es|ing) (?:the |our )?(?:invoices?|receipts?|pdfs?|documents?"
        r"|resumes?|cvs?|forms?|contracts?|emails?)\b|\bpull(?:s|ing)? (?:out )?(?:fields|data)\b"
        r"|\bentity recognition\b|\bstructured data from\b|\bdata entry\b",
    ),
    ("translation", r"\btranslat\w*|\blocali[sz]\w*"),
    ("summarization", r"\bsummar\w*|\btl;?dr\b|\bcondens\w*|\brecaps?\b"),
    (
        "support",
        r"\bchat\s?bot\b|\bsupport (?:bot|assistant|agent)\b|\bhelp\s?desk\b"
        r"|\bcustomer (?:support|service)\b|\banswer(?:s|ing)? (?:customer|user|client) questions\b"
        r"|\bfaq (?:bot|assistant)\b|\bvirtual agent\b|\b(?:customer|support|shopper) chats\b",
    ),
    (
        "generation",
        r"\bgenerat\w*|\b(?:write|writes|writing|draft|drafts|drafting|compos\w+)"
        r"(?: \w+){0,2} (?:emails?|copy|descriptions?|posts?|articles?|clauses?|content"
        r"|code|replies|responses|ads?|headlines?|reports?|letters?|contracts?|proposals?|memos?"
        r"|scripts?|stories|briefs?)\b|\bcopywriting\b",
    ),
    (
        "reasoning",
        r"\breasoning (?:task|problem|feature)s?\b|\bsolv\w* (?:math|logic)\b"
        r"|\bmath (?:problems|questions|tutor)\b|\blogic puzzles?\b",
    ),
)

# The first cause mentioned (and not negated) wins.
CAUSE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "knowledge",
        r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t) know\b|\bmissing (?:facts|information"
        r"|info|knowledge|context|data)\b|\boutdated\b|\bout of date\b|\bstale\b|\bhallucinat\w*"
        r"|\bmakes? (?:stuff|things|facts|answers) up\b|\black(?:s|ing)? (?:the )?(?:context"
        r"|knowledge|information|facts)\b|\bknowledge(?! base)\b|\binternal (?:docs|data|facts)\b"
        r"|\bunaware of\b|\bwrong facts\b|\bnot in (?:its|the) training\b",
    ),
    (
        "format",
        r"\bjson\b|\bformat\w*|\bschema\b|\bmalformed\b|\binvalid (?:output|structure)\b"
        r"|\bstructure\b|\byaml\b|\bxml\b",
    ),
    (
        "terminology",
        r"\bjargon\b|\bterminolog\w*|\bacronyms?\b|\bvocabulary\b|\blingo\b"
        r"|\bdomain (?:words|language|terms)\b|\btechnical terms\b",
    ),
    (
        "style",
        r"\btone\b|\bvoice\b|\bstyle\b|\bbrand\w*|\bsounds? (?:robotic|generic|off)\b"
        r"|\btoo (?:casual\w*|formal\w*|stiff\w*|wordy|verbose|chatty|salesy|robotic)\b",
    ),
    (
        "reasoning",
        r"\blogic\w*|\bmath\w*|\barithmetic\b|\bcalculat\w*|\breasoning\b|\bmulti[\s-]?step\b",
    ),
    (
        "random",
        r"\brandom\w*|\binconsistent\w*|\bno (?:clear )?pattern\b|\bflaky\b|\bunpredictabl\w*"
        r"|\bnon[\s-]?deterministic\b|\ball over the place\b|\bvaries\b",
    ),
    ("unknown", r"\b(?:not sure|no idea|unclear|don'?t know|unknown) (?:why|what)\b"),
)

LANGUAGES: dict[str, str] = {
    "english": "en",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
    "finnish": "fi",
    "polish": "pl",
    "czech": "cs",
    "russian": "ru",
    "ukrainian": "uk",
    "turkish": "tr",
    "greek": "el",
    "arabic": "ar",
    "hebrew": "he",
    "hindi": "hi",
    "bengali": "bn",
    "japanese": "ja",
    "chinese": "zh",
    "mandarin": "zh",
    "cantonese": "zh",
    "korean": "ko",
    "vietnamese": "vi",
    "thai": "th",
    "indonesian": "id",
    "malay": "ms",
}
# Names that are also ordinary words only count when capitalized ("polish the prompt").
_CASE_SENSITIVE = {"polish"}

_NEGATION = re.compile(r"\b(?:not|no|never|isn'?t|aren'?t|wasn'?t)\W+(?:\w+\W+)?$", re.I)
_FINE_AFTER = re.compile(r"^[^.;,!?]{0,30}\b(?:is|are|seems?|looks?) (?:fine|ok|okay|good)", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.I)
_INTO_BEFORE = re.compile(r"\b(?:into|to|in)\s+(?:plain\s+)?$", re.I)


# A bot people talk to, named before it is said to sort things: the sorting is one step of it
# ("a support chatbot that classifies the issue and then answers").
_SUPPORT_PRODUCT = re.compile(
    r"\bchat\s?bot\b|\bsupport (?:bot|assistant|agent)\b|\bvirtual agent\b"
    r"|\bhelp\s?desk (?:bot|assistant)\b|\bfaq (?:bot|assistant)\b",
    re.IGNORECASE,
)
_SORTING_VERB = re.compile(
    r"classif(?:y|ies|ying)|categori[sz](?:e|es|ing)|triag(?:e|es|ing)", re.I
)


# Task words used for something else: "tl;dr:", "in summary", "customers generate 5k tickets",
# "that translates to 200k calls", "lead generation".
_NOT_A_TASK_AFTER = re.compile(
    r"^\s*[:\-\u2013\u2014]|^\s+(?:up\b|(?:in)?to\s+(?:about\s+|roughly\s+|around\s+|~\s*)?\d"
    r"|(?:about\s+|roughly\s+|around\s+|~\s*|over\s+)?\d)",
    re.IGNORECASE,
)


# "tldr bot", "tl;dr feature": the word names the product after all
_PRODUCT_AFTER = re.compile(r"\s+(?:bots?|features?|tools?|apps?|generators?|services?)\b", re.I)


_FAILURES = r"(?:failures|errors|misses|mistakes|bad\s+\w+|wrong\s+\w+|failing\s+\w+|issues)\b"
_DATA_WORDS = r"(?:examples|samples|data\s?set|training|test\s+set|eval|labels)\b"


def _no_task(text: str, match: re.Match[str]) -> bool:
    """Whether a task word is used for something else here."""
    word = match.group(0).lower()
    before, after = text[max(0, match.start() - 12) : match.start()], text[match.end() :]
    if (
        word.startswith("tl")
        and not text[: match.start()].strip()
        and not _PRODUCT_AFTER.match(after)
    ):
        return True  # "tldr what does a run cost": how to answer, not what the product does
    if word.startswith(("summar", "tl", "recap")):
        return bool(_NOT_A_TASK_AFTER.match(after) or re.search(r"\bin\s+$", before, re.I))
    if word.startswith(("classif", "categori", "triag")):
        # "we categorized the failures by hand" sorts the errors, not the product's input
        return bool(re.match(r"\s+(?:the\s+|our\s+|all\s+|its\s+)?" + _FAILURES, after, re.I))
    if word.startswith("extract"):
        # "we extracted 2k examples from the CRM" built a data set
        return bool(
            re.match(r"\s+(?:about\s+|around\s+|roughly\s+|~\s*)?\d", after)
            or re.match(r"ed\b\W+(?:\w+\W+){0,3}?" + _DATA_WORDS, word + after[:60], re.I)
        )
    if word.startswith("translat"):
        return bool(re.match(r"\s+(?:in)?to\s+(?:about\s+|roughly\s+|around\s+|~\s*)?\d", after))
    if word.startswith("generat"):
        if word.startswith("generative") or re.search(
            r"\b(?:lead|first|second|next|new|last)\s+$", before, re.I
        ):
            return True  # "lead generation", "generative AI", "the first generation of the bot"
        people = re.search(
            r"\b(?:customers|users|clients|people|members|visitors|shoppers|agents|staff|employees|reps|teams)\s+$",
            before,
        )
        return bool(people and _NOT_A_TASK_AFTER.match(after))
    return False


def find_task(text: str) -> tuple[str, tuple[int, int]] | None:
    """The task a message names, with the span that named it."""
    for task, pattern in TASK_PATTERNS:
        match = next(
            (m for m in re.finditer(pattern, text, re.IGNORECASE) if not _no_task(text, m)), None
        )
        if match:
            product = _SUPPORT_PRODUCT.search(text)
            if (
                task == "classification"
                and product
                and product.start() < match.start()
                and _SORTING_VERB.fullmatch(match.group(0))
            ):
                return "support", product.span()
            return task, match.span()
    return None


def find_failure_cause(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first failure cause mentioned and not negated ("the format is fine" is not one)."""
    hits = []
    for cause, pattern in CAUSE_PATTERNS:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if _negated(text, match.start(), match.end()):
                continue
            hits.append((match.start(), cause, match.span()))
            break
    if not hits:
        return None
    _, cause, span = min(hits)
    return cause, span


def _negated(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 20) : start]
    return bool(_NEGATION.search(before) or _FINE_AFTER.search(text[end : end + 40]))


def find_language(text: str) -> tuple[str, tuple[int, int]] | None:
    """The content's language: a target ("into Japanese") beats a source ("from English")."""
    names = "|".join(LANGUAGES)
    best: tuple[int, str, tuple[int, int]] | None = None
    for match in re.finditer(rf"\b({names})\b", text, re.IGNORECASE):
        word = match.group(1)
        if word.lower() in _CASE_SENSITIVE and not word[0].isupper():
            continue
        before = text[max(0, match.start() - 12) : match.start()]
        # "into Japanese" is the content's language; "from English" only when nothing else is
        rank = 0 if _INTO_BEFORE.search(before) else 2 if _FROM_BEFORE.search(before) else 1
        if best is None or rank < best[0]:
            best = (rank, LANGUAGES[word.lower()], match.span())
    return (best[1], best[2]) if best else None
