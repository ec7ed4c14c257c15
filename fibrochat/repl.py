"""The terminal chat: a prompt_toolkit session around `Chat`. The only place the prompt is built.

What a line means lives in chat_commands; what is printed in chat_text and render; typing help in
chat_completer; the look in chat_toolbar. This module wires them to a terminal: history, keys,
colour, width. Nothing is written to disk unless a history file is asked for.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.filters import is_searching
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.shortcuts import print_formatted_text
from prompt_toolkit.styles import Style

from .chat_commands import Chat, is_number
from .chat_completer import ChatAutoSuggest, ChatCompleter, QuestionBank
from .chat_start import HISTORY_ENV, PROMPT, ChatOptions, FirstScreen
from .chat_text import welcome_lines
from .chat_toolbar import chat_style, toolbar_fragments
from .engine import Chatbot
from .errors import FibrochatError
from .render import MAX_WIDTH, Line

Show = Callable[[Sequence[Line]], None]


class _MemoryHistory(InMemoryHistory):
    """History in memory only (the default): bare numbers are not kept, the question they asked is."""

    def append_string(self, string: str) -> None:
        if not is_number(string):
            super().append_string(string)


class _FileHistory(FileHistory):
    """History kept in a file the user named; bare numbers are left out as in memory."""

    def append_string(self, string: str) -> None:
        if not is_number(string):
            super().append_string(string)


def open_history(path: Path | None) -> History:
    """In memory by default; a named file is created owner-only (0o600): health questions are private."""
    if path is None:
        return _MemoryHistory()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(descriptor)
    except OSError as error:
        raise FibrochatError(f"cannot open the history file {path}: {error.strerror or error}") from error
    return _FileHistory(str(path))


def history_note(path: Path | None) -> str:
    """What /help says about where the typed questions go."""
    if path is None:
        return (
            "Your questions are kept in memory only and forgotten when you leave "
            f"(--history FILE or {HISTORY_ENV} keeps them on disk)."
        )
    return f"Your questions are kept in {path}."


def history_warning(path: Path | None) -> str | None:
    """A warning when the history file the user named can be read by others."""
    try:
        if path is not None and stat.S_IMODE(path.stat().st_mode) & 0o077:
            return f"Others can read your history file {path}: chmod 600 {path} keeps it private."
    except OSError:
        pass
    return None


def run_session(
    bot: Chatbot,
    options: ChatOptions | None = None,
    *,
    input: Input | None = None,
    output: Output | None = None,
    out: TextIO | None = None,
    first_screen: FirstScreen | None = None,
) -> int:
    """Run the chat until Ctrl-D or /quit. Tests pass a pipe `input`, a DummyOutput and a StringIO `out`.

    With `first_screen`, the welcome and a prompt are already up (drawn while prompt_toolkit loaded).
    """
    options = options or ChatOptions()
    history = open_history(options.history)
    chat = Chat(bot, history_note=history_note(options.history))
    bank = QuestionBank(bot)
    style = chat_style(options.color)
    depth = None if options.color else ColorDepth.MONOCHROME
    interrupted = _Interrupt()
    session: PromptSession[str] = PromptSession(
        message=[("class:prompt", PROMPT)],
        history=history,
        completer=ChatCompleter(bank),
        complete_while_typing=True,
        auto_suggest=ChatAutoSuggest(bank),
        bottom_toolbar=lambda: _toolbar(chat),
        key_bindings=_bindings(interrupted),
        style=style,
        include_default_pygments_style=False,
        color_depth=depth,
        reserve_space_for_menu=6,
        input=input,
        output=output,
    )
    show = _printer(session.output, style, depth) if out is None else _plain_printer(out)

    def width() -> int:
        columns = session.output.get_size().columns
        return min(columns if columns > 0 else 80, MAX_WIDTH)

    if first_screen is not None:
        first_screen.hand_over()
    else:
        show([*welcome_lines(bot, width()), ("blank", "")])
    warning = history_warning(options.history)
    if warning:
        show([("warning", warning), ("blank", "")])
    while True:
        try:
            text = session.prompt()
            outcome = chat.handle(text, width())
        except KeyboardInterrupt:
            if interrupted.on_empty_line:
                show([("hint", "(To leave, press Ctrl-D or type /quit.)")])
            interrupted.on_empty_line = False
            continue
        except EOFError:
            break
        if outcome.asked is not None and outcome.asked != text.strip():
            history.append_string(outcome.asked)
        if outcome.lines:
            show([*outcome.lines, ("blank", "")])
        if outcome.quit:
            break
    show([("hint", "Take care.")])
    return 0


@dataclass(slots=True)
class _Interrupt:
    """Whether the last Ctrl-C came on an empty line (then a hint says how to leave)."""

    on_empty_line: bool = False


def _bindings(interrupted: _Interrupt) -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c", filter=~is_searching)
    def _interrupt(event: KeyPressEvent) -> None:
        """Ctrl-C clears the line (the loop carries on); on an empty line it also says how to leave."""
        interrupted.on_empty_line = not event.current_buffer.text
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    return bindings


def _toolbar(chat: Chat) -> StyleAndTextTuples:
    try:
        columns = get_app().output.get_size().columns
    except Exception:  # no running application: the toolbar is only drawn while one runs
        columns = 80
    return toolbar_fragments(columns, len(chat.suggestions))


def _plain_printer(out: TextIO) -> Show:
    """Write tagged lines as plain text (the tests read the chat this way)."""

    def show(lines: Sequence[Line]) -> None:
        out.write("".join(f"{text}\n" for _, text in lines))
        out.flush()

    return show


def _printer(output: Output, style: Style, depth: ColorDepth | None) -> Show:
    """Print tagged lines on the terminal, each in the style of its role."""

    def show(lines: Sequence[Line]) -> None:
        fragments: list[tuple[str, str]] = []
        for role, text in lines:
            if text:
                fragments.append((f"class:{role}", text))
            fragments.append(("", "\n"))
        print_formatted_text(
            FormattedText(fragments),
            end="",
            style=style,
            output=output,
            color_depth=depth,
            include_default_pygments_style=False,
        )

    return show
