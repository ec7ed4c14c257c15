"""The safety pattern language: checked, analysed at load, compiled when first needed.

A pattern is a regular expression over normalised text (lower-case words, single spaces) with two
additions: `{name}` stands for one of the named word lists and `...` for up to three words in between.
Patterns match whole words only.

So that a question does not pay for every pattern at every position, each pattern also gets its
*anchors*: the words, or the beginnings of words, that the first word of any match must be or start
with (worked out from the expression itself). A message is then only tried against the patterns some word of it can
start, and only at those words. A pattern whose first word cannot be worked out has no anchors and is
always tried. Each pattern may also get *required* words: the anchors of what follows its last plain
space (or, failing that, of its own first word), one of which a message must hold somewhere before
the pattern is worth compiling or trying.

The analysis reads a pattern with its `{name}` references in place (each word list is read once, not
once per pattern that uses it), only as far as the first word of each alternative, and the common
shapes ("(a|b c) ...", "{name} ...", "word ...", "doses?") without going letter by letter: the packaged
rules take a few milliseconds, where compiling them took a few hundred. Compiling is left to the first
message a pattern could match (see safety.py).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from .errors import ContentError

GAP = r"(?: [a-z0-9]+){0,3}"
"""What `...` stands for: up to three words."""

WORD_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_UPPER = re.compile(r"[A-Z]")
_BACK_REFERENCE = re.compile(r"\\[1-9]")
_ESCAPE = re.compile(r"\\.")
_MAX_STEPS = 50_000  # the anchor analysis gives up (the pattern is then always tried) beyond this
_MAX_REQUIRED_TRIES = 3  # spaces tried, from the last, for a branch's required word
_GAP_MARK = re.compile(r" \.\.\.(?= )")
_QUANTIFIER = re.compile(r"\?|\*|\+|\{(\d*)(,?)(\d*)\}")


def _compiler() -> Callable[[str, int], Any]:
    """re.compile without re's own cache of 512 patterns, where patterns compiled on first use would pile up
    unseen; the safety layer keeps them in a bounded cache of its own. (re.compile where that is missing.)"""
    for name in ("re._compiler", "sre_compile"):  # Python 3.11 and later; 3.10
        try:
            found: Callable[[str, int], Any] = importlib.import_module(name).compile
        except (ImportError, AttributeError):
            continue
        return found
    return re.compile


_COMPILE = _compiler()


def _compile(expression: str) -> re.Pattern[str]:
    return cast(re.Pattern[str], _COMPILE(expression, 0))


@dataclass(frozen=True, slots=True)
class Anchors:
    """How a match's first word can begin: as one of `words` exactly, or with one of `prefixes`."""

    words: frozenset[str]
    prefixes: frozenset[str]


# -- checking and compiling -----------------------------------------------------------------------------


def skeleton(pattern: str, words: Mapping[str, tuple[str, ...]], where: str, line: int | None) -> str:
    """A pattern with `...` written out and its `{name}` references checked but left in place."""
    source = pattern.strip()
    if source.startswith("...") or source.endswith("..."):
        raise ContentError(where, line, f"safety pattern {pattern!r}: '...' must stand between words")
    source = _GAP_MARK.sub(GAP, source)
    if "..." in source:
        raise ContentError(where, line, f"safety pattern {pattern!r}: write '...' with a space on each side")
    for name in WORD_REF.findall(source):
        if name not in words:
            known = ", ".join(sorted(words)) or "none"
            raise ContentError(where, line, f"safety pattern {pattern!r}: no word list {{{name}}} (known: {known})")
    return source


def _fill(source: str, words: Mapping[str, tuple[str, ...]]) -> str:
    """`{name}` → the list's alternatives (every name known)."""

    def alternatives(match: re.Match[str]) -> str:
        return "(?:" + "|".join(sorted(words[match.group(1)], key=len, reverse=True)) + ")"

    return WORD_REF.sub(alternatives, source)


def expand(pattern: str, words: Mapping[str, tuple[str, ...]], where: str, line: int | None) -> str:
    """A pattern as a plain regular expression: {name} → the list's alternatives, `...` → a short gap."""
    return _fill(skeleton(pattern, words, where, line), words)


def check_form(source: str, where: str, line: int | None, what: str) -> None:
    """The checks that need no compiling: no named groups or back-references, nothing upper-case."""
    if "(?P<" in source or _BACK_REFERENCE.search(source):
        raise ContentError(where, line, f"safety {what}: named groups and back-references are not allowed")
    if _UPPER.search(source) and _UPPER.search(_ESCAPE.sub("", source)):  # \D and \S are fine
        raise ContentError(where, line, f"safety {what}: messages are matched in lower case; write the pattern so")


