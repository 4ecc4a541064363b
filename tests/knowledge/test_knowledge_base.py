"""The shipped knowledge base and the retrieval eval set, checked as plain files.

Citations from the engine must never dangle, the guide's figures must all be
there exactly, the text must be our own words, and every fact the eval set
expects must be findable in the knowledge base.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine.sections import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
EVAL_SET = ROOT / "bot" / "rag" / "eval" / "dev.jsonl"
GUIDE = ROOT.parent / "shared" / "guide" / "prompt-vs-fine-tuning-guide.txt"

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
MIN_COPIED_WORDS = 12


def read_doc(path: Path) -> tuple[dict[str, Any], str]:
    """Front matter (parsed) and body of a knowledge file."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{path.name} does not start with --- front matter ---"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, text[match.end() :]


def headings(body: str, level: int) -> list[str]:
    """Heading texts of exactly this level, outside fenced code."""
    marker = "#" * level + " "
    return [line[len(marker) :].strip() for line in body.splitlines() if line.startswith(marker)]


def knowledge_files() -> list[Path]:
    return sorted(KNOWLEDGE.glob("*.md"))


def knowledge_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in knowledge_files())


def words(text: str) -> list[str]:
    """Lower-case word sequence, ignoring punctuation and layout."""
    return re.sub(r"[^a-z0-9$%+/]+", " ", text.lower()).split()


def guide_sentences(text: str) -> list[str]:
    """The guide cut into sentences (and list items, table rows, labelled clauses)."""
    pieces = re.split(r"(?<=[.!?])\s+|\n|:\s", text)
    return [re.sub(r"^-\s*\d?", "", p).strip() for p in pieces if p.strip()]


def copied_sentences(guide: str, ours: str) -> list[str]:
    """Guide sentences of MIN_COPIED_WORDS+ words found word for word in our text."""
    haystack = " " + " ".join(words(ours)) + " "
    return [
        sentence
        for sentence in guide_sentences(guide)
        if len(words(sentence)) >= MIN_COPIED_WORDS and f" {' '.join(words(sentence))} " in haystack
    ]


def eval_rows() -> list[dict[str, Any]]:
    lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# --- structure -------------------------------------------------------------


@pytest.mark.parametrize(("section", "spec"), sorted(SECTIONS.items()), ids=sorted(SECTIONS))
def test_every_engine_section_exists_in_its_file_with_its_title(
    section: str, spec: tuple[str, str]
) -> None:
    title, filename = spec
    path = KNOWLEDGE / filename
    assert path.is_file(), f"{filename} is missing for section {section}"
    meta, body = read_doc(path)
    assert meta["sections"].get(section) == title
    assert title in headings(body, 2)


@pytest.mark.parametrize("path", knowledge_files(), ids=lambda p: p.name)
def test_front_matter_lists_exactly_the_sections_of_its_file(path: Path) -> None:
    meta, body = read_doc(path)
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    assert headings(body, 1) == [meta["title"]], "one H1 equal to the front-matter title"
    sections = meta.get("sections")
    assert isinstance(sections, dict) and sections
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in sections)
    assert sorted(headings(body, 2)) == sorted(sections.values())


def test_section_ids_and_headings_are_unique_across_the_knowledge_base() -> None:
    ids: list[str] = []
    titles: list[str] = []
    for path in knowledge_files():
        meta, _ = read_doc(path)
        ids += list(meta["sections"])
        titles += list(meta["sections"].values())
    assert len(ids) == len(set(ids))
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("path", knowledge_files(), ids=lambda p: p.name)
def test_sections_stay_short_enough_to_retrieve_as_one_chunk(path: Path) -> None:
    _, body = read_doc(path)
    for section in re.split(r"^## ", body, flags=re.MULTILINE)[1:]:
        heading = section.splitlines()[0]
        assert len(section) < 2200, f"section '{heading}' is {len(section)} characters"


# --- content ---------------------------------------------------------------

