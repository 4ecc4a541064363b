"""`advisor decide` through bot.cli.main: flags, JSON on stdin, --json, the card, bad input."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main

FINE_TUNE_FLAGS = [
    "decide",
    "--task", "extraction",
    "--success-rate", "60%",
    "--test-cases", "30",
    "--prompt-iterations", "5",
    "--failure-cause", "format",
    "--labeled-examples", "300",
]  # fmt: skip


def decide_json(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> dict:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_flags_give_a_json_recommendation(capsys, monkeypatch) -> None:
    out = decide_json(FINE_TUNE_FLAGS, capsys, monkeypatch)
    assert out["approach"] == "fine_tune"
    assert out["input"]["success_rate"] == 0.6
    assert out["rules"][0]["id"] == "flowchart.consider_fine_tuning"
    assert out["cost"] is None


@pytest.mark.parametrize("rate", ["0.7", "70%", "7/10"])
def test_success_rate_accepts_share_percent_and_fraction(rate: str, capsys, monkeypatch) -> None:
    out = decide_json(["decide", "--success-rate", rate], capsys, monkeypatch)
    assert out["input"]["success_rate"] == pytest.approx(0.7)


def test_a_fraction_also_says_how_many_test_cases(capsys, monkeypatch) -> None:
    out = decide_json(["decide", "--success-rate", "7/10"], capsys, monkeypatch)
    assert out["input"]["test_cases"] == 10


def test_json_on_stdin_is_read(capsys, monkeypatch) -> None:
    stdin = '{"task": "summarization", "success_rate": 0.92, "test_cases": 50}'
    out = decide_json(["decide"], capsys, monkeypatch, stdin)
    assert out["approach"] == "done"


def test_flags_override_stdin_json(capsys, monkeypatch) -> None:
    stdin = '{"success_rate": 0.92, "test_cases": 50}'
    out = decide_json(["decide", "--success-rate", "0.05"], capsys, monkeypatch, stdin)
    assert out["approach"] == "rethink"
    assert out["input"]["test_cases"] == 50


@pytest.mark.parametrize("how", [["--stdin"], ["-"]])
def test_stdin_can_be_asked_for_explicitly(how: list[str], capsys, monkeypatch) -> None:
    out = decide_json(["decide", *how], capsys, monkeypatch, '{"failure_cause": "knowledge"}')
    assert out["approach"] == "add_rag"


def test_json_output_is_stable(capsys, monkeypatch) -> None:
    first = decide_json(FINE_TUNE_FLAGS, capsys, monkeypatch)
    assert decide_json(FINE_TUNE_FLAGS, capsys, monkeypatch) == first


def test_without_json_prints_a_readable_card(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    argv = [*FINE_TUNE_FLAGS, "--monthly-requests", "50000", "--horizon-months", "24"]
    assert main(argv) == 0
    card = capsys.readouterr().out
    for expected in (
        "Fine-tune",
        "flowchart.consider_fine_tuning",
        "Next steps",
        "Cost over time",
        "Break-even",
        "What would change it",
        "With fewer than 100 labeled examples this becomes collect_data.",
        "Would sharpen the answer",
        "decision-flowchart.md",
    ):
        assert expected in card, expected


# (readable id, argv after "decide", stdin, the field the one-line error names)
BAD_INPUT = [
    ("unknown-task", ["--task", "poem"], "", "task must be one of"),
    ("rate-1.7", ["--success-rate", "1.7"], "", "success_rate must be a share between 0 and 1"),
    ("rate-words", ["--success-rate", "most"], "", "success_rate must be"),
    ("rate-over-zero", ["--success-rate", "3/0"], "", "success_rate must be"),
    ("negative-count", ["--labeled-examples", "-5"], "", "labeled_examples must be a whole number"),
    ("fractional-count", ["--test-cases", "2.5"], "", "test_cases must be a whole number"),
    ("bad-language", ["--language", "english"], "", "language must be a two-letter"),
    ("broken-json", [], '{"task": "extraction",', "stdin is not valid JSON"),
    ("json-not-object", [], "[1, 2]", "stdin must hold a JSON object"),
    ("unknown-json-key", [], '{"task": "extraction", "colour": 1}', "unknown field 'colour'"),
    ("json-rate-1.7", [], '{"success_rate": 1.7}', "success_rate must be a share"),
    ("stray-argument", ["maybe"], "", "unexpected argument 'maybe'"),
]


@pytest.mark.parametrize(
    ("args", "stdin", "message"), [pytest.param(*r[1:], id=r[0]) for r in BAD_INPUT]
)
def test_bad_input_is_one_line_naming_the_field_with_exit_code_2(
    args: list[str], stdin: str, message: str, capsys, monkeypatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["decide", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("advisor decide: ")
    assert message in lines[0]
