"""The safety pattern language, compiled once at load.

A pattern is a regular expression over normalised text (lower-case words, single spaces) with two
additions: `{name}` stands for one of the named word lists and `...` for up to three words in between.
Patterns match whole words only.

So that a question does not pay for every pattern at every position, each pattern also gets its
*anchors*: the words, or the beginnings of words, that the first word of any match must be or start
with (worked out from the expression itself). A message is then only tried against the patterns some word of it can
start, and only at those words. A pattern whose first word cannot be worked out has no anchors and is
always tried.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ContentError

GAP = r"(?: [a-z0-9]+){0,3}"
"""What `...` stands for: up to three words."""

WORD_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_UPPER = re.compile(r"[A-Z]")
_ESCAPE = re.compile(r"\\.")
_OPENERS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")  # groups, then the zero-width look-arounds
_MAX_STEPS = 50_000  # the anchor analysis gives up (the pattern is then always tried) beyond this


@dataclass(frozen=True, slots=True)
class Anchors:
    """How a match's first word can begin: as one of `words` exactly, or with one of `prefixes`."""

    words: frozenset[str]
    prefixes: frozenset[str]


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A pattern as written, its whole-word expression, and the anchors of its first word (None: unknown)."""

    source: str
    regex: re.Pattern[str]
    anchors: Anchors | None


def expand(pattern: str, words: Mapping[str, tuple[str, ...]], where: str, line: int | None) -> str:
    """A pattern as a plain regular expression: {name} → the list's alternatives, `...` → a short gap."""

    def alternatives(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in words:
            known = ", ".join(sorted(words)) or "none"
            raise ContentError(where, line, f"safety pattern {pattern!r}: no word list {{{name}}} (known: {known})")
        return "(?:" + "|".join(sorted(words[name], key=len, reverse=True)) + ")"

    source = pattern.strip()
    if source.startswith("...") or source.endswith("..."):
        raise ContentError(where, line, f"safety pattern {pattern!r}: '...' must stand between words")
    source = re.sub(r" \.\.\.(?= )", GAP, source)
    if "..." in source:
        raise ContentError(where, line, f"safety pattern {pattern!r}: write '...' with a space on each side")
    return WORD_REF.sub(alternatives, source)


def check_fragment(source: str, where: str, line: int | None, what: str) -> re.Pattern[str]:
    """Compile a pattern or word-list entry, refusing what the matcher does not support."""
    if "(?P<" in source or re.search(r"\\[1-9]", source):
        raise ContentError(where, line, f"safety {what}: named groups and back-references are not allowed")
    if _UPPER.search(_ESCAPE.sub("", source)):
        raise ContentError(where, line, f"safety {what}: messages are matched in lower case; write the pattern so")
    try:
        return re.compile(source)
    except re.error as error:
        raise ContentError(where, line, f"safety {what}: invalid pattern ({error})") from None


def compile_pattern(
    pattern: str, words: Mapping[str, tuple[str, ...]], where: str, line: int | None, what: str
) -> CompiledPattern:
    """One pattern, ready to match at word starts."""
    expanded = expand(pattern, words, where, line)
    check_fragment(expanded, where, line, what)
    regex = re.compile(f"(?<![a-z0-9])(?:{expanded})(?![a-z0-9])")
    if regex.search("") is not None or regex.search(" ") is not None:
        raise ContentError(where, line, f"safety {what} matches an empty message")
    return CompiledPattern(pattern, regex, anchors(expanded))


# -- anchors: the literal beginnings of a match's first word -------------------------------------------


@dataclass(frozen=True, slots=True)
class _Element:
    """One item of a parsed expression: a literal character, any character, a zero-width test or a group."""

    kind: str  # "lit" | "any" | "zero" | "group"
    char: str = ""
    alternatives: tuple[tuple[_Element, ...], ...] = ()
    low: int = 1
    high: int | None = 1  # None: unbounded


_ANY = _Element("any")


class _UnsupportedError(Exception):
    """The expression uses something the anchor analysis does not model."""


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def alternatives(self) -> tuple[tuple[_Element, ...], ...]:
        branches: list[list[_Element]] = [[]]
        while self.pos < len(self.source) and self.source[self.pos] != ")":
            if self.source[self.pos] == "|":
                branches.append([])
                self.pos += 1
                continue
            branches[-1].append(self._quantified(self._atom()))
        return tuple(tuple(branch) for branch in branches)

    def _atom(self) -> _Element:
        source, pos = self.source, self.pos
        char = source[pos]
        if char == "(":
            opener = next((o for o in _OPENERS if source.startswith(o, pos)), "(")
            if opener == "(" and source.startswith("(?", pos):
                raise _UnsupportedError(source[pos : pos + 4])
            kind = "group" if opener in ("(", "(?:") else "zero"
            self.pos = pos + len(opener)
            inner = self.alternatives()
            if self.pos >= len(source) or source[self.pos] != ")":
                raise _UnsupportedError("unbalanced")
            self.pos += 1
            return _Element("group", alternatives=inner) if kind == "group" else _Element("zero")
        if char == "[":
            end = pos + 1
            if end < len(source) and source[end] == "^":
                end += 1
            if end < len(source) and source[end] == "]":
                end += 1
            while end < len(source) and source[end] != "]":
                end += 2 if source[end] == "\\" else 1
            self.pos = end + 1
            return _ANY
        if char == "\\":
            escaped = source[pos + 1 : pos + 2]
            self.pos = pos + 2
            if escaped in ("b", "B", "A", "Z"):
                return _Element("zero")
            if escaped.isalnum():
                return _ANY
            return _Element("lit", char=escaped)
        self.pos = pos + 1
        if char in "^$":
            return _Element("zero")
        if char == ".":
            return _ANY
        return _Element("lit", char=char)

    def _quantified(self, element: _Element) -> _Element:
        source = self.source
        low: int
        high: int | None
        found = re.match(r"\?|\*|\+|\{(\d*)(,?)(\d*)\}", source[self.pos :])
        if found is None:
            return element
        token = found.group(0)
        if token == "?":
            low, high = 0, 1
        elif token == "*":
            low, high = 0, None
        elif token == "+":
            low, high = 1, None
        else:
            first, comma, last = found.group(1), found.group(2), found.group(3)
            low = int(first or 0)
            high = low if not comma else int(last) if last else None
        self.pos += len(token)
        if self.pos < len(source) and source[self.pos] in "?+":  # lazy or possessive: same set of matches
            self.pos += 1
        return _Element(element.kind, element.char, element.alternatives, low, high)


def anchors(expression: str) -> Anchors | None:
    """How a match's first word can begin; None when that cannot be worked out."""
    try:
        parsed = _Parser(expression).alternatives()
        steps = [0]
        found: set[str] = set()
        for branch in parsed:
            found |= _heads(branch, steps)
    except (_UnsupportedError, RecursionError):
        return None
    if not found or "" in found or " " in found:
        return None
    prefixes = {head for head in found if not head.endswith(" ")}
    prefixes = {head for head in prefixes if not any(head != other and head.startswith(other) for other in prefixes)}
    words = {head[:-1] for head in found if head.endswith(" ") and not any(head.startswith(p) for p in prefixes)}
    return Anchors(frozenset(words), frozenset(prefixes))


def _heads(sequence: tuple[_Element, ...], steps: list[int]) -> set[str]:
    """The literal beginnings of what `sequence` can match, up to the end of its first word.

    A beginning ending in " " is a whole word; one without was cut short by something unknown;
    "" means a match can begin with something unknown.
    """
    steps[0] += 1
    if steps[0] > _MAX_STEPS:
        raise _UnsupportedError("too complex")
    if not sequence:
        return {" "}  # the end of the match is the end of a word
    element, rest = sequence[0], sequence[1:]
    if element.kind == "zero":
        return _heads(rest, steps)
    found: set[str] = _heads(rest, steps) if element.low == 0 else set()
    if element.high == 0:
        return found
    tail = (_ANY,) if element.high is None or element.high > 1 else rest  # after a repeat: unknown
    if element.kind == "lit":
        if element.char == " ":
            found.add(" ")
        else:
            found |= {element.char + head for head in _heads(tail, steps)}
    elif element.kind == "any":
        found.add("")
    else:
        for alternative in element.alternatives:
            found |= _heads(alternative + tail, steps)
    return found
