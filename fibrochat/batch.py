"""Piped mode: stdin is not a terminal, so read one question per line and answer each in turn.

All lines share one Conversation, so a follow-up on the next line leans on the previous answer.
Plain text (a "> question" line, then the reply) or, with --json, one reply object per line (JSON
Lines). No prompt_toolkit, no escape codes: the output is for files, pipes and other programs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TextIO

from .engine import Chatbot
from .render import json_line, render_reply, terminal_width
from .text import printable


def read_questions(stream: IO[str]) -> Iterator[str]:
    """Non-empty lines of `stream`, decoded as UTF-8 with bad bytes replaced, so odd input never crashes."""
    raw = getattr(stream, "buffer", None)
    lines: Iterator[str] = (
        (line.decode("utf-8", errors="replace") for line in raw) if raw is not None else iter(stream)
    )
    first = True
    for line in lines:
        text = line.lstrip("\ufeff") if first else line
        first = False
        text = text.strip()
        if text:
            yield text


def run_batch(bot: Chatbot, stdin: IO[str] | None, out: TextIO, *, as_json: bool = False) -> int:
    """Answer every line of `stdin` in one conversation; exit status 0 at end of input."""
    if stdin is None:
        return 0
    conversation = bot.conversation()
    width = terminal_width(out)
    for number, question in enumerate(read_questions(stdin)):
        reply = conversation.ask(question)
        if as_json:
            out.write(json_line(reply.to_dict()) + "\n")
        else:
            separator = "\n" if number else ""
            shown = " ".join(printable(question).split())
            text = render_reply(reply, footer=bot.messages.disclaimer_short, width=width)
            out.write(f"{separator}> {shown}\n{text}\n")
        out.flush()
    return 0
