"""Conversation: one user's thread of questions, holding the context that follow-ups lean on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Context, Reply

if TYPE_CHECKING:
    from .engine import Chatbot


class Conversation:
    """Per-user state around a shared Chatbot. Not for sharing between threads: make one per user."""

    def __init__(self, bot: Chatbot) -> None:
        self.bot = bot
        self.context = Context()
        self.last: Reply | None = None

    def ask(self, question: str) -> Reply:
        """Answer `question`, resolving follow-ups ("how does it work?") against earlier turns."""
        reply, self.context = self.bot.answer(question, self.context)
        self.last = reply
        return reply

    def reset(self) -> None:
        """Forget the context: the next question starts afresh."""
        self.context = Context()
        self.last = None
