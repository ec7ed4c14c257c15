"""A curator's own `messages:` wording: applied when valid, refused with the file and the line of the bad message."""

from __future__ import annotations

from pathlib import Path

import pytest

from fibrochat import Chatbot, ContentError


def _bot(fixture_docs: Path, fixture_intents: Path, tmp_path: Path, body: str) -> Chatbot:
    path = tmp_path / "messages.yaml"
    path.write_text("messages:\n" + body, encoding="utf-8")
    return Chatbot.from_paths(documents=[fixture_docs], intents=[fixture_intents, path])


def test_own_wording_replaces_the_default(fixture_docs: Path, fixture_intents: Path, tmp_path: Path) -> None:
    body = (
        "  fallback: |\n    No garden book\n    covers that.\n"
        "  truncated: 'Only the first {limit} characters were read.'\n"
    )
    bot = _bot(fixture_docs, fixture_intents, tmp_path, body)
    assert bot.messages.fallback == "No garden book covers that."  # line breaks in YAML are just spaces
    assert bot.ask("how do I fix my car's gearbox?").text.startswith("No garden book covers that.")
    assert bot.ask("tomatoes " * 300).text.startswith("Only the first 1000 characters were read.")


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("  disclaimer: Ask your doctor.\n  fallbak: Nothing here.\n", 3, "unknown message 'fallbak'"),
        ("  disclaimer: Ask your doctor.\n  fallback: ''\n", 3, "message 'fallback' must be a non-empty text"),
        ("  fallback: 'No source on {topic}.'\n", 2, "message 'fallback' may only use the placeholders: none"),
        ("  followup_note: 'About {subject}.'\n", 2, "may only use the placeholders: {topic}"),
        ("  clarify: 'Which {one?'\n", 2, "message 'clarify' may only use the placeholders"),
        ("  - a list\n", 1, "'messages' must map a message name to its text"),  # the 'messages:' line
    ],
)
def test_a_bad_message_is_refused_on_its_own_line(
    fixture_docs: Path, fixture_intents: Path, tmp_path: Path, body: str, line: int, problem: str
) -> None:
    with pytest.raises(ContentError) as caught:
        _bot(fixture_docs, fixture_intents, tmp_path, body)
    assert problem in caught.value.problem
    assert caught.value.line == line
    assert caught.value.path == str(tmp_path / "messages.yaml")
