"""What a free-text message asks for, read by meaning rather than by one regex.

A message is a question about the guide, a question that also hints at the team's
own case (answer it, then offer the decision), or a request for our decision (or a
statement of our own numbers), which starts the dialogue.

Two kinds of evidence are combined by a small softmax model fitted on the bundled
examples when the reader is built: the labels of the nearest examples in the
bundled embedding space (what the message is like), and plain features of the text
(does it speak of the team's own case, name a decision, state slot values, ask for
a fact?). The embedding alone mostly hears the topic ("fine-tuning"), the features
alone miss paraphrases; together they generalize to wording nobody wrote here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

import numpy as np

from bot.core.extract import extract
from bot.core.nearest import (
    Encoder,
    Example,
    NearestExamples,
    default_encoder,
    parse_examples,
    sentence_encoder,
)
from bot.core.numbers import find_numbers as extract_numbers
from bot.core.softmax import Softmax


class Asks(StrEnum):
    """What a message asks for."""

    question = "question"  # about the guide
    case_question = "case_question"  # about the guide, hinting at the team's own case
    decide = "decide"  # our decision, or our own numbers: start the dialogue


ASKS = tuple(Asks)


@dataclass(frozen=True)
class Reading:
    """What the message asks for, how sure the reader is, and the example it leaned on."""

    asks: Asks
    confidence: float
    example: str


Reader = Callable[[str, bool], Reading]

_I = re.IGNORECASE
# The team speaking about itself: "we", "our bot", "for us", "my team"; not "us" the
# country ("in the us", "us companies").
_OWN = re.compile(
    r"\b(?:we|we'?re|we'?ve|we'?d|our|ours|(?<!\bthe\s)(?<!\beu\s)(?<!\bvs\s)(?<!\bor\s)us"
    r"(?![\s-](?:teams?|companies|firms|market|customers|law|based|and\s+eu|or\s+eu|vs)\b)"
    r"|my\s+(?:\w+\s+)?(?:team|company|bot|app|feature|model|"
    r"classifier|product|data|use\s*case|project|pipeline))\b",
    _I,
)
# Asking outright for a recommendation, whoever it is for.
_NAMES_DECISION = re.compile(
    r"\b(?:decide|deciding|recommend\w*|(?<!\bthe\s)advi[sc]e|suggest|choose|pick|your call|suits?"
    r"|which (?:approach|option|path|one|way)"
    r"|should (?:i|we|our|my)|what next|the way to go|right (?:call|move|choice)|makes? sense"
    r"|in our shoes)\b",
    _I,
)
# "how much data should we set aside" asks for an amount, not for our verdict
_AMOUNT_SHOULD = re.compile(r"\bhow\s+(?:many|much|long|often)\b[^.?!;]*?\bshould\b", _I)


def names_decision(text: str) -> bool:
    """Whether the message asks outright for a recommendation (or puts an approach to
    the team's own case); "should we" inside an amount question does not."""
    if _FOR_US.search(text):
        return True
    amounts = [m.span() for m in _AMOUNT_SHOULD.finditer(text)]
    return any(
        not (
            m.group(0).lower().startswith("should") and any(a <= m.start() < b for a, b in amounts)
        )
        for m in _NAMES_DECISION.finditer(text)
    )


_ASKS_FACT = re.compile(
    r"^(?:how (?:many|much|long|often|is|are|(?:do|does|can|would) (?:you|one|i|we|it|that|rag"
    r"|\w+ing))|what(?:'s| is| are| does| do)|whats|why|when|define|explain|is it true|any\b"
    r"|diff\w*|pros)\b",
    _I,
)
_QUESTION_START = re.compile(
    r"^(?:what|whats|what's|how|why|when|where|which|who|is|are|can|could|does|do|did|will"
    r"|would|should|explain|tell me|define|describe|eli5|tldr)\b",
    _I,
)
# A question about how things usually are, even when the team mentions itself.
_GENERAL = re.compile(
    r"\b(?:usually|typical(?:ly)?|in general|generally|normally|people|teams|most|rule of thumb"
    r"|ever|always|common(?:ly)?|one)\b",
    _I,
)
_APPROACHES = r"(?:rag|retrieval|prompt\w*|fine[\s-]?tun\w*|ft|lora|training)"
_EITHER = re.compile(rf"\b{_APPROACHES}\s+(?:or|vs\.?|versus)\s+{_APPROACHES}", _I)
# "rag for us?", "fine-tuning for our bot": an approach put to the team's own case.
_FOR_US = re.compile(rf"\b{_APPROACHES}\s+for\s+(?:us|our|my)\b", _I)
_NUMBER = re.compile(r"\d|\b(?:ten|hundred|thousand|half)\b", _I)
# Slack noise that says nothing about meaning: mentions, the command, a bot's name.
_NOISE = re.compile(r"<[@#!][^>]*>|^\s*/?advisor\b[\s,:]*|^\s*@\w+[\s,:]*", _I)
# What comes before the question proper: a greeting, "tl;dr", "eli5", "quick q".
_LEAD = re.compile(
    r"^(?:(?:hi|hey|heya|hello|yo|morning|ok|okay|so|and|also|btw|roughly|honestly|curious|"
    r"quick (?:q|question)|q|tl;?dr|eli5|advisor)"
    r"\b\W*)+",
    _I,
)


def clean(text: str) -> str:
    """The message without mentions and the command word."""
    return _NOISE.sub(" ", text).strip() or text.strip()


def states_slots(text: str) -> bool:
    """Whether the message states a decision slot, as the dialogue reads it."""
    found = extract(text)
    return bool(found.slots) or found.examples_per_category is not None


# "one" as a pronoun ("a better one", "which one") or an article ("one more thing") states no
# number; "one in ten" and "one out of five" do
_RATIO_AFTER_ONE = re.compile(r"\s+(?:in|out\s+of|of\s+every)\s+\w", _I)


def names_numbers(text: str) -> bool:
    """Whether the message has a number in it, in digits or words."""
    if _NUMBER.search(text):
        return True
    return any(
        text[start:end].lower() != "one" or _RATIO_AFTER_ONE.match(text[end:])
        for start, end, _ in extract_numbers(text)
    )


# A question after a lead-in: "we have 300 rows: is that enough", "tone is off - how do we fix it"
_LATER_QUESTION = re.compile(
    r"(?:[:;]|\s[-–—]|,)\s*(?:how|what|whats|what's|why|when|should|can|could|is|are|does"
    r"|do|will|would)\b(?!\s*(?:[,.;:]|$))",
    _I,
)


# A question after a condition, unpunctuated: "if the vendor updates it do we retrain"
_CONDITIONAL_QUESTION = re.compile(
    r"^(?:if|say|suppose|assuming|once)\b.+?\b(?:do|does|can|could|is|are|will|would|should"
    r"|how|what|why)\s+(?:we|i|you|it|they|our|my|the|that|this|these|those)\b",
    _I,
)


def is_question(text: str) -> bool:
    """Shaped like a question: a question mark, or a question word after any greeting,
    after a lead-in clause ("we have 300 rows: is that enough") or after a condition."""
    body = _LEAD.sub("", text)
    if text.rstrip().endswith("?") or _QUESTION_START.match(body):
        return True
    return bool(_LATER_QUESTION.search(text) or _CONDITIONAL_QUESTION.match(body))


def features(text: str, has_slots: bool) -> list[float]:
    """Plain features of a cleaned message, each 0 or 1."""
    own = bool(_OWN.search(text))
    body = _LEAD.sub("", text)
    asks = is_question(text)
    numbers = names_numbers(text)
    flags = (
        own,
        names_decision(text),
        asks,
        bool(_ASKS_FACT.match(body)),
        has_slots and numbers,
        has_slots and not asks,
        own and not asks,
        own and numbers,
        bool(_EITHER.search(text)),
        bool(_GENERAL.search(text)),
    )
    return [float(f) for f in flags]


# The sentence encoder's vector enters the model as features of its own, scaled by this:
# a linear reading of the whole meaning, beside the neighbours' votes. Dev routing was
# flat from 0.5 to 3 (234-235 of 243, from 232 without it): 1 is in the middle.
EMBEDDING_WEIGHT = 1.0


class MeaningReader:
    """Reads what a message asks for from labelled examples plus plain features, and
    the message's sentence embedding when a `sentence_encoder` is given."""

    def __init__(
        self,
        examples: Sequence[Example],
        encoder: Encoder,
        sentence_encoder: Encoder | None = None,
    ) -> None:
        examples = [Example(clean(e.text), e.label) for e in examples]
        self.sentence_encoder = sentence_encoder
        self.neighbours = NearestExamples(examples, encoder)
        # the examples' sentence vectors in one batch (one call each took seconds)
        vectors = self._vectors([e.text for e in examples])
        rows = [
            self._row(e.text, states_slots(e.text), leave_out=i, vector=vectors[i])[0]
            for i, e in enumerate(examples)
        ]
        targets = [ASKS.index(Asks(e.label)) for e in examples]
        self.model = Softmax.fit(np.asarray(rows), np.asarray(targets), len(ASKS))

    def __call__(self, text: str, has_slots: bool) -> Reading:
        """The reading of one message."""
        row, nearest = self._row(clean(text), has_slots)
        probs = self.model.predict(np.asarray([row]))[0]
        best = int(np.argmax(probs))
        example = self.neighbours.examples[nearest].text
        return Reading(asks=ASKS[best], confidence=float(probs[best]), example=example)

    def _vectors(self, texts: list[str]) -> list[list[float]]:
        """Sentence vectors of the texts ([] each without a sentence encoder)."""
        if self.sentence_encoder is None:
            return [[] for _ in texts]
        return self.sentence_encoder.embed_documents(texts)

    def _row(
        self,
        text: str,
        has_slots: bool,
        leave_out: int | None = None,
        vector: list[float] | None = None,
    ) -> tuple[list[float], int]:
        """The model's inputs for a text (its sentence `vector` if already known), and its
        nearest example."""
        sims = self.neighbours.similarities(text)
        if leave_out is not None:
            # A training example must not vote for itself.
            sims[leave_out] = -np.inf
        shares = self.neighbours.shares(sims)
        row = [shares.get(a.value, 0.0) for a in ASKS[1:]] + features(text, has_slots)
        if vector is None:
            vector = self._vectors([text])[0]
        row += [EMBEDDING_WEIGHT * v for v in vector]
        return row, int(np.argmax(sims))


def intent_examples() -> list[Example]:
    """The bundled training examples."""
    data = resources.files("bot.core").joinpath("data", "intents.jsonl")
    return list(parse_examples(data.read_text(encoding="utf-8").splitlines()))


@lru_cache(maxsize=1)
def _default_reader() -> MeaningReader:
    return MeaningReader(intent_examples(), default_encoder(), sentence_encoder())


def read_meaning(text: str, has_slots: bool) -> Reading:
    """What `text` asks for, with the bundled model and examples (loaded once, on first use)."""
    return _default_reader()(text, has_slots)
