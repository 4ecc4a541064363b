"""Intent routing: what a message is asking the core to do. Pure, no I/O."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.meaning import Asks, Reader, is_question, names_numbers, read_meaning
from bot.core.meaning import clean as without_noise

_I = re.IGNORECASE


class Intent(StrEnum):
    empty = "empty"
    greeting = "greeting"
    thanks = "thanks"
    help = "help"
    reset = "reset"
    skip = "skip"
    dont_know = "dont_know"
    status = "status"
    decide_now = "decide_now"  # recommend with what is known, no more questions
    decide = "decide"  # start (or continue) a decision dialogue
    what_if = "what_if"
    details = "details"  # the full card of the last what-if (or recommendation)
    question = "question"  # for the knowledge base
    case_question = "case_question"  # for the knowledge base, then offer the decision
    answer = "answer"  # slot values for the dialogue


_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.help,
        re.compile(
            r"(?:/?advisor\s+)?(?:help|\?+|what can you do|how does (?:this|it)"
            r" work|commands|usage|menu)",
            _I,
        ),
    ),
    (
        Intent.reset,
        re.compile(
            r"(?:/?advisor\s+)?(?:let'?s\s+)?(?:start over|start again|"
            r"restart|reset|new decision|start from scratch|clear|cancel|"
            r"never\s?mind|forget (?:it|that|everything))",
            _I,
        ),
    ),
    (
        Intent.skip,
        re.compile(
            r"(?:skip|pass|next|skip (?:it|this|that|this one|question)|"
            r"rather not say|prefer not to say|n/?a|no answer)",
            _I,
        ),
    ),
    (
        Intent.dont_know,
        re.compile(
            r"(?:i\s+)?(?:(?:really\s+)?(?:don'?t|do not|dont) know|"
            r"not sure|no idea|idk|dunno|unsure|no clue|unknown|"
            r"can'?t say|hard to say|not known)(?: yet)?",
            _I,
        ),
    ),
    (
        Intent.greeting,
        re.compile(
            r"(?:hi|hello|hey|yo|good (?:morning|afternoon|evening)|"
            r"hiya|howdy)(?: there| advisor)?",
            _I,
        ),
    ),
    (
        Intent.thanks,
        re.compile(
            r"(?:thanks?(?: you)?|thx|ty|cheers|great|perfect|awesome|"
            r"cool|ok(?:ay)?|got it)(?: (?:so much|a lot))?",
            _I,
        ),
    ),
    (
        Intent.status,
        re.compile(
            r"(?:status|summary|what do you know(?: so far)?|"
            r"where (?:are|were) we)",
            _I,
        ),
    ),
    (
        Intent.details,
        re.compile(
            r"(?:(?:show|see|give|send)(?: me)? )?(?:the |all the |more )?"
            r"(?:details?|(?:full|whole) (?:card|recommendation))(?: please)?|show more",
            _I,
        ),
    ),
    (
        Intent.decide_now,
        re.compile(
            r"(?:just |ok(?:ay)? )?(?:decide|recommend|give me (?:the|a|"
            r"your) recommendation|that'?s (?:all|it)|nothing else|"
            r"go ahead|done)(?: now| already| please)?",
            _I,
        ),
    ),
)
# The decision named as a command: "/advisor decide", "decide for our bot".
_DECIDE_COMMAND = re.compile(r"^(?:/?advisor\s+)?decide\b", _I)
_WHAT_IF = re.compile(
    r"^(?:and\s+|ok(?:ay)?\s+|so\s+)?(?:what|how)\s+(?:if|about)\b|^(?:and\s+)?if\s+(?:we|i)\b"
    r"|^suppose\b|^assum(?:e|ing)\b|^imagine\b|^what would (?:happen|change)\b|^with\s+\S*\d",
    _I,
)


def route(
    text: str,
    *,
    in_dialogue: bool,
    recommended: bool,
    has_slots: bool,
    read: Reader = read_meaning,
) -> Intent:
    """The intent of a message, given where the conversation is and whether it states slots.

    Short commands are matched exactly; anything else is read by meaning (`read`):
    a question about the guide is answered, a request for our decision or a statement
    of our own numbers runs the dialogue, and in a dialogue a reply is an answer.
    """
    clean = re.sub(r"\s+", " ", text).strip()
    if not clean:
        return Intent.empty
    bare = clean.strip(" .!,?") or clean
    for intent, pattern in _RULES:
        if pattern.fullmatch(bare):
            return intent
    if has_slots and _WHAT_IF.search(clean):
        # Hypothetical once there is something to compare with; at the start, a fact.
        return Intent.what_if if recommended or in_dialogue else Intent.answer
    asks = Asks.decide if _DECIDE_COMMAND.match(clean) else read(clean, has_slots).asks
    asked = is_question(without_noise(clean))
    idle = not (in_dialogue or recommended)
    if asks is Asks.decide:
        # Our own numbers, stated (or given in a dialogue): slot values for the dialogue.
        stated = has_slots and not (asked and idle)
        return Intent.answer if stated else Intent.decide
    # Offering the decision makes sense only when none is under way.
    offer = asks is Asks.case_question and idle
    question = Intent.case_question if offer else Intent.question
    # At the start the reading stands, unless numbers are stated rather than asked about;
    # in a dialogue only a real question leaves it.
    stated = has_slots and not asked and names_numbers(clean)
    if (idle and not stated) or (asked and not (has_slots and len(clean.split()) <= 4)):
        return question
    if has_slots or in_dialogue or (recommended and re.search(r"\d", clean)):
        return Intent.answer
    return question
