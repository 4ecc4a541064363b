"""Markdown to Slack mrkdwn, and splitting long text within Slack's limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.mrkdwn import escape, split_text, to_mrkdwn, truncate


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        pytest.param("**bold**", "*bold*", id="bold"),
        pytest.param("__bold__", "*bold*", id="bold-underscores"),
        pytest.param("*italic*", "_italic_", id="italic"),
        pytest.param("~~gone~~", "~gone~", id="strike"),
        pytest.param("[the guide](https://x.io/a)", "<https://x.io/a|the guide>", id="link"),
        pytest.param("**see [it](https://x.io)**", "*see <https://x.io|it>*", id="link-in-bold"),
        pytest.param("# Costs", "*Costs*", id="heading"),
        pytest.param("### **Costs** ###", "*Costs*", id="heading-bold-closed"),
        pytest.param("- one\n* two", "• one\n• two", id="bullets"),
        pytest.param("a < b & c > d", "a &lt; b &amp; c &gt; d", id="escapes"),
        pytest.param("`**raw** <x>`", "`**raw** &lt;x&gt;`", id="code-span-kept"),
        pytest.param("```\n**x** <y>\n```", "```\n**x** &lt;y&gt;\n```", id="code-block-kept"),
        pytest.param("```\nopen", "```\nopen\n```", id="unclosed-fence-closed"),
        pytest.param("---", "───", id="rule"),
        pytest.param("7/10 at 70% costs $3k", "7/10 at 70% costs $3k", id="numbers-untouched"),
    ],
)
def test_markdown_becomes_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_escape_leaves_no_raw_angle_brackets() -> None:
    assert escape("<@U1> & <!channel>") == "&lt;@U1&gt; &amp; &lt;!channel&gt;"


def test_truncate_marks_the_cut() -> None:
    assert truncate("abcdefghij", 5) == "abcd…"
    assert truncate("abc", 5) == "abc"


def test_long_text_is_split_at_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(10)]
    pieces = split_text("\n\n".join(paragraphs), limit=3000)
    assert len(pieces) > 1
    assert all(len(p) <= 3000 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)


def test_a_code_block_split_in_two_is_closed_and_reopened() -> None:
    text = "```\n" + "\n".join(f"row {i:04d} " + "x" * 40 for i in range(200)) + "\n```"
    pieces = split_text(text, limit=3000)
    assert len(pieces) > 1
    assert all(p.count("```") % 2 == 0 for p in pieces)


@given(st.text(max_size=12000))
def test_split_pieces_always_fit(text: str) -> None:
    assert all(0 < len(piece) <= 3000 for piece in split_text(text))


@given(st.text(max_size=2000))
def test_conversion_never_leaves_a_raw_angle_bracket_outside_links(text: str) -> None:
    converted = to_mrkdwn(text)
    assert "<" not in converted.replace("<http", "")