def check_fragment(source: str, where: str, line: int | None, what: str) -> re.Pattern[str]:
    """Compile a pattern or word-list entry, refusing what the matcher does not support."""
    check_form(source, where, line, what)
    try:
        return _compile(source)
    except re.error as error:
        raise ContentError(where, line, f"safety {what}: invalid pattern ({error})") from None


def compile_pattern(
    pattern: str, words: Mapping[str, tuple[str, ...]], where: str, line: int | None, what: str
) -> re.Pattern[str]:
    """One pattern as a whole-word expression, with every check a pattern must pass."""
    expanded = expand(pattern, words, where, line)
    check_fragment(expanded, where, line, what)  # alone: 'a)|(b' is only whole inside the brackets below
    try:
        regex = _compile(f"(?<![a-z0-9])(?:{expanded})(?![a-z0-9])")
    except re.error as error:  # (?i) in the middle
        raise ContentError(where, line, f"safety {what}: invalid pattern ({error})") from None
    if regex.search("") is not None or regex.search(" ") is not None:
        raise ContentError(where, line, f"safety {what} matches an empty message")
    return regex


# -- anchors: the literal beginnings of a match's first word -------------------------------------------


class _UnsupportedError(Exception):
    """The expression uses something the anchor analysis does not model."""


_LIT, _ANY, _ZERO, _GROUP = range(4)
_NEUTRAL = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]", re.S)  # escapes and classes: not structure
_FILLER = "\x01"
_UNKNOWN_OPENER = re.compile(r"(?<!\\)\(\?(?![:=!]|<[=!])")  # (?i), (?P..., (?#...: not modelled
_ODD_REFERENCE = re.compile(r"\\\{|\[(?:\\.|[^\]\\])*\{")  # a {name} that may stand in a class or after a '\'
_PLAIN = re.compile(r"[^\\\[\](){}?*+.^$]*")  # words, spaces and '|' only: no other syntax
_RUN = re.compile(r"[^\\\[\](){}|?*+.^$ ]{2,}")  # plain letters: read as one item, not one by one
_SPACE = r"(?= (?![?*+]|\{\d*,?\d*\}))"  # a space that is neither optional nor repeated
_SIMPLE_START = re.compile(  # a branch that begins (a|b c) or {name} or a word, then a space or its end
    rf"(?:\((?:\?:)?([a-z0-9 |]*)\)|\{{([a-z_][a-z0-9_]*)\}}|[a-z0-9]+)(?:{_SPACE}|$)"
)
_OPTIONAL_END = re.compile(r"([a-z0-9]+)[a-z0-9]\?")  # a word whose last letter may be left out
_OPEN = "\x00"  # ends a beginning that runs on past the end of a group

_Atom = tuple[int, str, "tuple[int, int] | str", int, "int | None", int]  # kind, text, group, low, high, next
_Seq = tuple["_Source", int, int, "_Seq | None"]  # (source, start, end, what follows once the stretch is done)


