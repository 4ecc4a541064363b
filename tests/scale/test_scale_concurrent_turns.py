"""Two messages to one conversation at the same moment, on 2 workers: neither slot is lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from deployment import Deployment
from scale_support import Thread, quiet, saved_slots

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]

CONVERSATIONS = 30
START = "help me decide: should we fine-tune our support bot?"
AT_ONCE = ("we have 300 labeled examples", "we tried 4 prompt versions")


def test_two_slot_messages_at_the_same_moment_both_land(
    deployment: Deployment, workers: list[int], database_url: str
) -> None:
    threads = [Thread(deployment, channel=f"CTURN{n:06d}") for n in range(CONVERSATIONS)]
    for thread in threads:
        thread.ask(START)
    prepared = [(t, t.prepare(text)) for t in threads for text in AT_ONCE]

    with ThreadPoolExecutor(len(prepared)) as pool:
        sent = list(pool.map(lambda pair: pair[0].deliver(pair[1]), prepared))
    assert all(response.status == 200 for response in sent)
    for thread in threads:
        thread.reply(3, timeout=60)
    quiet(deployment)

    lost = [
        t.key
        for t in threads
        if saved_slots(database_url, t.key).get("labeled_examples") != 300
        or saved_slots(database_url, t.key).get("prompt_iterations") != 4
    ]
    assert lost == []
