"""What the corpus knows: its words, its stems and its topic (domain) terms.

The lexicon reads a question word by word: which words the index knows, which
are topic words (a curated list about improving AI features, plus every word
of a section heading, minus generic ones), and which are shorthand. Those
counts feed the relevance test; the topic words are also the only targets of
typo correction, so "stock" never becomes "stuck".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.rag.query import NormalizedQuery, normalize, shorthand_spans
from bot.rag.text import STOPWORDS, term, terms, words


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


DOMAIN_WORDS = _word_set(
    """
    prompt prompts prompting engineering engineer fine-tuning finetuning fine-tune fine-tuned
    tuning retrieval augmented rag lora adaptation embedding embeddings model models llm gpt
    gpt-4o claude gemini llama inference token tokens training trained retrain retraining
    dataset datasets examples example labeled labelled annotators annotation accuracy success
    iterations iteration hallucination overfitting classifier classification extraction
    extract summarization summaries summarizing translation translating localization
    chain-of-thought few-shot weights parameters hold-out evaluation flowchart scenario
    maintenance versioning instructions base
    """
)

# Heading words that do not make a question about the knowledge base on their own.
GENERIC_WORDS = _word_set(
    """
    use uses used first long help both small wrong come comes take takes side plain default
    guide figure figures list open term terms what why when how where which quick facts five
    common real world together global better deciding cost costs price prices data table
    tables rate structured messy total research papers english technical docs support
    """
)


# Topic words with an everyday meaning at work ("training rota", "toy model",
# "tram token"): they make a question about the guide only next to a word the
# guide uses or a specific topic word ("prompt", "rag", "fine-tuning").
EVERYDAY_TOPIC_WORDS = _word_set(
    """
    model models token tokens training trained train trains example examples accuracy
    evaluation base success instructions maintenance scenario weights parameters
    iteration iterations translation translating summaries summarization access
    one question questions ask big classic cloud combine combining compare comparison
    context decision decisions extract extraction fallback faq forget frequent frequently
    ignore ignoring label labels legal line lines local measure measuring mistake mistakes
    ownership paragraph pdf picture published test testing tests ticket tickets trap try
    trying using version versions whole engineer engineering regional shorthand 90 2024 08
    """
)


@dataclass(frozen=True)
class Reading:
    """A question as the lexicon reads it."""

    query: NormalizedQuery
    content_words: int  # words that carry meaning (no stopwords)
    known_words: int  # of which the index knows (stem, shorthand or corrected typo)
    domain_words: int  # of which are topic words
    specific_words: int = 0  # of which have no everyday meaning ("prompt", "lora", "ft")


# A figure with its unit ("$25", "80%", "8/10", "1.5x", "2-3x"): one the guide states is
# as much a sign of its topic as a topic word ("why are there two $25 numbers").
_FIGURE = re.compile(
    r"\$\d[\d,]*(?:\.\d+)?[km]?\b|\b\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?(?:%|x\b)|\b\d+/\d+\b",
    re.IGNORECASE,
)


# A bare count or amount: "200", "5k", "1.5", "2024" (figures with units are read above)
_COUNT = re.compile(r"\d+(?:[.,]\d+)*[km]?")


def figures(text: str) -> set[str]:
    """The figures with units in a text, lower-cased."""
    return {m.group(0).lower() for m in _FIGURE.finditer(text)}


def _term(word: str) -> str:
    """The index term of a word; a hyphenated word's is its joined form ("holdout")."""
    return term(word.replace("-", ""))


@dataclass
class _Word:
    """One word of a question as the lexicon reads it."""

    text: str
    content: bool  # carries meaning (not a stopword or a bare count)
    known: bool = False
    domain: bool = False
    specific: bool = False
    span: int | None = None  # start of the shorthand it belongs to ("fine tune")


# Words that open a noun phrase: "fine-tune MY cover letter", "retrain THE parrot"
_DETERMINERS = frozenset(
    ["my", "the", "our", "a", "an", "your", "this", "that", "his", "her", "their", "its", "some"]
)
_PHRASE_WORDS = 3  # how far an object noun phrase is read