class _Source:
    """One expression, read one item at a time and only as far as the analysis asks.

    Its brackets are matched with counts over a copy in which escapes and classes are blanked out,
    so that the Python code does work per bracket read, not per character.
    """

    __slots__ = ("atoms", "groups", "neutral", "text", "words")

    def __init__(self, text: str, words: Mapping[str, tuple[str, ...]] | None) -> None:
        neutral = text
        if "\\" in text or "[" in text:
            neutral = _NEUTRAL.sub(lambda found: _FILLER * len(found.group()), text)
        if _OPEN in text or _UNKNOWN_OPENER.search(neutral):
            raise _UnsupportedError("group opener or NUL")
        self.text = text
        self.neutral = neutral
        self.words = words  # the word lists its {name}s refer to; None: braces are plain characters
        self.atoms: dict[int, _Atom] = {}
        self.groups: dict[int, tuple[set[str], set[str]]] = {}  # see _Walk.group

    def close(self, opening: int) -> int:
        """Where the bracket opened at `opening` closes."""
        neutral = self.neutral
        closing = neutral.find(")", opening)
        while closing >= 0 and neutral.count("(", opening, closing) != neutral.count(")", opening, closing) + 1:
            closing = neutral.find(")", closing + 1)
        if closing < 0:
            raise _UnsupportedError("unbalanced")
        return closing

    def depth(self, start: int, end: int) -> int:
        """How many more brackets open than close between `start` and `end`."""
        return self.neutral.count("(", start, end) - self.neutral.count(")", start, end)

    def level(self, start: int, end: int) -> tuple[list[int], int]:
        """The '|'s between `start` and `end` outside any bracket, and where the level ends (at a stray ')')."""
        neutral = self.neutral
        pipes: list[int] = []
        pos = start
        while True:
            opening = neutral.find("(", pos, end)
            stop = end if opening < 0 else opening
            stray = neutral.find(")", pos, stop)
            if stray >= 0:  # as the reader of the whole expression would: no further
                stop, opening = stray, -1
            pipe = neutral.find("|", pos, stop)
            while pipe >= 0:
                pipes.append(pipe)
                pipe = neutral.find("|", pipe + 1, stop)
            if opening < 0:
                return pipes, stop
            pos = self.close(opening) + 1

    def atom(self, pos: int) -> _Atom:
        found = self.atoms.get(pos)
        if found is None:
            found = self.atoms[pos] = self._read(pos)
        return found

    def _read(self, pos: int) -> _Atom:
        text = self.text
        char = text[pos]
        kind, group, following = _LIT, "", pos + 1
        group_span: tuple[int, int] | str = group
        if char == "(":
            following = self.close(pos) + 1
            if text.startswith(("(?=", "(?!", "(?<=", "(?<!"), pos):
                kind = _ZERO
            else:
                kind, group_span = _GROUP, (pos + (3 if text.startswith("(?:", pos) else 1), following - 1)
        elif char == "[":
            end = pos + 1
            if end < len(text) and text[end] == "^":
                end += 1
            if end < len(text) and text[end] == "]":
                end += 1
            while end < len(text) and text[end] != "]":
                end += 2 if text[end] == "\\" else 1
            kind, following = _ANY, end + 1
        elif char == "\\":
            escaped = text[pos + 1 : pos + 2]
            following = pos + 2
            if escaped in ("b", "B", "A", "Z"):
                kind = _ZERO
            elif escaped.isalnum():
                kind = _ANY
            else:
                char = escaped
        elif char == "{" and self.words is not None and (ref := WORD_REF.match(text, pos)) and ref[1] in self.words:
            kind, group_span, following = _GROUP, ref[1], ref.end()
        elif char in "^$":
            kind = _ZERO
        elif char == ".":
            kind = _ANY
        else:
            run = _RUN.match(text, pos)
            if run is not None:
                char, following = run.group(), run.end()
                if _QUANTIFIER.match(text, following) is not None:  # the last letter has its own quantifier
                    char, following = char[:-1], following - 1
                if len(char) > 1:
                    return kind, char, group_span, 1, 1, following
                char = text[pos]
        low: int = 1
        high: int | None = 1
        quantifier = _QUANTIFIER.match(text, following)
        if quantifier is not None:
            token = quantifier.group(0)
            if token == "?":
                low, high = 0, 1
            elif token == "*":
                low, high = 0, None
            elif token == "+":
                low, high = 1, None
            else:
                first, comma, last = quantifier.groups()
                low = int(first or 0)
                high = low if not comma else int(last) if last else None
            following += len(token)
            if following < len(text) and text[following] in "?+":  # lazy or possessive: same set of matches
                following += 1
        return kind, char, group_span, low, high, following


_NOWHERE = _Source("", None)
_ANY_TAIL: _Seq = (_NOWHERE, 0, 1, None)  # stands for "something unknown follows"
_OPEN_TAIL: _Seq = (_NOWHERE, 0, 1, None)  # stands for "whatever follows the group": see _Walk.group


