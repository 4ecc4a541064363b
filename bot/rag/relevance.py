"""Does the knowledge base cover a question? A calibrated, explainable test.

Off-topic questions (wifi passwords, recipes, git) often share a word or two
with the knowledge base ("password", "training", "price"), so a retrieved
chunk alone proves nothing. The test asks for at least half of the question's
own words to be known to the corpus, at least one of them a topic word (see
bot.rag.lexicon), and a lexical or a vector score that clears a threshold.
Thresholds were tuned on the project's eval set (bot/rag/eval/dev.jsonl).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_COVERAGE = 0.5  # share of the question's content words the corpus knows
MIN_BM25 = 3.0  # best BM25 score of a chunk ...
MIN_SIMILARITY = 0.45  # ... or best cosine similarity (short questions score low on BM25)
FLOOR_SIMILARITY = 0.24  # below this, a lexical match is a coincidence of words
# A weak match: a topic word, and a chunk or a section question close in meaning,
# but too few known words or too low scores to be sure. Answered as the closest match.
WEAK_SIMILARITY = 0.35
WEAK_QUESTION_SIMILARITY = 0.6  # short questions sit close to anything: a higher bar
WEAK_COVERAGE = 0.34
# A section question this close in meaning covers the question even without topic words.
QUESTION_SIMILARITY = 0.8
QUESTION_SHARE = 0.75  # ... or that shares this much of its words (by weight), with a topic word


@dataclass(frozen=True)
class Evidence:
    """Features of a question and its retrieval, for the relevance test."""

    content_words: int  # words in the question that carry meaning
    known_words: int  # of which the index knows
    domain_words: int  # of which are topic words
    top_bm25: float
    top_similarity: float
    top_question_similarity: float = 0.0  # best cosine similarity of a section question
    top_question_share: float = 0.0  # share of the question's words a section question holds
    has_vectors: bool = True  # False in the BM25-only ablation: no similarity to ask for

    @property
    def coverage(self) -> float:
        """Share of the question's content words that the corpus knows."""
        return self.known_words / self.content_words if self.content_words else 0.0


def is_relevant(evidence: Evidence) -> bool:
    """True when the knowledge base can answer the question."""
    if evidence.coverage < MIN_COVERAGE:
        return False
    if evidence.domain_words == 0:
        return max(evidence.top_question_similarity, evidence.top_question_share) >= (
            QUESTION_SIMILARITY
        )
    if evidence.top_question_share >= QUESTION_SHARE:
        return True
    if evidence.has_vectors and evidence.top_similarity < FLOOR_SIMILARITY:
        return False  # shared words, but no text of the guide means anything close
    return evidence.top_bm25 >= MIN_BM25 or evidence.top_similarity >= MIN_SIMILARITY


def is_weak_match(evidence: Evidence) -> bool:
    """True when the question is about the topic but no section is a sure match:
    the best section is then offered as the closest match rather than withheld."""
    if is_relevant(evidence) or evidence.domain_words == 0:
        return False
    if evidence.coverage < WEAK_COVERAGE:
        return False  # mostly words the guide never uses: another subject
    return (
        evidence.top_similarity >= WEAK_SIMILARITY
        or evidence.top_question_similarity >= WEAK_QUESTION_SIMILARITY
    )
