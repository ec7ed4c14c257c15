"""Exceptions fibrochat raises on purpose, so callers (and the CLI) can report them in one line."""

from __future__ import annotations


class FibrochatError(Exception):
    """Base class for every error fibrochat raises deliberately."""


class ContentError(FibrochatError):
    """Knowledge (a Markdown document or a YAML intents file) that cannot be loaded.

    Carries the file, the line (when there is one) and the problem, so a curator can fix it at once.
    """

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
