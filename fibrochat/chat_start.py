"""The chat's first screen, drawn before prompt_toolkit is loaded.

Importing prompt_toolkit alone takes longer here than a prompt should take to appear. So the welcome
and the prompt are written first, as styled text, and the keys typed meanwhile wait in the terminal
(unechoed and unedited: cbreak mode) until the line editor takes over. It erases this prompt, draws its
own in the same place and reads the waiting keys as if they had been typed into it: nothing is lost.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from .chat_text import welcome_lines
from .chat_theme import COLOURS, PLAIN, RESET, sgr
from .engine import Chatbot
from .render import MAX_WIDTH, Line, terminal_columns

try:
    import termios
except ImportError:  # pragma: no cover - not on Windows: the keys then simply wait as typed
    termios = None  # type: ignore[assignment]

PROMPT = "ask> "
HISTORY_ENV = "FIBROCHAT_HISTORY"
_ERASE_LINE = "\r\x1b[K"


@dataclass(frozen=True, slots=True)
class ChatOptions:
    color: bool = True
    history: Path | None = None


def options_from(args: argparse.Namespace, environ: dict[str, str] | None = None) -> ChatOptions:
    """Command-line options and environment: --no-color or NO_COLOR; --history or FIBROCHAT_HISTORY."""
    env = dict(os.environ) if environ is None else environ
    color = not getattr(args, "no_color", False) and not env.get("NO_COLOR")
    path = getattr(args, "history", None) or env.get(HISTORY_ENV) or None
    return ChatOptions(color=color, history=Path(path).expanduser() if path else None)


def styled(lines: Sequence[Line], color: bool) -> str:
    """Tagged lines as text with the chat's styles as escape sequences, one line each."""
    return "".join(f"{_paint(role, text, color)}\n" for role, text in lines)


def _paint(role: str, text: str, color: bool) -> str:
    start = sgr((COLOURS if color else PLAIN).get(role, ""))
    return f"{start}{text}{RESET}" if start and text else text


class FirstScreen:
    """The welcome and a prompt on `stream`, with the terminal holding typed keys until `hand_over()`.

    A context manager: leaving it hands over too, so the terminal is always put back as it was.
    """

    def __init__(self, bot: Chatbot, options: ChatOptions, stream: TextIO, keys_fd: int | None) -> None:
        self._stream = stream
        self._keys_fd = keys_fd
        self._saved: list[Any] | None = None
        self._shown = True
        width = min(terminal_columns(stream), MAX_WIDTH)
        stream.write(styled([*welcome_lines(bot, width), ("blank", "")], options.color))
        stream.write(_paint("prompt", PROMPT, options.color))
        stream.flush()
        self._hold_keys()

    def _hold_keys(self) -> None:
        """Cbreak mode: keys are kept for the line editor, neither echoed after this prompt nor edited by the tty."""
        if termios is None or self._keys_fd is None:
            return
        try:
            saved = termios.tcgetattr(self._keys_fd)
            held = termios.tcgetattr(self._keys_fd)
            held[3] &= ~(termios.ECHO | termios.ICANON)  # local modes; signals (Ctrl-C) still work
            held[6][termios.VMIN], held[6][termios.VTIME] = 1, 0
            termios.tcsetattr(self._keys_fd, termios.TCSANOW, held)  # TCSANOW: keys already typed stay
        except (termios.error, OSError, ValueError):
            return
        self._saved = saved

    def hand_over(self) -> None:
        """Put the terminal back as it was and erase this prompt: the line editor draws its own there."""
        if self._saved is not None and termios is not None and self._keys_fd is not None:
            with contextlib.suppress(termios.error, OSError, ValueError):
                termios.tcsetattr(self._keys_fd, termios.TCSANOW, self._saved)
            self._saved = None
        if self._shown:
            self._shown = False
            self._stream.write(_ERASE_LINE)
            self._stream.flush()

    def __enter__(self) -> FirstScreen:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.hand_over()
