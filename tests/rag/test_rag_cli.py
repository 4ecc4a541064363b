"""`advisor ask`, `advisor ingest` and `advisor eval`: output shapes other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rag_support import closed_port

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
ANSWER_KEYS = {"answer", "abstained", "mode", "sources"}
SOURCE_KEYS = {"id", "title", "section", "path", "score", "text"}


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, docs: Path, tmp_path: Path) -> None:
    """Settings from the environment, as the command reads them; no .env file."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "KNOWLEDGE_DIR": str(docs),
        "DATA_DIR": str(tmp_path / "data"),
        "CHROMA_HOST": "",
        "CHROMA_PATH": "",
        "CHROMA_COLLECTION": "cli-test",
        "EMBEDDING_BACKEND": "wordllama",
        "EMBEDDING_MODEL": "",
        "LLM_MODEL": "",
    }.items():
        monkeypatch.setenv(name, value)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_has_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "how much does ft cost")
    data = json.loads(out)
    assert code == 0
    assert set(data) == ANSWER_KEYS
    assert data["abstained"] is False and data["mode"] == "extractive"
    assert "$500-$5000+" in data["answer"]
    assert data["sources"] and all(set(s) == SOURCE_KEYS for s in data["sources"])


def test_ask_json_for_an_off_topic_question_abstains(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "ask", "--json", "whats", "the", "wifi", "password")
    data = json.loads(out)
    assert data["abstained"] is True and data["sources"] == []


def test_ask_prints_the_answer_and_numbered_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "whats lora")
    assert code == 0
    assert "Low-Rank Adaptation" in out
    assert "Sources" in out and "[1] FAQ: what LoRA is (faq.md)" in out


def test_ask_without_a_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "  ")
    assert code == 2 and out == ""
    assert err.startswith("advisor ask: give a question")


def test_ask_with_the_chroma_server_down_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(closed_port()))
    code, out, err = run(capsys, "ask", "whats lora")
    assert code == 1 and out == ""
    assert err.startswith("advisor ask: The knowledge base is unavailable")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_ingest_summarizes_what_changed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ingest")
    assert code == 0
    assert "4 added, 0 changed, 0 removed, 0 unchanged; 11 chunks (11 embedded)" in out
    code, out, _ = run(capsys, "ingest", "--json")
    report = json.loads(out)
    assert (report["added"], report["unchanged"], report["embedded"]) == (0, 4, 0)
    assert report["seconds"] >= 0 and report["total_seconds"] >= report["seconds"]


def test_ingest_reports_a_bad_file_and_exits_1(
    capsys: pytest.CaptureFixture[str], docs: Path
) -> None:
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    code, _, err = run(capsys, "ingest")
    assert code == 1
    assert "advisor ingest: skipped broken.md: front matter is not valid YAML" in err


def test_ingest_of_a_missing_folder_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "missing"))
    code, _, err = run(capsys, "ingest")
    assert code == 2
    assert "the knowledge folder" in err and "does not exist" in err


def test_eval_answers_a_question_file_one_json_line_each(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "a", "q": "whats lora"}\n\n'
        "not json\n"
        '{"id": "b"}\n'
        '{"id": 7, "q": "whats the wifi password"}\n'
    )
    code, out, _ = run(capsys, "eval", "--questions", str(questions), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # there were bad lines
    assert [set(r) for r in rows] == [
        ANSWER_KEYS | {"id", "latency_ms"},
        {"line", "error"},
        {"line", "error"},
        ANSWER_KEYS | {"id", "latency_ms"},
    ]
    assert rows[0]["id"] == "a" and rows[0]["abstained"] is False
    assert rows[1] == {"line": 3, "error": "not valid JSON (Expecting value)"}
    assert rows[2] == {"line": 4, "error": 'missing "q": the question text'}
    assert rows[3]["id"] == "7" and rows[3]["abstained"] is True


def test_eval_of_an_unreadable_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "eval", "--questions", "no-such-file.jsonl")
    assert code == 2 and err.startswith("advisor eval: cannot read no-such-file.jsonl")


def test_eval_without_questions_scores_each_split_and_hides_test_misses(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(REPO / "knowledge"))
    code, out, _ = run(capsys, "eval", "--json")
    report = json.loads(out)
    assert code == 0 and "dev" in report
    for split, figures in report.items():
        assert {"fact_hit_rate", "abstention_rate", "p50_ms", "p95_ms", "long_answers"} <= set(
            figures
        )
        assert 0 <= figures["fact_hit_rate"] <= 1 and figures["p95_ms"] >= figures["p50_ms"]
        assert ("misses" in figures) == (split == "dev")
    assert report["dev"]["on_topic"] >= 60 and report["dev"]["off_topic"] > 0
