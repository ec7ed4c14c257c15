"""The chat's logic without a terminal: one typed line in, the lines to show out.

A line is a question, a number (asks that suggestion from the last reply), or a /command. Keeping
this free of prompt_toolkit lets the tests drive every behaviour with plain strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process

from .chat_text import COMMANDS, help_lines, reply_lines, sources_lines, tag, topics_lines, why_lines
from .engine import Chatbot
from .render import Line

_NUMBER = re.compile(r"#?(\d{1,3})[.)]?")
_QUIT_WORDS = frozenset({"quit", "exit", ":q"})
_ALIASES = {"/exit": "/quit", "/q": "/quit", "/?": "/help", "/h": "/help"}


def is_number(text: str) -> bool:
    """A line that picks a numbered suggestion rather than asking something."""
    return _NUMBER.fullmatch(text.strip()) is not None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one typed line led to: lines to show, the question actually asked (if any), whether to leave."""

    lines: tuple[Line, ...] = ()
    asked: str | None = None
    quit: bool = False


class Chat:
    """One person's chat: a Conversation, the last suggestions, and the commands around them."""

    def __init__(self, bot: Chatbot, *, history_note: str = "History is kept in memory only.") -> None:
        self.bot = bot
        self.conversation = bot.conversation()
        self.suggestions: tuple[str, ...] = ()
        self.last_question: str | None = None
        self.history_note = history_note

    def handle(self, text: str, width: int | None = None) -> Outcome:
        """Act on one typed line."""
        text = text.strip()
        if not text:
            return Outcome()
        if text == "?":
            text = "/help"
        if text.startswith("/"):
            return self.command(text, width)
        if text.lower() in _QUIT_WORDS:
            return Outcome(quit=True)
        match = _NUMBER.fullmatch(text)
        if match is not None:
            return self.pick(int(match.group(1)), width)
        return self.ask(text, width)

    def ask(self, question: str, width: int | None = None) -> Outcome:
        reply = self.conversation.ask(question)
        self.suggestions = reply.suggestions
        self.last_question = question
        return Outcome(tuple(reply_lines(self.bot, reply, width)), asked=question)

    def pick(self, number: int, width: int | None = None) -> Outcome:
        """Ask the numbered suggestion of the last reply."""
        if not self.suggestions:
            message = "There are no numbered suggestions right now: type a question in words."
            return Outcome(tuple(tag("warning", message, width)))
        if not 1 <= number <= len(self.suggestions):
            count = len(self.suggestions)
            choices = "1" if count == 1 else f"1 to {count}"
            return Outcome(tuple(tag("warning", f"There is no suggestion {number}: pick {choices}.", width)))
        question = self.suggestions[number - 1]
        asked = self.ask(question, width)
        return Outcome((*tag("echo", f"→ {question}", width), ("blank", ""), *asked.lines), asked=question)

    def command(self, text: str, width: int | None = None) -> Outcome:
        word, _, rest = text.partition(" ")
        name = self.resolve(word.lower())
        if name is None:
            return Outcome(tuple(self.unknown(word, width)))
        if rest.strip():
            ignored = f"{name} takes no arguments; ignoring “{rest.strip()}”."
            return Outcome(tuple(tag("warning", ignored, width)))
        if name == "/quit":
            return Outcome(quit=True)
        if name == "/help":
            return Outcome(tuple(help_lines(self.bot, width, self.history_note)))
        if name == "/topics":
            return Outcome(tuple(topics_lines(self.bot, width)))
        if name == "/sources":
            return Outcome(tuple(sources_lines(self.bot, width)))
        if name == "/why":
            return Outcome(tuple(why_lines(self.conversation, self.last_question, width)))
        if name == "/reset":
            return self.reset(width)
        return Outcome(tuple(self.unknown(word, width)))

    def reset(self, width: int | None = None) -> Outcome:
        self.conversation.reset()
        self.suggestions = ()
        self.last_question = None
        return Outcome(tuple(tag("hint", "Forgotten. The next question starts afresh.", width)))

    @staticmethod
    def resolve(word: str) -> str | None:
        """The command a typed word means: exact, an alias, or an unambiguous prefix ("/t" → "/topics")."""
        names = [name for name, _ in COMMANDS]
        if word in names:
            return word
        if word in _ALIASES:
            return _ALIASES[word]
        matches = [name for name in names if name.startswith(word)] if len(word) > 1 else []
        return matches[0] if len(matches) == 1 else None

    def unknown(self, word: str, width: int | None) -> list[Line]:
        names = [name for name, _ in COMMANDS]
        close = process.extractOne(word.lower(), names, score_cutoff=70)
        guess = f" Did you mean {close[0]}?" if close is not None else ""
        return [
            *tag("warning", f"Unknown command {word}.{guess}", width),
            *tag("text", "Commands: " + " ".join(names), width),
        ]
