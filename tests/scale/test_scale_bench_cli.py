"""`advisor bench`: one command that starts what it needs, measures, and cleans up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scale_support import POSTGRES_URL, postgres_or_skip
from services import advisor_free_env
from sqlalchemy import create_engine, text

from bot.cli import main
from bot.cli.bench import render

ADVISOR = Path(sys.executable).parent / "advisor"
REQUIRED = {
    "ack latency p99 under load",
    "event-to-reply p95 (extractive)",
    "peak RSS of a worker",
}


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        pytest.param(["--rate", "0"], "--rate must be between 1 and 500, not 0", id="rate"),
        pytest.param(["--seconds", "9999"], "--seconds must be between 1 and 600", id="seconds"),
        pytest.param(["--conversations", "0"], "--conversations must be between", id="convs"),
    ],
)
def test_bad_bench_options_get_a_one_line_error(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", *flags]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


@pytest.mark.slow
@pytest.mark.postgres
def test_bench_measures_a_short_run_and_leaves_nothing_behind(tmp_path: Path) -> None:
    postgres_or_skip(POSTGRES_URL)
    schemas_before = _bench_schemas()
    command = [str(ADVISOR), "bench", "--seconds", "3", "--rate", "10", "--conversations", "10"]
    finished = subprocess.run(
        [*command, "--corpus-size", "20", "--json"],
        env=advisor_free_env(DATABASE_URL=POSTGRES_URL),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert finished.returncode == 0, finished.stderr[-2000:]
    results = json.loads(finished.stdout)
    assert results["load"]["ok"] and results["load"]["events"] >= 25
    assert results["deployment"]["database"] == "postgresql"
    assert results["workers"]["count"] == 2 and results["workers"]["peak_rss_mb"] > 50
    assert results["ingest_generated"]["files"] == 20
    assert results["decisions"]["decisions_per_second"] > 0
    assert {target["name"] for target in results["targets"]} >= REQUIRED
    assert _bench_schemas() == schemas_before
    assert list(tmp_path.iterdir()) == []
    report = render(results)
    assert "[pass] lost, duplicated or mixed replies" in report
    assert "ack latency" in report and "Peak worker RSS" in report


def _bench_schemas() -> set[str]:
    engine = create_engine(POSTGRES_URL)
    query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'advisor_bench_%'"
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text(query))}
    finally:
        engine.dispose()
