"""The terminal chat, driven through a pipe input with a DummyOutput; replies are read from a StringIO.

Every session ends with Ctrl-D (the helper adds one), so a test can never wait for input forever.
"""

from __future__ import annotations

import argparse
import io
import stat
from pathlib import Path

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import ColorDepth, DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from fibrochat import Chatbot, Reply
from fibrochat.chat_commands import Chat
from fibrochat.chat_start import HISTORY_ENV, ChatOptions, options_from
from fibrochat.chat_text import COMMANDS, reply_lines
from fibrochat.errors import FibrochatError
from fibrochat.repl import _printer, open_history, run_session

GARDEN = "A Small Guide to Garden Plants"
TOMATO_SOURCE = f"Source: {GARDEN} › Watering › How Often to Water Tomatoes"
APHID_SOURCE = f"Source: {GARDEN} › Pests › Aphids on Roses"
OVERWATERING_SOURCE = f"Source: {GARDEN} › Watering › Signs of Overwatering"


class NarrowOutput(DummyOutput):
    """A terminal 40 columns wide."""

    def get_size(self) -> Size:
        return Size(rows=24, columns=40)


def chat(bot: Chatbot, keys: str, options: ChatOptions | None = None, narrow: bool = False) -> tuple[int, str]:
    """Type `keys` into a chat session; return the exit status and everything the chat printed."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys + "\r\x04")
        output = NarrowOutput() if narrow else DummyOutput()
        status = run_session(bot, options or ChatOptions(), input=pipe, output=output, out=out)
    return status, out.getvalue()


def flat(text: str) -> str:
    """Whitespace folded, so wrapped lines read as one."""
    return " ".join(text.split())


# -- conversation -------------------------------------------------------------------------------------


def test_welcome_names_the_sources_and_help_and_shows_the_full_disclaimer_once(garden_bot: Chatbot) -> None:
    status, out = chat(garden_bot, "how often should i water tomatoes\rwhat eats aphids\r")
    assert status == 0
    text = flat(out)
    assert GARDEN in text.split("Source:")[0]
    assert "/help" in text.split("Source:")[0]
    assert text.count(flat(garden_bot.messages.disclaimer)) == 1


def test_an_answer_shows_lead_quote_source_and_compact_disclaimer(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "how often should i water tomatoes\r")
    text = flat(out)
    assert "Tomatoes need deep watering about twice a week." in text
    assert "Tomatoes need deep watering about twice a week, more often in hot weather." in text
    assert TOMATO_SOURCE in text
    assert flat(garden_bot.messages.disclaimer_short) in text
    assert "1. What are the signs of overwatering?" in text


def test_a_follow_up_is_resolved_through_the_conversation(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "what eats aphids\rare they insects\r")
    text = flat(out)
    assert text.count(APHID_SOURCE) == 2
    assert "follow-up about aphids" in text


def test_typing_a_number_asks_that_suggestion(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "how often should i water tomatoes\r1\r")
    text = flat(out)
    assert "→ What are the signs of overwatering?" in text
    assert OVERWATERING_SOURCE in text


def test_a_number_out_of_range_or_without_suggestions_says_so(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "1\rhow often should i water tomatoes\r5\r")
    text = flat(out)
    assert "There are no numbered suggestions right now" in text
    assert "There is no suggestion 5: pick 1." in text
    assert OVERWATERING_SOURCE not in text


def test_a_fallback_says_there_is_no_source_and_offers_numbered_questions(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "xyzzy plugh\r2\r")
    text = flat(out)
    assert flat(garden_bot.messages.fallback) in text
    assert "1. How often should I water tomatoes?" in text or "1. How often should i water tomatoes?" in text
    assert "2. What are the signs of overwatering?" in text
    assert OVERWATERING_SOURCE in text


def test_lines_fit_a_narrow_terminal(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "how often should i water tomatoes\r/help\r/topics\r/why\r", narrow=True)
    assert max(len(line) for line in out.splitlines()) <= 40
    assert TOMATO_SOURCE in flat(out)


def test_output_to_a_stringio_has_no_escape_codes(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "what eats aphids\r/why\r", ChatOptions(color=True))
    assert "\x1b" not in out


# -- commands -----------------------------------------------------------------------------------------


def test_help_lists_every_command_and_the_keys(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "/help\r")
    for name, _ in COMMANDS:
        assert f"\n  {name}" in out
    for key in ("Tab", "Ctrl-R", "Ctrl-C", "Ctrl-D"):
        assert key in out
    assert "memory only" in out


def test_topics_shows_the_section_outline(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "/topics\r")
    assert f"Topics in “{GARDEN}”:" in out
    assert "\n  Watering\n    How Often to Water Tomatoes\n    Signs of Overwatering\n  Pests\n" in out


def test_sources_names_each_document_its_source_and_note(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "/sources\r")
    assert f"“{GARDEN}”" in out
    assert "From: Test fixture" in out
    assert "Note: Made up for tests; not about health." in out


def test_why_explains_the_last_answer(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "/why\rwhat eats aphids\r/why\r")
    text = flat(out)
    assert "Nothing to explain yet: ask a question first." in text
    assert "Why that reply to “what eats aphids”:" in text
    assert "answer, confidence" in text and "intent aphids" in text
    assert "Top candidates" in text
    assert "Pests › Aphids on Roses via intent aphids:" in text
    assert "Follow-ups now lean on the topic “aphids”." in text


def test_why_explains_a_fallback(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "how do i build a greenhouse\r/why\r")
    text = flat(out)
    assert "fallback" in text
    assert "intent garden-out-of-scope" in text


def test_reset_forgets_the_context(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "what eats aphids\r/reset\r/why\r1\rare they insects\r")
    text = flat(out)
    assert "Forgotten. The next question starts afresh." in text
    assert "Nothing to explain yet" in text
    assert "There are no numbered suggestions right now" in text
    assert "follow-up about aphids" not in text


def test_quit_exits_with_status_0_and_reads_no_further(garden_bot: Chatbot) -> None:
    status, out = chat(garden_bot, "/quit\rwhat eats aphids\r")
    assert status == 0
    assert "Aphids" not in out
    assert out.rstrip().endswith("Take care.")


@pytest.mark.parametrize("word", ["quit", "exit", "/exit", "/q"])
def test_other_ways_to_quit(garden_bot: Chatbot, word: str) -> None:
    status, out = chat(garden_bot, f"{word}\rwhat eats aphids\r")
    assert status == 0
    assert "Aphids" not in out


def test_an_unknown_command_says_so_and_lists_the_commands(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "/frobnicate\r/topcs\r")
    assert "Unknown command /frobnicate." in out
    assert "Commands: /help /topics /sources /why /reset /quit" in out
    assert "Unknown command /topcs. Did you mean /topics?" in out


def test_commands_forgive_short_forms_and_question_mark(garden_bot: Chatbot) -> None:
    _, out = chat(garden_bot, "/t\r?\r/help me\r")
    assert f"Topics in “{GARDEN}”:" in out
    assert "Commands:" in out
    assert "/help takes no arguments; ignoring “me”." in out


# -- keys and ends ------------------------------------------------------------------------------------


def test_ctrl_c_clears_the_line_and_the_chat_carries_on(garden_bot: Chatbot) -> None:
    status, out = chat(garden_bot, "what eats aph\x03how often should i water tomatoes\r")
    assert status == 0
    assert TOMATO_SOURCE in flat(out)
    assert "Aphids" not in out
    assert "To leave" not in out


def test_ctrl_c_on_an_empty_line_says_how_to_leave(garden_bot: Chatbot) -> None:
    status, out = chat(garden_bot, "\x03what eats aphids\r")
    assert status == 0
    assert "(To leave, press Ctrl-D or type /quit.)" in out
    assert APHID_SOURCE in flat(out)


def test_ctrl_d_exits_with_status_0(garden_bot: Chatbot) -> None:
    status, out = chat(garden_bot, "\x04what eats aphids\r")
    assert status == 0
    assert "Aphids" not in out
    assert out.rstrip().endswith("Take care.")


def test_empty_lines_do_nothing(garden_bot: Chatbot) -> None:
    _, quiet = chat(garden_bot, "")
    _, out = chat(garden_bot, "\r   \r\r")
    assert out == quiet


# -- history and privacy ------------------------------------------------------------------------------


def test_nothing_is_written_to_disk_by_default(
    garden_bot: Chatbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(HISTORY_ENV, raising=False)
    options = options_from(argparse.Namespace(history=None, no_color=False))
    assert options.history is None
    chat(garden_bot, "what eats aphids\r", options)
    assert list(tmp_path.iterdir()) == []


def test_a_history_file_is_owner_only_and_keeps_the_questions_asked(garden_bot: Chatbot, tmp_path: Path) -> None:
    path = tmp_path / "history"
    chat(garden_bot, "how often should i water tomatoes\r1\r", ChatOptions(history=path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = [line[1:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("+")]
    assert kept == ["how often should i water tomatoes", "What are the signs of overwatering?"]


def test_history_comes_from_the_option_or_the_environment() -> None:
    none = argparse.Namespace(history=None, no_color=False)
    assert options_from(none, {}).history is None
    assert options_from(none, {HISTORY_ENV: ""}).history is None
    assert options_from(none, {HISTORY_ENV: "/tmp/h"}).history == Path("/tmp/h")
    given = argparse.Namespace(history="/tmp/mine", no_color=False)
    assert options_from(given, {HISTORY_ENV: "/tmp/h"}).history == Path("/tmp/mine")


def test_a_history_file_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FibrochatError, match=r"cannot open the history file .*missing"):
        open_history(tmp_path / "missing" / "history")


def test_a_history_file_others_can_read_is_warned_about(garden_bot: Chatbot, tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("")
    path.chmod(0o644)
    _, out = chat(garden_bot, "", ChatOptions(history=path))
    assert f"Others can read your history file {path}" in flat(out)


# -- colour ---------------------------------------------------------------------------------------------


def test_no_color_and_the_no_color_option_turn_colour_off() -> None:
    plain = argparse.Namespace(history=None, no_color=False)
    assert options_from(plain, {}).color
    assert not options_from(plain, {"NO_COLOR": "1"}).color
    assert options_from(plain, {"NO_COLOR": ""}).color  # no-color.org: only a non-empty value counts
    assert not options_from(argparse.Namespace(history=None, no_color=True), {}).color


@pytest.mark.parametrize("color", [True, False])
def test_colour_reaches_a_terminal_only_when_wanted(color: bool) -> None:
    from fibrochat.chat_toolbar import chat_style

    stream = io.StringIO()
    terminal = Vt100_Output(stream, lambda: Size(rows=24, columns=80), term="xterm-256color")
    depth = None if color else ColorDepth.MONOCHROME
    _printer(terminal, chat_style(color), depth)([("source", "Source: here")])
    written = stream.getvalue()
    assert "Source: here" in written
    assert ("\x1b[0;32m" in written) == color


# -- the chat's logic without a terminal -----------------------------------------------------------------


def test_safety_replies_are_set_apart(garden_bot: Chatbot) -> None:
    reply = Reply(kind="safety", text="Please call your local emergency number now.", disclaimer="d")
    lines = reply_lines(garden_bot, reply, 80)
    assert lines[0][0] == lines[-1][0] == "rule"
    assert ("safety", "Please call your local emergency number now.") in lines
    assert not any(role == "footer" for role, _ in lines)


def test_a_chosen_suggestion_reports_the_question_it_asked(garden_bot: Chatbot) -> None:
    session = Chat(garden_bot)
    assert session.handle("how often should i water tomatoes").asked == "how often should i water tomatoes"
    assert session.suggestions == ("What are the signs of overwatering?",)
    picked = session.handle(" 1. ")
    assert picked.asked == "What are the signs of overwatering?"
    assert not session.handle("").lines