def _everyday_senses(read: list[_Word]) -> None:
    """Topic words used in their everyday sense stop counting as topic words.

    - A topic word (or shorthand) followed by a determiner and a noun phrase whose head
      the guide never uses acts on another subject: "fine-tune my cover letter",
      "retrain the parrot". "Fine-tune our ticket classifier" keeps its sense: the guide
      speaks of classifiers.
    - A topic word with an everyday meaning right after a word the guide never uses is
      that word's kind of thing: "chess training", "toy model".
    """
    for i, word in enumerate(read):
        if not word.domain:
            continue
        end = i + 1
        while end < len(read) and word.span is not None and read[end].span == word.span:
            end += 1  # the rest of a shorthand: "fine tune"
        if end < len(read) and read[end].text in _DETERMINERS:
            phrase = []
            for other in read[end + 1 : end + 1 + _PHRASE_WORDS]:
                if not other.content:
                    break
                phrase.append(other)
            if phrase and not phrase[-1].known:  # its head noun: "my cover LETTER"
                for w in read[i:end]:
                    w.domain = w.specific = False
                continue
        before = read[i - 1] if i else None
        if word.specific or before is None or (word.span is not None and before.span == word.span):
            continue
        if before.content and not before.known:
            word.domain = False


class Lexicon:
    """Vocabulary, stems and topic terms of one set of chunk texts."""

    def __init__(self, texts: Iterable[str], headings: Iterable[str], index_terms: Iterable[str]):
        self.known = frozenset(index_terms)
        generic = {_term(w) for w in GENERIC_WORDS}
        heading_terms = {t for h in headings for t in terms(h)}
        self.domain = frozenset(({_term(w) for w in DOMAIN_WORDS} | heading_terms) - generic)
        self.specific = self.domain - {_term(w) for w in EVERYDAY_TOPIC_WORDS}
        texts = list(texts)
        self.figures = frozenset(f for text in texts for f in figures(text))
        surface = {w for text in texts for w in words(text)}
        self.typo_targets = frozenset(
            w for w in surface if len(w) >= 4 and w not in STOPWORDS and _term(w) in self.domain
        )

    def specific_words(self, question: str) -> list[str]:
        """The question's topic words with no everyday sense, as normalized ("ft" ->
        "fine-tuning"): what a follow-up part ("and how long?") is about."""
        text = normalize(question, self.typo_targets, self.known).text
        found = (w for w in words(text) if w not in STOPWORDS and _term(w) in self.specific)
        return list(dict.fromkeys(found))

    def read(self, question: str) -> Reading:
        """Normalize a question and count its known and topic words."""
        query = normalize(question, self.typo_targets, self.known)
        spans = shorthand_spans(question)
        position = 0
        lowered = question.lower()
        read: list[_Word] = []  # every word in order; content words classified
        for word in words(question):
            start = lowered.find(word, position)
            position = max(position, start + len(word))
            if word in STOPWORDS or self._bare_count(word, lowered, start):
                # "is 200 examples enough": a count is no sign of another subject
                read.append(_Word(word, content=False))
                continue
            is_known, is_domain, is_specific = self._classify(word, start, spans, query.corrections)
            span = next((lo for lo, hi, _ in spans if lo <= start < hi), None)
            read.append(_Word(word, True, is_known, is_domain, is_specific, span))
        _everyday_senses(read)
        content = sum(w.content for w in read)
        known = sum(w.known for w in read)
        domain = sum(w.domain for w in read)
        specific = sum(w.specific for w in read)
        domain += len(figures(question) & self.figures)  # "$25", "8/10" as the guide has them
        return Reading(query, content, known, domain, specific)

    def _bare_count(self, word: str, text: str, start: int) -> bool:
        """A number without a unit ("200", "5k") that is not a topic term (the "90%" test):
        figures with units ("$30", "80%") are read as figures."""
        if not _COUNT.fullmatch(word) or _term(word) in self.domain:
            return False
        before, after = text[max(start - 1, 0) : start], text[start + len(word) :][:1]
        return before not in ("$", "/") and after not in ("%", "x", "/")

    def _classify(
        self,
        word: str,
        start: int,
        spans: list[tuple[int, int, bool]],
        corrections: dict[str, str],
    ) -> tuple[bool, bool, bool]:
        """Whether a word is known, a topic word, and a topic word with no everyday sense."""
        for lo, hi, is_domain in spans:
            if lo <= start < hi:
                return True, is_domain, is_domain  # shorthand ("ft", "fine tune") is specific
        word_terms = terms(corrections.get(word, word))
        is_known = any(t in self.known for t in word_terms)
        is_domain = is_known and any(t in self.domain for t in word_terms)
        return is_known, is_domain, is_known and any(t in self.specific for t in word_terms)
