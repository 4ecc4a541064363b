"""Extractive answers: the few retrieved sentences that best answer a question.

No model writes anything: sentences (list items, table rows) are copied from
the retrieved chunks, so numbers, thresholds and prices come through exactly.
Only the best section (and a second one when it scores nearly as well) may be
quoted, so an answer never strays to another topic. Each sentence is scored by
the question terms it contains (weighted by IDF), the rank of its chunk, and
whether it has a figure when the question asks for one; a section's first
sentence states its main answer, so it leads when the section matched through
its questions or its heading, unless the matched question names the sentence
that answers it (`{q, a}` in the front matter): then that sentence leads. The
lead comes first, then at most two supporting sentences in reading order (a
short section is quoted whole, in order), at most ANSWER_CHARS in all, with
numbered citations. When a learned ranker is given (bot.rag.ranker, fitted for the
embedding in use), it weighs these scores together with each sentence's similarity
in meaning to the question, and its probability replaces the hand-made score.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.rag.interaction import Matcher
from bot.rag.ranker import SentenceRanker
from bot.rag.retrieval import Hit
from bot.rag.text import folded, terms
from bot.rag.units import sentences

ANSWER_CHARS = 600
MAX_SENTENCES = 3  # the answer and at most two supporting sentences
LEAD_BONUS = 0.3  # for the top section's first sentence (its main answer) ...
ANCHOR_BONUS = 0.5  # ... or for the sentence its matched question names as the answer
WEAK_LEAD_BONUS = 0.0  # ... less when the section matched on its body words only
REPEAT_SHARE = 0.8  # a sentence sharing more of its terms with a chosen one repeats it
OTHER_SECTION_RATIO = 0.8  # a second section's sentence must score this share of the lead's
MAX_SECTIONS = 2  # an answer quotes one or two sections, never a third topic
KEEP_RATIO = 0.5  # a further sentence must score at least this share of the best
# With the learned ranker, scores are probabilities: a further sentence needs only a tenth
# of the best's (dev: the same from 0 to 0.15; its 0.5 here cost 12 answers)
RANKED_KEEP_RATIO = 0.1
RANKED_OTHER_SECTION_RATIO = 0.3  # ... and a second section's (dev: 0.5 costs 3, 0.8 costs 12)
PRIOR_WEIGHT = 0.7  # how much the chunk's retrieval rank counts
HEADING_WEIGHT = 0.1  # a question term in the sentence's heading path, not the sentence
FIGURE_BONUS = 0.1  # for a sentence with a number when the question asks for one
LENGTH_SCALE = 40  # longer sentences are discounted: score / (1 + terms / this)
NEIGHBOUR_BONUS = 0.2  # share of the best score added to the sentences beside it
SAME_CHUNK_BONUS = 0.2  # ... and to the rest of its chunk
COVERAGE_WEIGHT = 0.5  # for question terms no chosen sentence has, relative to the best
SMALL_SECTION_CHARS = 320  # a section this short is quoted whole
# Late interaction is measured for the sentences nearest the question only: a model run
# per new sentence (dev, 5-fold top sentence: all candidates 169, nearest 8 171, none 160)
MATCHED = 8
_NUMBER_QUESTION = re.compile(
    r"\b(?:how\s+(?:much|many|long|often|fast)|cost|price|pric\w*|percent\w*|rate|"
    r"budget|time|days?|weeks?|per)\b|[%$]",
    re.IGNORECASE,
)


# "How much more / pricier than / how many times" asks for a ratio: a sentence that
# states one ("1.5x", "2-3x") answers it better than a price list.
_RATIO_QUESTION = re.compile(
    r"\bhow\s+(?:much|many\s+times)\s+(?:more|less|cheaper|pricier|faster|slower)\b"
    r"|\b\w+er\s+than\b|\bmore\s+\w+\s+than\b|\btimes\b",
    re.IGNORECASE,
)
_RATIO = re.compile(r"\b\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?x\b")
RATIO_BONUS = 0.15


@dataclass(frozen=True)
class Sentence:
    """A sentence, list item or table row of a chunk, ready to quote."""

    hit: int  # rank of its chunk among the hits
    position: int  # order within its chunk
    text: str


def select(
    weights: Mapping[str, float],
    question: str,
    hits: Sequence[Hit],
    idf: Mapping[str, float],
    max_chars: int = ANSWER_CHARS,
    max_sections: int = MAX_SECTIONS,
    ranker: SentenceRanker | None = None,
    matcher: Matcher | None = None,
) -> list[Sentence]:
    """The sentences to quote, in reading order (chunk rank, then position).

    `weights` are the question's terms with their weights (see retrieval); the
    sentences come from `max_sections` sections at most. With a `ranker`, each
    sentence scores the probability it gives that the sentence answers (with
    `matcher`'s late-interaction scores among its features).
    """
    scored = candidates(weights, question, hits, idf, matcher if ranker is not None else None)
    keep = (KEEP_RATIO, OTHER_SECTION_RATIO)
    if ranker is not None:
        scored = [replace(s, score=ranker.probability(s.features), lead=0.0) for s in scored]
        keep = (RANKED_KEEP_RATIO, RANKED_OTHER_SECTION_RATIO)
    keys = [(h.chunk.path, h.chunk.section) for h in hits]
    known = {t: w for t, w in weights.items() if t in idf}
    return _pick(scored, max_chars, known, keys, max_sections, keep)


def candidates(
    weights: Mapping[str, float],
    question: str,
    hits: Sequence[Hit],
    idf: Mapping[str, float],
    matcher: Matcher | None = None,
) -> list[Scored]:
    """Every sentence of the hits with its hand-made score and its ranker features
    (empty when nothing can be quoted). `matcher` scores the MATCHED sentences nearest
    the question by late interaction (bot.rag.interaction); without one, those two
    features are 0."""
    value = {t: idf[t] * w for t, w in weights.items() if t in idf}
    if not hits or (sum(value.values()) == 0 and not hits[0].by_question):
        return []  # a section question matched words its text lacks: its lead still answers
    wants = (bool(_NUMBER_QUESTION.search(question)), bool(_RATIO_QUESTION.search(question)))
    scored = list(_scored(value, wants, hits))
    order = sorted(range(len(scored)), key=lambda i: -scored[i].features[0])
    texts = [scored[i].sentence.text for i in order[:MATCHED]]
    matched = _matched(matcher, question, texts)
    # a sentence beyond them: the lowest score measured (as an absent vector hit gets
    # the floor), ranked just after them
    beyond = (min((v for v, _ in matched), default=0.0), 1.0 / (1 + MATCHED) if matched else 0.0)
    for rank, i in enumerate(order):
        match = matched[rank] if rank < len(matched) else beyond
        features = (*scored[i].features[:7], 1.0 / (1 + rank), *match)
        scored[i] = replace(scored[i], features=features)
    return scored


def _matched(matcher: Matcher | None, question: str, texts: list[str]) -> list[tuple[float, float]]:
    """(late-interaction score, 1 / (1 + its rank among them)) of each text, in order;
    nothing without a matcher."""
    if matcher is None or not texts:
        return []
    values = matcher.scores(question, texts)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    rank = {i: r for r, i in enumerate(order)}
    return [(v, 1.0 / (1 + rank[i])) for i, v in enumerate(values)]


def _features(
    hit: Hit, position: int, text: str, merit: float, lead: float, prior: float
) -> tuple[float, ...]:
    """The ranker's first features of one sentence (see bot.rag.ranker.FEATURES)."""
    said = dict(hit.said)
    here = folded(text)
    anchor = max((sim for snippet, sim in hit.anchored if folded(snippet) in here), default=0.0)
    own = hit.own_similarity if hit.own_similarity is not None else hit.floor
    # the similarity rank and the late-interaction pair are filled in by `candidates`
    return (said.get(position, hit.floor), merit, lead, prior, anchor, own, len(text) / 200)


def _lead_bonus(hit: Hit, value: Mapping[str, float]) -> float:
    """The prior for the top chunk's first sentence: its section's main answer."""
    named = hit.by_question or bool(value.keys() & set(terms(hit.chunk.heading)))
    return LEAD_BONUS if named else WEAK_LEAD_BONUS


def _anchored(hits: Sequence[Hit]) -> dict[tuple[str, str], tuple[str, float]]:
    """Section -> (snippet, how closely its question matched), for each of the top two
    sections with a hit that matched a question naming the sentence that answers it
    (that hit is the chunk holding the sentence: see HybridRetriever)."""
    top: list[tuple[str, str]] = []
    for hit in hits:
        if _key(hit) not in top:
            top.append(_key(hit))
    found: dict[tuple[str, str], tuple[str, float]] = {}
    for hit in hits:
        key, snippet = _key(hit), folded(hit.anchor)
        wanted = key in top[:MAX_SECTIONS] and key not in found and snippet
        if wanted and any(snippet in folded(t) for t in sentences(hit.chunk.body)):
            found[key] = (snippet, hit.anchor_match)
    return found


def _key(hit: Hit) -> tuple[str, str]:
    return hit.chunk.path, hit.chunk.section


@dataclass(frozen=True)
class Scored:
    """A sentence with its score and terms."""

    score: float
    sentence: Sentence
    terms: frozenset[str]
    lead: float = 0.0  # the lead-sentence prior included in `score`
    features: tuple[float, ...] = ()  # for the learned ranker (bot.rag.ranker.FEATURES)

    @property
    def merit(self) -> float:
        """The score on the sentence's own words, without the lead prior."""
        return self.score - self.lead


def _scored(
    value: Mapping[str, float], wants: tuple[bool, bool], hits: Sequence[Hit]
) -> Iterator[Scored]:
    """Every sentence of the hits: question terms it holds (by IDF), its chunk's rank, length;
    `wants` says whether the question asks for a figure and for a ratio."""
    wants_figure, wants_ratio = wants
    total = sum(value.values()) or 1.0
    best_fused = hits[0].score
    anchored = _anchored(hits)
    for rank, hit in enumerate(hits):
        prior = hit.score / best_fused if best_fused else 0.0
        heading = value.keys() & set(terms(hit.chunk.heading_path))
        for position, text in enumerate(sentences(hit.chunk.body)):
            unit_terms = frozenset(terms(text))
            found = value.keys() & unit_terms
            match = sum(value[t] for t in found) + HEADING_WEIGHT * sum(
                value[t] for t in heading - found
            )
            match /= total
            score = match * (1 - PRIOR_WEIGHT + PRIOR_WEIGHT * prior)
            if wants_figure and any(ch.isdigit() for ch in text):
                score += FIGURE_BONUS
            if wants_ratio and _RATIO.search(text):
                score += RATIO_BONUS
            score /= 1 + len(unit_terms) / LENGTH_SCALE
            snippet, match = anchored.get(_key(hit), ("", 0.0))
            if snippet and snippet in folded(text):
                lead = ANCHOR_BONUS * prior * match  # the sentence a matched question names
            elif rank == 0 and position == 0 and _key(hit) not in anchored:
                lead = _lead_bonus(hit, value)
            else:
                lead = 0.0
            features = _features(hit, position, text, score, lead, prior)
            yield Scored(score + lead, Sentence(rank, position, text), unit_terms, lead, features)


def _pick(
    scored: list[Scored],
    max_chars: int,
    weights: Mapping[str, float],
    keys: Sequence[object],
    max_sections: int,
    keep: tuple[float, float] = (KEEP_RATIO, OTHER_SECTION_RATIO),
) -> list[Sentence]:
    """The best sentence, then the next best within the budget, one at a time.

    A follow-up is favoured beside the best sentence, and for question terms (by
    their `weights`) that no chosen sentence has yet: "combine RAG and fine-tuning"
    wants a sentence on combining as well as one on RAG. Sentences come from two
    sections at most (`keys[hit]` names a hit's section), so nothing strays.
    """
    if not scored:
        return []
    first = max(scored, key=lambda s: (s.score, -s.sentence.hit, -s.sentence.position))
    if first.score <= 0:
        return []
    chosen = _small_section(scored, first) or [first]
    small = len(chosen) > 1
    used = sum(len(c.sentence.text) + 5 for c in chosen)
    total = sum(weights.values()) or 1.0
    while len(chosen) < MAX_SENTENCES:
        covered = frozenset().union(*(c.terms for c in chosen))

        def follow(s: Scored, covered: frozenset[str] = covered) -> float:
            new = sum(weights.get(t, 0.0) for t in s.terms - covered)
            return _follow_up_score(s, first) + COVERAGE_WEIGHT * first.merit * new / total

        sections = {keys[c.sentence.hit] for c in chosen}
        fitting = [
            s
            for s in scored
            if s not in chosen
            and (len(sections) < max_sections or keys[s.sentence.hit] in sections)
            and used + len(s.sentence.text) + 5 <= max_chars
            and not _repeats(s.terms, chosen)
        ]
        best = max(fitting, key=follow, default=None)
        if best is None:
            break
        elsewhere = keys[best.sentence.hit] not in sections
        same_section, other_section = keep
        if follow(best) < (other_section if elsewhere else same_section) * first.merit:
            break
        chosen.append(best)
        used += len(best.sentence.text) + 5
    in_order = sorted((c.sentence for c in chosen), key=lambda s: (s.hit, s.position))
    if small:
        return in_order  # a short section quoted whole keeps its own order
    # the sentence that answers leads; what supports it follows in reading order
    return [first.sentence, *(s for s in in_order if s is not first.sentence)]


def _small_section(scored: list[Scored], first: Scored) -> list[Scored]:
    """All of the best sentence's chunk when it is this short: it is one answer."""
    section = [s for s in scored if s.sentence.hit == first.sentence.hit]
    short = sum(len(s.sentence.text) for s in section) <= SMALL_SECTION_CHARS
    return section if len(section) <= 3 and short else []


def _follow_up_score(candidate: Scored, first: Scored) -> float:
    """A sentence next to the best one often completes it ("...; if it stalls at 60%...")."""
    same_chunk = candidate.sentence.hit == first.sentence.hit
    near = same_chunk and abs(candidate.sentence.position - first.sentence.position) == 1
    return (
        candidate.score
        + (NEIGHBOUR_BONUS if near else SAME_CHUNK_BONUS if same_chunk else 0.0) * first.merit
    )


def _repeats(unit_terms: frozenset[str], chosen: list[Scored]) -> bool:
    """True when a sentence says nearly what a chosen one says (glossary vs section),
    or is mostly contained in one ("...fine-tune only if both have failed" twice)."""
    for picked in chosen:
        other = picked.terms
        shared = len(unit_terms & other)
        smaller = min(len(unit_terms), len(other))
        if smaller and shared / smaller > REPEAT_SHARE:
            return True
    return False


def compose(
    chosen: Sequence[Sentence], keys: Sequence[object], max_chars: int = ANSWER_CHARS
) -> tuple[str, list[int]]:
    """Answer text with [n] markers, and for each n the hit rank it cites.

    `keys[rank]` says which section a hit belongs to: two chunks of one section
    share a number, so citations never repeat a section.
    """
    chosen = list(chosen)
    while True:
        text, cited = _render(chosen, keys)
        if len(text) <= max_chars or len(chosen) == 1:
            break
        chosen.pop()  # drop the last sentence rather than cut one
    if len(text) > max_chars:  # one sentence longer than the whole budget
        first = chosen[0]
        room = max_chars - len(text) + len(first.text) - 1
        shortened = first.text[:room].rsplit(" ", 1)[0] + "…"
        text, cited = _render([Sentence(first.hit, first.position, shortened)], keys)
    return text, cited


def _render(chosen: Sequence[Sentence], keys: Sequence[object]) -> tuple[str, list[int]]:
    numbers: dict[object, int] = {}
    cited: list[int] = []
    parts: list[str] = []
    for i, sentence in enumerate(chosen):
        key = keys[sentence.hit]
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            cited.append(sentence.hit)
        parts.append(sentence.text)
        if i + 1 == len(chosen) or keys[chosen[i + 1].hit] != key:
            parts.append(f"[{numbers[key]}]")
    return " ".join(parts), cited
