"""`advisor eval --routing`: figures for both splits, misses listed for dev only."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_eval_routing_prints_both_splits_and_lists_no_test_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["eval", "--routing"])
    lines = capsys.readouterr().out.splitlines()

    assert code == 0
    [dev] = [i for i, line in enumerate(lines) if line.startswith("routing dev: right ")]
    [test] = [i for i, line in enumerate(lines) if line.startswith("routing test: right ")]
    assert dev < test
    assert not [line for line in lines[test + 1 :] if line.strip()]
