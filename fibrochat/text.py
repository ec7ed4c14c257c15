"""Text normalisation and tokenisation: pure functions shared by the loaders and the matcher.

Knowledge and questions go through the same functions, so what matters is that they are consistent,
not that they are linguistically perfect.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# _NON_WORD for ASCII text as a bytes translation table: several times faster than the regex, short text or long
_ASCII_NON_WORD = bytes(code if re.fullmatch("[0-9a-z]", chr(code)) else ord(" ") for code in range(256))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # + bidi overrides
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


class _CombiningMarks(dict[int, int | None]):
    """A `str.translate` table that drops combining marks (the accents NFKD splits off), filled as
    code points are met: one C-level look-up per character instead of a Python call."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        if len(self) < 65536:  # bounded, whatever a person pastes
            self[code] = value
        return value


_DROP_COMBINING = _CombiningMarks()

QUESTION_WORDS = frozenset(  # the words an English question opens with: grammar, not content
    {"is", "are", "does", "do", "did", "can", "could", "will", "would", "should", "has", "have"}
    | {"how", "what", "whats", "why", "which", "when", "where", "who"}
)
REQUEST_WORDS = QUESTION_WORDS | {"tell", "explain", "describe", "list", "give", "show"}
"""The words a question or a request opens with: "tell me about LDN" asks as much as "what is LDN"."""


def phrase_at(words: Sequence[str], position: int, phrases: Iterable[str]) -> int:
    """How many words the longest of `phrases` takes at `position` of `words` ("and what about" over "and"); 0
    when none starts there."""
    return max(
        (len(wanted) for wanted in map(str.split, phrases) if list(words[position : position + len(wanted)]) == wanted),
        default=0,
    )


def fold(text: str) -> str:
    """Unicode-fold to plain lower-case ASCII letters where possible (é → e, ﬁ → fi)."""
    if text.isascii():  # the common case: NFKC, NFKD and casefold change nothing but the case
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed if decomposed.isascii() else decomposed.translate(_DROP_COMBINING)


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: quotes, punctuation and accents folded away.

    Terminal escape sequences go first and whole, so "\\x1b[31mhow" reads as "how", not "31mhow".
    """
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order (without joining them only to split them again)."""
    if "\x1b" in text:
        text = _ANSI.sub(" ", text)
    text = fold(text)
    if not text.isascii() or "`" in text:  # the only ASCII character in the table: skip a translation otherwise
        text = text.translate(_APOSTROPHES)
    if "'" in text:  # both patterns need one; most passages and questions have none
        text = _POSSESSIVE.sub("", text)
        text = _APOSTROPHE.sub("", text)
    if text.isascii():
        return text.encode().translate(_ASCII_NON_WORD).decode().split()
    return _NON_WORD.sub(" ", text).split()


@lru_cache(maxsize=1 << 16)  # pure, and the same words come back all the time: load and questions alike
def stem(word: str) -> str:
    """A deliberately small suffix stripper, so "treatments"/"treatment" and "causes"/"caused" meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ness") and len(word) > 6:
        word = word[:-4]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if not word.endswith(suffix):
            continue
        root = word[: -len(suffix)] + keep
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            break
        if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes", "zes")):
            continue
        if len(root) < 3:
            break
        if suffix in ("ing", "ed") and len(root) > 3 and root[-1] == root[-2] and root[-1] not in "lsz":
            root = root[:-1]  # stopping → stop
        word = root
        break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]  # cause / causes / caused / causing all meet at "caus"
    return word


class StemCache(dict[str, str]):
    """word → stem(word), filled as words are met. For loading only (it is unbounded): on millions of words a
    plain dict look-up, made in C through `map`, costs much less than a call through the bounded `stem` cache."""

    def __missing__(self, word: str) -> str:
        self[word] = found = stem(word)
        return found


def slug(text: str) -> str:
    """A stable URL-style anchor: "LDN’s Impact on…" → "ldn-impact-on…" (quotes and possessives folded)."""
    return "-".join(words(text)) or "section"


def printable(text: str) -> str:
    """Text safe to print on a terminal: escape sequences and control characters removed, newlines kept."""
    text = _ANSI.sub("", text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