class _Walk:
    """Works out the beginnings of first words, remembering what each group and word list can begin with."""

    def __init__(self, words: Mapping[str, tuple[str, ...]], lists: dict[str, tuple[set[str], set[str]]]) -> None:
        self.words = words
        self.lists = lists  # what each word list can begin with, as far as worked out
        self.steps = 0

    def whole(self, source: _Source) -> Anchors | None:
        """The anchors of the whole expression; None if unknown."""
        self.steps = 0
        try:
            closed, unfinished = self.alternatives(source, 0, len(source.text), top=True)
        except (_UnsupportedError, RecursionError):
            return None
        return _anchors(closed, unfinished)  # the end of the match ends a word: `unfinished` are words

    def stretch(self, source: _Source, start: int, end: int) -> set[str] | None:
        """The beginnings of what `source[start:end]` matches when the match ends with it; None if unknown."""
        self.steps = 0
        try:
            found = self.heads((source, start, end, None))
        except (_UnsupportedError, RecursionError):
            return None
        return None if not found or "" in found or " " in found else found

    def heads(self, sequence: _Seq | None) -> set[str]:
        """The literal beginnings of what `sequence` can match, up to the end of its first word.

        A beginning ending in " " is a whole word; one without was cut short by something unknown;
        "" means a match can begin with something unknown.
        """
        while sequence is not None and sequence[1] >= sequence[2]:
            sequence = sequence[3]  # a stretch read to its end: go on with what follows it
        self.steps += 1
        if self.steps > _MAX_STEPS:
            raise _UnsupportedError("too complex")
        if sequence is None:
            return {" "}  # the end of the match is the end of a word
        if sequence is _ANY_TAIL:
            return {""}
        if sequence is _OPEN_TAIL:
            return {_OPEN}
        source, pos, end, after = sequence
        kind, char, group, low, high, following = source.atom(pos)
        rest: _Seq = (source, following, end, after)
        if kind == _ZERO:
            return self.heads(rest)
        found: set[str] = self.heads(rest) if low == 0 else set()
        if high == 0:
            return found
        tail = _ANY_TAIL if high is None or high > 1 else rest  # after a repeat: unknown
        if kind == _LIT:
            if char == " ":
                found.add(" ")
            else:
                found |= {char + head for head in self.heads(tail)}
        elif kind == _ANY:
            found.add("")
        else:
            closed, unfinished = self.group(source, group)
            found |= closed
            if unfinished:
                following_heads = self.heads(tail)
                found |= {head + more for head in unfinished for more in following_heads}
        return found

    def group(self, source: _Source, group: tuple[int, int] | str) -> tuple[set[str], set[str]]:
        """What a group or word list can begin with: whole beginnings, and those its end cuts short.

        Worked out once per group, and once per word list however many patterns use it.
        """
        if isinstance(group, str):
            known = self.lists.get(group)
            if known is None:
                known = self.lists[group] = self._word_list(group)
            return known
        known = source.groups.get(group[0])
        if known is None:
            known = source.groups[group[0]] = self.alternatives(source, *group)
        return known

    def _word_list(self, name: str) -> tuple[set[str], set[str]]:
        closed: set[str] = set()
        unfinished: set[str] = set()
        for entry in self.words[name]:
            if _PLAIN.fullmatch(entry):
                _split_plain(entry, closed, unfinished)
            elif "|" in entry or not self._quick(entry, 0, len(entry), None, closed, unfinished, top=False):
                more_closed, more_unfinished = self.alternatives(_Source(entry, None), 0, len(entry))
                closed |= more_closed
                unfinished |= more_unfinished
        return closed, unfinished

    def alternatives(
        self, source: _Source, start: int, end: int, *, top: bool = False
    ) -> tuple[set[str], set[str]]:
        """The beginnings of the alternatives between `start` and `end`: those that end within them, and
        those cut short by their end (to be continued with whatever follows). At the `top` of a pattern
        what follows is the end of the match, so whole words may go with the second."""
        closed: set[str] = set()
        unfinished: set[str] = set()
        text = source.text
        if _PLAIN.fullmatch(text, start, end):  # plain words: no need to read them letter by letter
            _split_plain(text[start:end], closed, unfinished)
            return closed, unfinished
        pipes, stop = source.level(start, end)
        if stop != end and not top:
            raise _UnsupportedError("unbalanced")
        for pipe in (*pipes, stop):
            if not self._quick(text, start, pipe, source.words, closed, unfinished, top=top):
                for head in self.heads((source, start, pipe, _OPEN_TAIL)):
                    if head.endswith(_OPEN):
                        unfinished.add(head[:-1])
                    else:
                        closed.add(head)
            start = pipe + 1
        return closed, unfinished

    def _quick(
        self,
        text: str,
        start: int,
        end: int,
        words: Mapping[str, tuple[str, ...]] | None,
        closed: set[str],
        unfinished: set[str],
        *,
        top: bool,
    ) -> bool:
        """The common beginnings of one alternative, without reading it item by item; False if uncommon."""
        simple = _SIMPLE_START.match(text, start, end)
        if simple is None:
            optional = _OPTIONAL_END.fullmatch(text, start, end)  # doses?
            if optional is None:
                return False
            unfinished.add(optional[1])
            unfinished.add(optional[0][:-1])
        elif simple[1] is not None:  # (a|b c), then a space or the end
            if top or simple.end() == end:
                _split_plain(simple[1], closed, unfinished)
            else:
                more: set[str] = set()
                _split_plain(simple[1], closed, more)
                closed.update([head + " " for head in more])
        elif simple[2] is not None:  # {name}, then a space or the end
            if words is None or simple[2] not in words:
                return False
            whole, more = self.group(_NOWHERE, simple[2])
            closed |= whole
            if top or simple.end() == end:
                unfinished |= more
            else:
                closed.update([head + " " for head in more])
        elif top or simple.end() == end:  # a word, then a space or the end
            unfinished.add(simple[0])
        else:
            closed.add(simple[0] + " ")
        return True


