"""Bad input against the real workers: a 4xx or a friendly message, never a 500 or a traceback."""

from __future__ import annotations

import pytest
from deployment import Deployment
from fuzz_payloads import FUZZ_CHANNEL, requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scale_support import DIALOGUE, Thread, quiet, saved_slots

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.chroma_server]

_mostly_signed = st.integers(0, 9).map(lambda n: n > 0)
LEAKS = ("Traceback", 'File "/', "Exception", "psycopg", "sqlalchemy")
FILLED = {"task", "success_rate", "test_cases", "prompt_iterations", "labeled_examples"}


def test_no_slack_payload_gets_a_500_or_shows_a_traceback_or_loses_state(
    deployment: Deployment, workers: list[int], database_url: str
) -> None:
    dialogue = Thread(deployment, channel=FUZZ_CHANNEL)
    dialogue.ask(DIALOGUE[0])
    dialogue.ask(DIALOGUE[1])
    seen_before = len(deployment.slack.calls)
    statuses: list[int] = []

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(request=requests(dialogue.ts, deployment.slack.hook_url("fuzz")), signed=_mostly_signed)
    def send(request: tuple[str, str], signed: bool) -> None:
        content_type, body = request
        signature = None if signed else "v0=" + "0" * 64
        response = deployment.sender.send(body, content_type, signature=signature)
        statuses.append(response.status)
        assert response.status < 500, (response.status, response.body[:200])
        assert not any(leak in response.body for leak in LEAKS), response.body[:300]

    send()
    quiet(deployment)

    shown = [c for c in deployment.slack.calls[seen_before:] if c.method != "auth.test"]
    leaked = [c for c in shown if any(leak in _visible(c) for leak in LEAKS)]
    assert leaked == [], [(c.method, _visible(c)[:300]) for c in leaked]
    assert {200, 401} <= set(statuses)
    assert set(saved_slots(database_url, dialogue.key)) >= FILLED
    assert "categories 8" in dialogue.ask("8 categories")


def _visible(call: object) -> str:
    """Everything of a Web API call a person could read."""
    params = getattr(call, "params", {})
    return " ".join(str(params.get(key, "")) for key in ("text", "blocks", "view", "title"))
