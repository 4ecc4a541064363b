"""First messages go where they mean to: the answer, the answer plus the offer, or the dialogue.

The messages are written for these tests, not taken from the training examples or the
eval sets, so they check that routing generalizes to new wording.
"""

from __future__ import annotations

import pytest

from bot.core.meaning import states_slots
from bot.core.router import Intent, route
from bot.core.routing_eval import Routed, route_first_message

ANSWER = Routed("question", offer=False)
ANSWER_AND_OFFER = Routed("question", offer=True)
DIALOGUE = Routed("decide", offer=False)

# (id, first message, where it goes)
FIRST_MESSAGES = [
    ("issue-how-many", "how many examples do i need to fine-tune", ANSWER),
    ("issue-slash-how-many", "/advisor how many examples do i need to fine-tune", ANSWER),
    ("mention", "<@U0ADVISOR> how many training examples are needed for a fine-tune?", ANSWER),
    ("worth-it-in-general", "is fine-tuning worth it in general?", ANSWER),
    ("what-does-it-cost", "what does RAG cost per month to run", ANSWER),
    ("eli5", "eli5: what's the point of a validation set", ANSWER),
    ("greeting-glued-on", "heya, what's the difference between LoRA and a full fine-tune?", ANSWER),
    ("number-in-a-general-question", "is 100 examples enough to fine tune?", ANSWER),
    ("general-comparison", "Which costs more over a year, retrieval or a tuned model?", ANSWER),
    ("hint-how-many", "how many examples would we need to fine-tune our router?", ANSWER_AND_OFFER),
    ("hint-cost", "what would a training run cost us?", ANSWER_AND_OFFER),
    (
        "hint-new-team",
        "we're new to LLMs, what does fine-tuning change in the model?",
        ANSWER_AND_OFFER,
    ),
    ("issue-should-we", "should we fine-tune our ticket classifier?", DIALOGUE),
    (
        "issue-whole-case",
        "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
        "we have ~300 labeled tickets across 10 categories",
        DIALOGUE,
    ),
    ("our-numbers", "we have 1200 labeled chats and the prompt gets 68% right", DIALOGUE),
    ("either-for-us", "prompting or retrieval for our HR policy bot?", DIALOGUE),
    ("advise-us", "our summarizer is at 75% after 6 prompt versions, what do you advise", DIALOGUE),
    ("worth-it-for-us", "is it worth fine-tuning our support classifier? ~800 examples", DIALOGUE),
    ("help-us-decide", "help us decide what to do with our search assistant", DIALOGUE),
    (
        "greeting-and-our-case",
        "hey advisor! do we need a custom model for our invoice tagger?",
        DIALOGUE,
    ),
    (
        "numbers-by-nouns",
        "our extractor gets six in ten documents right after five prompts",
        DIALOGUE,
    ),
    ("slash-decide", "/advisor decide", DIALOGUE),
    # a question after a lead-in clause is still a question, numbers or not
    (
        "lead-in-then-how",
        "comparing 6 prompt drafts - how long would that take with training",
        ANSWER,
    ),
    ("everyday-then-ask", "the 3rd floor printer is jammed again, can someone take a look", ANSWER),
    (
        "process-question",
        "how does one normally make the call between a prompt fix and training",
        ANSWER,
    ),
    (
        "either-for-our-case",
        "our meeting notes miss every owner's name: better prompt or train?",
        DIALOGUE,
    ),
    # "one" as a pronoun states no number; "tldr" says how to answer, not what we build
    ("one-as-pronoun", "show me a vague extraction prompt next to a better one", ANSWER),
    ("tldr-lead", "tldr what does a tuned model cost per million tokens vs the base model", ANSWER),
    # an amount question keeps its "should we"; a condition may lead into a question
    (
        "amount-should",
        "once we commit to a custom model how many annotated examples should we prepare",
        ANSWER_AND_OFFER,
    ),
    (
        "condition-then-question",
        "if the provider retires the base model do we lose our tuned one",
        ANSWER_AND_OFFER,
    ),
    # "us" the country and "the advice" the guide gives are not the team asking for ours
    (
        "us-the-country",
        "is prompting still the default for us and eu companies, or does that change in asia?",
        ANSWER,
    ),
    ("the-advice", "is the advice any different for companies based in the us?", ANSWER),
    (
        "condition-then-our-verdict",
        "if our prompt stays under 80% should we fine tune the extractor",
        DIALOGUE,
    ),
]


@pytest.mark.parametrize(
    ("text", "where"), [pytest.param(t, w, id=name) for name, t, w in FIRST_MESSAGES]
)
def test_a_first_message_goes_where_it_means_to(text: str, where: Routed) -> None:
    assert route_first_message(text) == where


ASKING = {"in_dialogue": True, "recommended": False}
AFTER = {"in_dialogue": False, "recommended": True}

# (id, message, where the conversation is, intent): mid-dialogue, no offer line and
# a reply that states slot values is an answer.
LATER_MESSAGES = [
    (
        "question-mid-dialogue",
        "how many examples do we need to fine-tune?",
        ASKING,
        Intent.question,
    ),
    (
        "general-question-mid-dialogue",
        "what does hosting a tuned model cost",
        ASKING,
        Intent.question,
    ),
    ("slot-reply", "we have 450 labeled ones", ASKING, Intent.answer),
    ("failure-reply", "it gets the output format wrong", ASKING, Intent.answer),
    ("question-after", "how long does a training run take?", AFTER, Intent.question),
    ("correction-after", "we actually have 2000 labeled tickets", AFTER, Intent.answer),
]


@pytest.mark.parametrize(
    ("text", "where", "intent"),
    [pytest.param(t, w, i, id=name) for name, t, w, i in LATER_MESSAGES],
)
def test_later_messages_keep_the_dialogue_going(
    text: str, where: dict[str, bool], intent: Intent
) -> None:
    assert route(text, has_slots=states_slots(text), **where) is intent


def test_without_the_minilm_weights_the_reader_still_routes_by_examples_and_features() -> None:
    """The sentence embedding is an extra: a plain `pip install` (no weights) still routes."""
    from bot.core.meaning import Asks, MeaningReader, intent_examples
    from bot.core.nearest import default_encoder

    reader = MeaningReader(intent_examples(), default_encoder(), sentence_encoder=None)
    assert reader("how many examples do i need to fine-tune", False).asks is Asks.question
    assert reader("should we fine-tune our ticket classifier?", False).asks is Asks.decide


def test_with_minilm_the_message_vector_is_part_of_what_the_reader_weighs() -> None:
    from bot.core import meaning
    from bot.core.meaning import ASKS, features
    from bot.core.nearest import sentence_encoder

    reader = meaning._default_reader()
    assert reader.sentence_encoder is sentence_encoder() is not None
    plain = len(ASKS) - 1 + len(features("x", False))
    assert reader.model.weights.shape[0] == plain + 384  # MiniLM's dimensions