def _split_plain(alternatives: str, closed: set[str], unfinished: set[str]) -> None:
    """Plain alternatives' first words: whole where a space ends them, else cut short by the end."""
    if " " not in alternatives:
        unfinished.update(alternatives.split("|"))
        return
    for alternative in alternatives.split("|"):
        space = alternative.find(" ")
        if space < 0:
            unfinished.add(alternative)
        else:
            closed.add(alternative[: space + 1])


def _anchors(closed: set[str], words: set[str]) -> Anchors | None:
    """Anchors from beginnings (a whole word ends in " ") and more whole words; None if a match may begin
    with something unknown."""
    if (not closed and not words) or "" in words or "" in closed or " " in closed:
        return None
    prefixes = {head for head in closed if head[-1] != " "}
    found = words.union([head[:-1] for head in closed if head[-1] == " "])
    if not prefixes:
        return Anchors(frozenset(found), frozenset())
    prefixes = {head for head in prefixes if not any(head != other and head.startswith(other) for other in prefixes)}
    starts = tuple(prefixes)
    return Anchors(frozenset(word for word in found if not word.startswith(starts)), frozenset(prefixes))


def anchors(expression: str) -> Anchors | None:
    """How a match's first word can begin; None when that cannot be worked out."""
    try:
        source = _Source(expression, None)
    except _UnsupportedError:
        return None
    return _Walk({}, {}).whole(source)


class Analyser:
    """The anchors and required words of patterns sharing one set of word lists.

    Every word list is read once, here; after that nothing is kept, so `required` may be called from
    many threads at once and a long session does not grow it.
    """

    def __init__(self, words: Mapping[str, tuple[str, ...]]) -> None:
        self._words = words
        self._lists: dict[str, tuple[set[str], set[str]]] = {}
        for name in words:
            try:
                _Walk(words, self._lists).group(_NOWHERE, name)
            except (_UnsupportedError, RecursionError):
                continue  # read again, and given up on again, by each pattern that uses it

    def _source(self, skeleton: str) -> _Source:
        if _ODD_REFERENCE.search(skeleton):  # read it as the regular expression it becomes
            return _Source(_fill(skeleton, self._words), None)
        return _Source(skeleton, self._words)

    def anchors(self, skeleton: str) -> Anchors | None:
        """The anchors of a pattern as `skeleton` returns it."""
        try:
            source = self._source(skeleton)
        except _UnsupportedError:
            return None
        return _Walk(self._words, self._lists).whole(source)  # its own step count: one per thread

    def required(self, skeleton: str) -> Anchors | None:
        """Words a message must hold for a match: in each alternative, the anchors of what follows a plain space.

        After a space that is neither optional nor repeated a new word begins, so what follows it is read
        like a whole pattern; the last such space that gives anchors is used, trying a few from the end.
        An alternative with none falls back on its own first word. None: no such words could be worked out.
        """
        try:
            source = self._source(skeleton)
            pipes, stop = source.level(0, len(source.text))
        except _UnsupportedError:
            return None
        neutral = source.neutral
        walk = _Walk(self._words, self._lists)
        found: set[str] = set()
        start = 0
        for end in (*pipes, stop):
            space, tries, heads = end, 0, None
            while heads is None and tries < _MAX_REQUIRED_TRIES:
                space = neutral.rfind(" ", start, space)  # not one in a class or an escape: those are blanked
                if space < 0:
                    break
                if source.depth(start, space) or _QUANTIFIER.match(neutral, space + 1):  # in brackets, or optional
                    continue
                tries += 1
                heads = walk.stretch(source, space + 1, end)
            if heads is None:
                heads = walk.stretch(source, start, end)
            if heads is None:
                return None
            found |= heads
            start = end + 1
        return _anchors(found, set())
