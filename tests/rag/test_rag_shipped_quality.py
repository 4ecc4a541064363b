"""The shipped knowledge base keeps its quality on the dev split (quality, not speed).

A regression floor, a little under today's figures (docs/quality.md): on the dev
split on-topic answers must bring their expected facts at least MIN_FACTS of the
time, off-topic questions must abstain at least MIN_ABSTAINED of the time, and no
answer may run over 600 characters. The issue's target (90% facts) is met by the
questions written before 2026-11-29 but not by the fresh ones added since, so the
floor is below it. The frozen test split is scored by
`advisor eval` (figures only, in docs/quality.md); latency belongs there too.
Questions of the eval files are not repeated here as assertions: they are
scored in aggregate, so that no single phrasing gets pinned.
"""

from __future__ import annotations

from bot.rag.evaluation import SPLITS, load_split, score, timed_answer
from bot.rag.knowledge import KnowledgeBase

MIN_FACTS = 0.86  # dev: 204/232 (87.9%) on 2026-11-29
MIN_ABSTAINED = 0.97  # dev: 93/93 (100%)


def test_the_dev_split_keeps_its_quality(shipped: KnowledgeBase) -> None:
    figures = score([timed_answer(shipped, q) for q in load_split(SPLITS["dev"])])

    assert figures.on_topic >= 60 and figures.off_topic >= 20
    assert figures.fact_hit_rate >= MIN_FACTS, figures.misses
    assert figures.abstention_rate >= MIN_ABSTAINED, figures.misses
    assert figures.long_answers == 0 and figures.max_answer_chars <= 600


def test_topic_words_in_their_everyday_sense_are_not_the_topic(shipped: KnowledgeBase) -> None:
    # a topic verb acting on something the guide never mentions, or an everyday topic
    # word named by such a thing, is another subject: Advisor abstains
    for message in (  # each was answered before this rule
        "can you fine tune my wedding speech",
        "how long to retrain the horse for jumping",
        "what does a swimming training plan cost",
    ):
        assert shipped.answer(message).abstained, message
    # ... while the same words about the guide's own subjects are still answered
    for message in (
        "should we fine-tune our classifier or keep prompting",
        "what does retraining a fine-tuned model cost each year",
    ):
        answer = shipped.answer(message)
        assert not answer.abstained and answer.sources, message
