"""Words for retrieval: tokenizing, a light English stemmer and stopwords.

Pure functions; the same analysis runs over chunks and over questions so that
"fine-tuning", "fine-tuned" and "finetune" all meet at one term.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?(?:-[a-z0-9]+)*")

STOPWORDS = _word_set(
    """
    a about above after again against all am an and any are aren as at be because been
    before being below between both but by can cannot could did didn do does doesn doing
    don down during each few for from further had has have having he her here hers him his
    how i if in into is isn it its itself just me more most my myself no nor not now of off
    on once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours
    yourself im ive id ill youre whats hows thats theres lets ok okay yes yeah hey hi hello
    thanks thank thx pls please plz anyone someone folks guys team quick question q know
    tell wondering wonder curious also really actually basically just like get got u ur
    r ya do does dont doesnt isnt arent wont cant shouldnt wouldnt couldnt didnt us lol btw
    wat wut wht whats hows much many vs versus anything something anyone everything thing
    things ppl gonna wanna weve wed youve youd theyre theyve theyd shes hes whos heres
    """
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens; apostrophes dropped ("don't" -> "dont")."""
    return [w.replace("'", "").replace("’", "") for w in _WORD.findall(text.lower())]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: plurals, -ing/-ed, a few derivations, final e."""
    if len(word) <= 3 or not word.isalpha():
        return word
    word = _strip_plural(word)
    word = _strip_verb_ending(word)
    word = _strip_derivation(word)
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    elif word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        word = word[:-1] + "i"
    return word


def _strip_plural(word: str) -> str:
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> str:
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _has_vowel(base):
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiousz":
                base = base[:-1]
            return base
    return word


_DERIVATIONS = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ness", ""),
    ("ment", ""),
    ("ally", "al"),
    ("ly", ""),
)


def _strip_derivation(word: str) -> str:
    for suffix, replacement in _DERIVATIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + replacement
    return word


def _has_vowel(text: str) -> bool:
    return any(ch in "aeiouy" for ch in text)


# Stems that mean the same thing in this domain, mapped to one.
SAME_MEANING = {
    "gather": "collect",
    "doc": "docu",  # "document" stems to "docu"
    "documentat": "docu",
    "fail": "failur",
}


def term(word: str) -> str:
    """The index term of one word: stemmed, then synonyms merged."""
    stemmed = stem(word)
    return SAME_MEANING.get(stemmed, stemmed)


def terms(text: str) -> list[str]:
    """Index terms: stemmed content words; hyphenated words also give their parts."""
    out: list[str] = []
    for word in words(text):
        if "-" in word:
            parts = [p for p in word.split("-") if p]
            out.append(term("".join(parts)))
            out.extend(term(p) for p in parts if p not in STOPWORDS)
        elif word not in STOPWORDS:
            out.append(term(word))
    return out


def folded(text: str) -> str:
    """Text as an answer snippet is matched: lower case, whitespace and markdown emphasis
    folded, so "**$3.75** per 1M" holds the snippet "$3.75 per 1m"."""
    return " ".join(text.replace("**", "").replace("`", "").lower().split())
