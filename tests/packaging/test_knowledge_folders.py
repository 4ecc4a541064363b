"""The installed app finds its guide from any folder; teams add theirs with KNOWLEDGE_DIRS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings

ADVISOR = Path(sys.executable).with_name("advisor")
SHIPPED = {p.name for p in (Path(__file__).resolve().parents[2] / "knowledge").glob("*.md")}
TEAM_DOC = """# Release handbook

## Deploy freeze

Our deploy freeze starts every Friday at 15:00 and ends on Monday at 09:00; only hotfixes
approved by the on-call lead ship during the freeze.

## Rollbacks

A rollback is one click in the release dashboard and takes about four minutes.
"""


def advisor(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`advisor ARGS` run from cwd, with no .env and no knowledge or state settings inherited."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KNOWLEDGE_", "DATA_DIR", "CHROMA_", "DATABASE_URL", "LLM_"))
    }
    clean.update(XDG_DATA_HOME=str(cwd / "xdg"), EMBEDDING_BACKEND="wordllama", **env)
    return subprocess.run(
        [str(ADVISOR), *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=240
    )


def ask(cwd: Path, question: str, **env: str) -> dict[str, Any]:
    """The JSON answer of `advisor ask --json QUESTION`."""
    done = advisor(cwd, "ask", "--json", question, **env)
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere" / "release-wiki"
    folder.mkdir(parents=True)
    (folder / "handbook.md").write_text(TEAM_DOC, encoding="utf-8")
    return folder


def test_the_shipped_guide_answers_from_a_folder_outside_the_checkout(tmp_path: Path) -> None:
    answer = ask(tmp_path, "whats lora")

    assert not answer["abstained"]
    cited = {s["path"] for s in answer["sources"]}
    assert cited and cited <= SHIPPED  # shipped paths keep no prefix
    assert "Low-Rank Adaptation" in answer["answer"]
    assert (tmp_path / "xdg" / "advisor" / "chroma").is_dir()  # state in the user data dir
    assert not (tmp_path / ".advisor").exists()


def test_a_team_folder_is_answered_and_cited_alongside_the_guide(
    tmp_path: Path, team_folder: Path
) -> None:
    team = ask(tmp_path, "when does the deploy freeze start?", KNOWLEDGE_DIRS=str(team_folder))
    guide = ask(tmp_path, "whats lora", KNOWLEDGE_DIRS=str(team_folder))

    assert not team["abstained"] and "Friday at 15:00" in team["answer"]
    assert team["sources"][0]["path"] == "release-wiki/handbook.md"
    assert not guide["abstained"] and "Low-Rank Adaptation" in guide["answer"]
    assert {s["path"] for s in guide["sources"]} <= SHIPPED


def test_the_shipped_guide_can_be_left_out(tmp_path: Path, team_folder: Path) -> None:
    env = {"KNOWLEDGE_DIRS": str(team_folder), "KNOWLEDGE_SHIPPED": "false"}

    guide = ask(tmp_path, "whats lora", **env)
    team = ask(tmp_path, "how long does a rollback take?", **env)

    assert {s["path"] for s in guide["sources"]} <= {"release-wiki/handbook.md"}
    assert "four minutes" in team["answer"]


def test_no_folder_at_all_is_a_usage_error_that_says_what_to_set(tmp_path: Path) -> None:
    done = advisor(tmp_path, "ingest", KNOWLEDGE_SHIPPED="false")

    assert done.returncode == 2
    assert "no knowledge folder" in done.stderr and "KNOWLEDGE_DIRS" in done.stderr


@pytest.mark.parametrize("command", [["ask", "whats lora"], ["eval", "--split", "dev"]])
def test_no_folder_at_all_is_a_one_line_error_for_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    done = advisor(tmp_path, *command, KNOWLEDGE_SHIPPED="false")

    assert done.returncode == 1
    assert "no knowledge folder" in done.stderr and "KNOWLEDGE_DIRS" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("value", "prefixes"),
    [
        ("/srv/wiki", ["", "wiki/"]),
        ("/srv/wiki,/srv/runbooks", ["", "wiki/", "runbooks/"]),
        (f"/srv/wiki{os.pathsep}/srv/runbooks", ["", "wiki/", "runbooks/"]),
        ("/a/wiki, /b/wiki", ["", "wiki/", "wiki-2/"]),  # same name: still unique paths
        (" , ", [""]),
    ],
)
def test_knowledge_dirs_lists_folders_with_unique_path_prefixes(
    monkeypatch: pytest.MonkeyPatch, value: str, prefixes: list[str]
) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIRS", value)

    folders = Settings(_env_file=None).knowledge_folders  # type: ignore[call-arg]

    assert [prefix for prefix, _ in folders] == prefixes
    assert (folders[0][1] / "decision-flowchart.md").is_file()  # the shipped guide


def test_knowledge_dir_stands_in_for_the_shipped_guide(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, knowledge_dir=tmp_path)  # type: ignore[call-arg]

    assert settings.knowledge_folders == [("", tmp_path)]
