"""Which intent a message has, depending on where the conversation is."""

from __future__ import annotations

import pytest

from bot.core.router import Intent, route

IDLE = {"in_dialogue": False, "recommended": False}
ASKING = {"in_dialogue": True, "recommended": False}
AFTER = {"in_dialogue": False, "recommended": True}

# (id, message, where, states slots?, intent)
ROUTES = [
    ("decide-should-we", "should we fine-tune our classifier?", IDLE, True, Intent.decide),
    ("decide-or-for-us", "fine-tune or better prompts for our bot?", IDLE, False, Intent.decide),
    ("bare-comparison-is-a-question", "fine-tune or better prompts?", IDLE, False, Intent.question),
    ("decide-help-me", "help me decide", IDLE, False, Intent.decide),
    ("decide-slash", "/advisor decide", IDLE, False, Intent.decide),
    ("decide-recommend", "what do you recommend for our bot", IDLE, False, Intent.decide),
    ("question-kb", "what does fine-tuning cost?", IDLE, False, Intent.question),
    ("question-no-mark", "whats lora", IDLE, False, Intent.question),
    ("question-with-number", "is 200 examples enough to ft?", IDLE, True, Intent.question),
    ("question-mid-dialogue", "what is LoRA?", ASKING, False, Intent.question),
    ("statement-idle-goes-to-kb", "tell me about rag", IDLE, False, Intent.question),
    ("help", "help", ASKING, False, Intent.help),
    ("help-slash", "/advisor help", IDLE, False, Intent.help),
    ("help-me-decide-is-not-help", "help me decide", ASKING, False, Intent.decide),
    ("reset", "start over", AFTER, False, Intent.reset),
    ("reset-lets", "let's start over!", ASKING, False, Intent.reset),
    ("skip", "skip", ASKING, False, Intent.skip),
    ("dont-know", "I don't know", ASKING, False, Intent.dont_know),
    ("dont-know-short", "idk", ASKING, False, Intent.dont_know),
    ("answer-pending", "about 300", ASKING, True, Intent.answer),
    ("answer-unsure-mark", "70%?", ASKING, True, Intent.answer),
    ("answer-unreadable-in-dialogue", "pretty good mostly", ASKING, False, Intent.answer),
    ("slots-start-a-dialogue", "we get 7/10 right after 4 rounds", IDLE, True, Intent.answer),
    ("what-if-after-recommendation", "what if we had 1000 examples?", AFTER, True, Intent.what_if),
    ("what-if-mid-dialogue", "what if we had 1000 examples?", ASKING, True, Intent.what_if),
    ("what-if-at-start-is-a-fact", "what if we had 1000 examples?", IDLE, True, Intent.answer),
    ("what-if-without-slots-is-a-question", "what if it fails?", AFTER, False, Intent.question),
    ("correction-after", "actually it's 500 examples", AFTER, True, Intent.answer),
    ("number-after-recommendation", "300", AFTER, False, Intent.answer),
    ("decide-now", "just decide", ASKING, False, Intent.decide_now),
    ("status", "what do you know so far?", ASKING, False, Intent.status),
    ("greeting", "hi there", IDLE, False, Intent.greeting),
    ("thanks", "thanks!", AFTER, False, Intent.thanks),
    ("empty", "   ", IDLE, False, Intent.empty),
]


@pytest.mark.parametrize(
    ("text", "where", "has_slots", "intent"),
    [pytest.param(t, w, h, i, id=name) for name, t, w, h, i in ROUTES],
)
def test_message_routes_to_intent(
    text: str, where: dict[str, bool], has_slots: bool, intent: Intent
) -> None:
    assert route(text, has_slots=has_slots, **where) is intent
