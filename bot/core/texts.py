"""What Advisor says that is not about one slot: help, greetings, acknowledgements."""

from __future__ import annotations

from bot.engine.models import Approach, Recommendation
from bot.engine.wording import APPROACH_TITLES

HELP = """I'm **Advisor**. I help teams decide how to improve an AI feature: a better prompt, \
retrieval (RAG), or fine-tuning.

- **Ask me anything** about prompting, RAG and fine-tuning, and I answer from our knowledge base \
with sources. _e.g. "what does fine-tuning cost?" or "is 200 examples enough?"_
- **Get a recommendation**: describe your feature in your own words. _e.g. "should we fine-tune \
our ticket classifier? prompts get 7/10 right after 4 rounds, we have ~300 labeled tickets \
across 10 categories"_. I ask only for what is missing, one question at a time, then show the \
recommendation, the rules behind it and the costs.
- **What-ifs**, before or after a recommendation: _"what if we had 1000 examples?"_ I show \
what moves; say **details** for the full card.
- **Corrections** any time: _"actually it's 500 examples"_.
- Answer **skip** or **don't know** to any question, **decide** to get a recommendation with \
what I know, **start over** to begin again, **help** for this message."""

GREETING = "Hi! " + HELP.split("\n", 1)[0]
START = (
    "Let's work out your best next step. Describe your AI feature in your own words at any "
    "point (what it does, how often the best prompt gets it right, how many prompt versions "
    "you tried, how many labeled examples you have); I'll ask only for what's missing."
)
STARTED_OVER = (
    "Okay, starting over: I've forgotten the earlier details. Tell me about your AI feature, "
    "or ask me a question."
)
OFFER_DECISION = (
    "_Want me to check your own case? Tell me about your feature: what it does, how often "
    "the prompt gets it right, how many labeled examples you have._"
)
NEW_DECISION = "_For a different feature, say **start over** first._"
THANKS = "You're welcome! Ask me anything else, or say **start over** for a new decision."
NOTHING_TO_SKIP = "There's no open question to skip."
AFTER_RECOMMENDATION = (
    "Tell me what to change, e.g. _what if we had 1000 examples?_, correct a detail "
    "(_actually it's 500 examples_), or say **start over**."
)
EMPTY = "I didn't get any text. Ask me a question, or tell me about your AI feature."
NOT_UNDERSTOOD = "Sorry, I couldn't read that as the {label}."
WHAT_IF_NOTHING = (
    "I couldn't tell what to change. Try e.g. _what if we had 1000 examples?_ or "
    "_what if the success rate were 60%?_"
)
BROKEN = "Sorry, something went wrong on my side. Nothing you told me was lost; please try again."


def approach_name(approach: Approach) -> str:
    """The approach as every channel names it: add_rag -> 'Add retrieval (RAG)'."""
    return APPROACH_TITLES[approach]


def recommendation_text(rec: Recommendation, understood: str) -> str:
    """The text of a recommendation reply: what was understood, then the headline."""
    lead = f"Here's what I understood: {understood}.\n\n" if understood else ""
    return f"{lead}**Recommendation: {approach_name(rec.approach)}.** {rec.headline}"
