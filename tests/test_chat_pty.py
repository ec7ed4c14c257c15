"""The real `fibrochat` program in a pseudo-terminal: prompt, a question, its source, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

SCRIPT = Path(sys.executable).parent / "fibrochat"
TIMEOUT = 60  # generous: a slow machine must not fail this, and nothing here is timed


@pytest.mark.skipif(os.name == "nt", reason="pseudo-terminals are POSIX")
def test_a_short_conversation_in_a_terminal(fixture_docs: Path, fixture_intents: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "NO_COLOR")}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", HOME=str(tmp_path))
    env.pop("FIBROCHAT_HISTORY", None)
    child = pexpect.spawn(
        str(SCRIPT), ["--documents", str(fixture_docs), "--intents", str(fixture_intents)],
        cwd=str(tmp_path), env=env, dimensions=(30, 80), timeout=TIMEOUT, encoding="utf-8",
    )
    try:
        child.expect_exact("ask> ")
        child.send("what eats aphids\r")
        child.expect_exact("Source: A Small Guide to Garden Plants")
        child.expect_exact("You could also ask")
        child.expect_exact("ask> ")
        child.send("1\r")
        child.expect_exact("Slugs and Snails")
        child.expect_exact("ask> ")
        child.send("half a question")
        child.send("\x03")
        child.expect_exact("ask> ")
        child.send("\x04")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in (child.before or "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="pseudo-terminals are POSIX")
def test_the_prompt_comes_before_the_line_editor_and_keys_typed_meanwhile_are_kept(
    fixture_docs: Path, fixture_intents: Path, tmp_path: Path
) -> None:
    """The first prompt is drawn before prompt_toolkit starts; a question typed at once is answered, and the
    terminal's settings are the same after the chat as before it."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "NO_COLOR")}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", HOME=str(tmp_path))
    env.pop("FIBROCHAT_HISTORY", None)
    chat = f"'{SCRIPT}' --documents '{fixture_docs}' --intents '{fixture_intents}'"
    child = pexpect.spawn(
        "/bin/sh", ["-c", f"stty -g; {chat}; echo CHAT-ENDED; stty -g"],
        cwd=str(tmp_path), env=env, dimensions=(30, 80), timeout=TIMEOUT, encoding="utf-8",
    )
    try:
        child.expect(r"([0-9a-f:]+)\r\n")
        settings_before = child.match.group(1)
        child.expect_exact("ask> ")
        assert "\x1b[?2004h" not in child.before  # prompt_toolkit has not drawn anything yet
        child.send("what eats aphids\r")
        child.expect_exact("\x1b[?2004h")  # now it has, and it reads what was typed
        child.expect_exact("Source: A Small Guide to Garden Plants")
        child.expect_exact("ask> ")
        child.send("\x04")
        child.expect_exact("CHAT-ENDED")
        child.expect(r"([0-9a-f:]+)\r\n")
        settings_after = child.match.group(1)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert settings_after == settings_before
