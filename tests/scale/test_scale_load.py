"""A shorter load run in the suite: correctness only (timings belong in `advisor bench`)."""

from __future__ import annotations

import pytest
from deployment import Deployment

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.chroma_server]


def test_200_concurrent_conversations_get_every_reply_once_in_their_own_thread(
    deployment: Deployment, workers: list[int]
) -> None:
    report = deployment.load(conversations=200, rate=50, seconds=10)

    assert report.problems == []
    assert report.events >= 450 and report.lost == report.duplicated == report.wrong == 0
    assert report.deliveries > report.events  # Slack's retries were sent, and dropped
    served = {pid for pid, _, rid in deployment.workers.access_entries() if report.run in rid}
    assert served == set(workers)
