"""The chat's first screen: drawn before prompt_toolkit loads, holding typed keys, then handing back the terminal."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from fibrochat import Chatbot
from fibrochat.chat_start import PROMPT, ChatOptions, FirstScreen, styled

termios = pytest.importorskip("termios")


@pytest.fixture
def terminal() -> Iterator[int]:
    """The keyboard side of a fresh pseudo-terminal, in its default (echoing, line-editing) mode."""
    leader, follower = os.openpty()
    try:
        yield follower
    finally:
        os.close(leader)
        os.close(follower)


def _local_modes(fd: int) -> int:
    return int(termios.tcgetattr(fd)[3])


def test_the_welcome_and_the_prompt_are_drawn_at_once(garden_bot: Chatbot) -> None:
    out = io.StringIO()
    FirstScreen(garden_bot, ChatOptions(color=False), out, None).hand_over()
    text = out.getvalue()
    assert "A Small Guide to Garden Plants" in text
    assert garden_bot.messages.disclaimer.split()[0] in text
    assert text.endswith(f"\n\x1b[1m{PROMPT}\x1b[0m\r\x1b[K")  # the prompt (bold), erased for the line editor's


def test_keys_are_held_unechoed_until_the_hand_over(garden_bot: Chatbot, terminal: int) -> None:
    before = termios.tcgetattr(terminal)
    screen = FirstScreen(garden_bot, ChatOptions(), io.StringIO(), terminal)
    assert not _local_modes(terminal) & (termios.ECHO | termios.ICANON)
    assert _local_modes(terminal) & termios.ISIG  # Ctrl-C still interrupts
    screen.hand_over()
    assert termios.tcgetattr(terminal) == before
    screen.hand_over()  # twice is harmless
    assert termios.tcgetattr(terminal) == before


def test_the_terminal_is_given_back_when_loading_fails(garden_bot: Chatbot, terminal: int) -> None:
    before = termios.tcgetattr(terminal)
    with pytest.raises(KeyboardInterrupt), FirstScreen(garden_bot, ChatOptions(), io.StringIO(), terminal):
        raise KeyboardInterrupt  # Ctrl-C while prompt_toolkit loads
    assert termios.tcgetattr(terminal) == before


def test_not_a_terminal_is_left_alone(garden_bot: Chatbot) -> None:
    read_end, write_end = os.pipe()
    try:
        FirstScreen(garden_bot, ChatOptions(), io.StringIO(), read_end).hand_over()  # no error, nothing to restore
    finally:
        os.close(read_end)
        os.close(write_end)


def test_colours_follow_the_chat_theme_and_no_color_keeps_only_bold() -> None:
    lines = [("title", "Title"), ("hint", "a hint"), ("blank", ""), ("quote", "plain")]
    coloured = styled(lines, color=True)
    assert coloured.splitlines()[:2] == ["\x1b[1mTitle\x1b[0m", "\x1b[90ma hint\x1b[0m"]
    assert coloured.splitlines()[2:] == ["", "plain"]
    assert styled(lines, color=False) == "Title\na hint\n\nplain\n"