# (exact figure in the guide's notation, file that must carry it)
KEY_FIGURES = [
    ("80-90%", "overview.md"),
    ("$25 per 1M tokens", "overview.md"),
    ("$50-100", "overview.md"),
    ("100 examples", "overview.md"),
    ("500+", "overview.md"),
    ("2 hours (10 iterations)", "overview.md"),
    ("7 days", "overview.md"),
    ("Llama", "overview.md"),
    ("entire system", "overview.md"),
    ("A/B test", "prompt-engineering.md"),
    ("2-3 sentences", "prompt-engineering.md"),
    ("10+ percent", "fine-tuning.md"),
    ("terminology", "fine-tuning.md"),
    ("RAG first", "fine-tuning.md"),
    ("$500-$5000+ per run", "comparison.md"),
    ("3-10 examples for testing", "comparison.md"),
    ("100-10000+ labeled examples", "comparison.md"),
    ("10-20%", "comparison.md"),
    ("10 versions in 1 hour", "comparison.md"),
    ("10 versions in 10 days", "comparison.md"),
    ("Locked to one model/version", "comparison.md"),
    ("Custom pricing (usually higher)", "comparison.md"),
    ("10-20 example prompts", "decision-flowchart.md"),
    ("8/10", "decision-flowchart.md"),
    ("another 10 test cases", "decision-flowchart.md"),
    ("3-5 prompt iterations", "decision-flowchart.md"),
    ("below 80%", "decision-flowchart.md"),
    ("100-500 labeled examples", "decision-flowchart.md"),
    ("hold-out set", "decision-flowchart.md"),
    ("cost-to-quality ratio", "decision-flowchart.md"),
    ("90% of cases", "decision-flowchart.md"),
    ("10+ test cases", "decision-flowchart.md"),
    ("real-world distributions", "decision-flowchart.md"),
    ("85%", "scenarios.md"),
    ("60%", "scenarios.md"),
    ("$1000+", "scenarios.md"),
    ("1 week", "scenarios.md"),
    ("500 historical documents", "scenarios.md"),
    ("$2000", "scenarios.md"),
    ("92%", "scenarios.md"),
    ("88%", "scenarios.md"),
    ("12%", "scenarios.md"),
    ("80-85%", "combining.md"),
    ("10% of edge cases", "combining.md"),
    ("90% through cheaper prompt engineering", "combining.md"),
    ("annual retraining", "combining.md"),
    ("Self-hosted local", "costs.md"),
    ("Hybrid approach", "costs.md"),
    ("front-loaded", "costs.md"),
    ("training + (inference cost per call × expected volume × time horizon)", "costs.md"),
    ("$25 per 1M training tokens", "costs.md"),
    ("$3.75", "costs.md"),
    ("$15 per 1M output tokens", "costs.md"),
    ("$2.50", "costs.md"),
    ("$10 per 1M output tokens", "costs.md"),
    ("2024-08", "costs.md"),
    ("once per year", "costs.md"),
    ("$3000", "mistakes.md"),
    ("30-50 examples", "mistakes.md"),
    ("3-5 prompt variations", "mistakes.md"),
    ("20%+", "mistakes.md"),
    ("20 examples per class", "mistakes.md"),
    ("100 examples per category", "mistakes.md"),
    ("2-3x", "mistakes.md"),
    ("7B model", "mistakes.md"),
    ("largest model you can afford", "mistakes.md"),
    ("Low-Rank Adaptation", "faq.md"),
    ("weeks to months", "faq.md"),
    ("annotators", "faq.md"),
    ("data privacy", "faq.md"),
    ("routing logic", "faq.md"),
    ("Japanese, Chinese and Korean", "regional.md"),
    ("Asia-Pacific", "regional.md"),
    ("US and Europe", "regional.md"),
]


@pytest.mark.parametrize(("figure", "filename"), KEY_FIGURES, ids=[f for f, _ in KEY_FIGURES])
def test_key_figure_from_the_guide_appears_exactly(figure: str, filename: str) -> None:
    assert figure in (KNOWLEDGE / filename).read_text(encoding="utf-8")


def test_knowledge_base_never_copies_a_long_guide_sentence() -> None:
    if not GUIDE.is_file():
        pytest.skip(f"the guide is not at {GUIDE}")
    copied = copied_sentences(GUIDE.read_text(encoding="utf-8"), knowledge_text())
    assert copied == [], "rephrase these guide sentences in our own words"


@pytest.mark.parametrize(
    ("ours", "flagged"),
    [
        (
            "As the guide says: fine-tuning NEEDS many examples and a great deal of patience, "
            "to work well!",
            True,
        ),
        ("Fine-tuning asks for lots of examples and plenty of patience before it works.", False),
        ("Patience: short.", False),
    ],
    ids=["copied-with-other-case-and-punctuation", "rephrased", "short-sentences-ignored"],
)
def test_copy_check_flags_only_long_verbatim_sentences(ours: str, flagged: bool) -> None:
    guide = (
        "Intro line.\n- 1Fine-tuning needs many examples and a great deal of patience "
        "to work well.\nPatience: short.\n"
    )
    assert bool(copied_sentences(guide, ours)) is flagged


# --- eval set --------------------------------------------------------------


def test_eval_lines_are_json_objects_of_the_right_shape() -> None:
    for row in eval_rows():
        assert isinstance(row.get("id"), str) and row["id"], row
        assert isinstance(row.get("q"), str) and row["q"].strip(), row
        if row.get("off_topic"):
            assert row["off_topic"] is True and "expect" not in row, row
            assert row["id"].startswith("off"), row
        else:
            expect = row.get("expect")
            assert isinstance(expect, list) and 1 <= len(expect) <= 2, row
            assert all(isinstance(fact, str) and fact.strip() for fact in expect), row
            assert row["id"].startswith("q"), row


def test_eval_set_is_big_enough_with_unique_ids_and_questions() -> None:
    rows = eval_rows()
    ids = [row["id"] for row in rows]
    questions = [row["q"].strip().lower() for row in rows]
    assert len(ids) == len(set(ids))
    assert len(questions) == len(set(questions))
    assert sum(1 for row in rows if not row.get("off_topic")) >= 60
    assert sum(1 for row in rows if row.get("off_topic")) >= 20


def test_every_expected_fact_is_in_the_knowledge_base() -> None:
    text = knowledge_text().lower()
    missing = [
        (row["id"], fact)
        for row in eval_rows()
        for fact in row.get("expect", [])
        if fact.lower() not in text
    ]
    assert missing == []
