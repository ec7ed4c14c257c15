"""YAML → Intent objects and the Lexicon, validated with errors that name file, line and problem.

A file holds any of two top-level keys: `intents` (a list of intents) and `lexicon` (synonyms, brand
expansions, stop words, topics and follow-up cues). Intents and lexicons from several files are merged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .errors import ContentError
from .mappings import checked_mapping, fields, line_of, line_of_key
from .model import Intent, IntentKind, Lexicon
from .text import normalise
from .yamlfile import load_yaml

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_KINDS: tuple[IntentKind, ...] = ("faq", "smalltalk", "safety", "unanswerable")
_INTENT_KEYS = {"id", "kind", "questions", "cites", "lead", "response", "suggestions", "topic"}
_LEXICON_KEYS = {"synonyms", "expansions", "stopwords", "topics", "generic"} | {
    "followup_cues", "pronouns", "swap_cues", "comparison_cues", "text_speak"
}
_TOP_KEYS = {"intents", "lexicon"}

ExtraSection = Callable[[Any, str, int | None], None]


@dataclass(frozen=True, slots=True)
class IntentFile:
    """What one YAML file contributed."""

    path: str
    intents: tuple[Intent, ...]
    lexicon: Lexicon
    extra: tuple[tuple[str, Any, int | None], ...]


def _text(value: Any, where: str, line: int | None, what: str) -> str:
    if isinstance(value, bool):
        raise ContentError(
            where, line, f"{what} must be a text, got {value} (YAML reads yes/no/on/off as true/false: quote it)"
        )
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(where, line, f"{what} must be a non-empty text")
    return value.strip()


def _texts(value: Any, where: str, line: int | None, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ContentError(where, line, f"{what} must be a non-empty list of texts")
    stripped = tuple([item.strip() if isinstance(item, str) else "" for item in value])
    if all(stripped):  # the usual case: texts, with no message to write for each
        return stripped
    return tuple(_text(item, where, line, f"each of {what}") for item in value)


def _intent(raw: Any, where: str, fallback_line: int | None) -> Intent:
    line = line_of(raw, fallback_line)
    data = checked_mapping(
        raw,
        where,
        line,
        allowed=_INTENT_KEYS,
        what="intent",
        expected="each intent must be a mapping with 'id' and 'questions'",
    )

    def at(key: str) -> int | None:  # a problem with one field is reported on that field's line
        return line_of_key(raw, key, line)

    if "id" not in data:
        raise ContentError(where, line, "intent has no 'id'")
    intent_id = _text(data["id"], where, at("id"), "'id'")
    if not _ID.match(intent_id):
        raise ContentError(where, at("id"), f"intent id {intent_id!r}: use lower-case letters, digits, '.', '-', '_'")
    kind = data.get("kind", "faq")
    if kind not in _KINDS:
        raise ContentError(where, at("kind"), f"intent {intent_id!r}: kind must be one of {', '.join(_KINDS)}")
    if "questions" not in data:
        raise ContentError(where, line, f"intent {intent_id!r} has no 'questions'")

    def optional_text(key: str) -> str | None:
        return _text(data[key], where, at(key), f"intent {intent_id!r}: {key!r}") if key in data else None

    def optional_texts(key: str) -> tuple[str, ...]:
        return _texts(data[key], where, at(key), f"intent {intent_id!r}: {key!r}") if key in data else ()

    questions = optional_texts("questions")
    cites = optional_texts("cites")
    response = optional_text("response")
    lead = optional_text("lead")
    if kind == "faq" and not cites:
        raise ContentError(where, line, f"faq intent {intent_id!r} must cite at least one section ('cites')")
    if kind != "faq" and response is None:
        raise ContentError(where, line, f"{kind} intent {intent_id!r} needs a 'response'")
    if kind != "faq" and lead is not None:
        raise ContentError(where, at("lead"), f"intent {intent_id!r}: only faq intents have a 'lead'")
    return Intent(
        id=intent_id,
        kind=cast(IntentKind, kind),
        questions=questions,
        cites=cites,
        lead=lead,
        response=response,
        suggestions=optional_texts("suggestions"),
        topic=optional_text("topic"),
        path=where,
        line=line or 0,
    )


def _phrase_map(value: Any, where: str, line: int | None, what: str) -> tuple[tuple[str, str], ...]:
    """`canonical: [variant, …]` → (normalised variant, normalised canonical) pairs."""
    if not isinstance(value, dict):
        raise ContentError(where, line, f"lexicon {what} must map a word to a list of words")
    pairs: list[tuple[str, str]] = []
    for key, variants in fields(value).items():
        target = normalise(_text(key, where, line, f"a {what} key"))
        for variant in _texts(variants, where, line, f"lexicon {what} {key!r}"):
            source = normalise(variant)
            if not source:
                raise ContentError(where, line, f"lexicon {what} {key!r}: {variant!r} has no letters or digits")
            pairs.append((source, target))
    return tuple(pairs)


def _words(value: Any, where: str, line: int | None, what: str) -> frozenset[str]:
    return frozenset(normalise(word) for word in _texts(value, where, line, f"lexicon {what!r}"))


def _stopwords(value: Any, where: str, line: int | None) -> frozenset[str]:
    """Single words only: each is dropped from every question, so "right now" would quietly drop "right"."""
    hint = "list each of its words apart if each carries no meaning on its own"
    return _single_words(value, where, line, "stopwords", hint)


def _text_speak(value: Any, where: str, line: int | None) -> tuple[tuple[str, str], ...]:
    """`spelled out: [as typed, …]`; each typed form one word, as it replaces the word it is."""
    pairs = _phrase_map(value, where, line, "text_speak")
    phrase = next((typed for typed, _ in pairs if " " in typed), None)
    if phrase is not None:
        raise ContentError(where, line, f"lexicon text_speak spells out single words, and {phrase!r} is not one")
    return pairs


def _comparison_cues(value: Any, where: str, line: int | None) -> frozenset[str]:
    """Single words, matched by their stem: "difference" also finds "differences"."""
    return _single_words(value, where, line, "comparison_cues", "a cue is one word, such as vs or difference")


def _single_words(value: Any, where: str, line: int | None, what: str, hint: str) -> frozenset[str]:
    words = _words(value, where, line, what)
    phrase = next((word for word in sorted(words) if " " in word), None)
    if phrase is not None:
        raise ContentError(where, line, f"lexicon {what} are single words, and {phrase!r} is not: {hint}")
    return words


def _lexicon(data: Any, where: str, fallback_line: int | None) -> Lexicon:
    line = line_of(data, fallback_line)
    data = checked_mapping(
        data, where, line, allowed=_LEXICON_KEYS, what="lexicon", expected="'lexicon' must be a mapping"
    )
    topics: list[tuple[str, tuple[str, ...]]] = []
    if "topics" in data:
        raw = data["topics"]
        if not isinstance(raw, dict):
            raise ContentError(where, line, "lexicon topics must map a topic to the words that name it")
        for name, cues in fields(raw).items():
            phrase = _text(name, where, line, "a topic name")  # kept as written: replies name it
            topics.append((phrase, tuple(normalise(c) for c in _texts(cues, where, line, f"topic {name!r}"))))
    return Lexicon(
        synonyms=_phrase_map(data["synonyms"], where, line, "synonyms") if "synonyms" in data else (),
        expansions=_phrase_map(data["expansions"], where, line, "expansions") if "expansions" in data else (),
        stopwords=_stopwords(data["stopwords"], where, line_of_key(data, "stopwords", line))
        if "stopwords" in data
        else frozenset(),
        topics=tuple(topics),
        followup_cues=_words(data["followup_cues"], where, line, "followup_cues")
        if "followup_cues" in data
        else frozenset(),
        generic=_words(data["generic"], where, line, "generic") if "generic" in data else frozenset(),
        pronouns=_words(data["pronouns"], where, line, "pronouns") if "pronouns" in data else frozenset(),
        swap_cues=_words(data["swap_cues"], where, line, "swap_cues") if "swap_cues" in data else frozenset(),
        comparison_cues=_comparison_cues(data["comparison_cues"], where, line_of_key(data, "comparison_cues", line))
        if "comparison_cues" in data
        else frozenset(),
        text_speak=_text_speak(data["text_speak"], where, line_of_key(data, "text_speak", line))
        if "text_speak" in data
        else (),
    )


def load_intent_file(path: Path, extra_keys: frozenset[str] = frozenset()) -> IntentFile:
    """Load one YAML file; keys in `extra_keys` are handed back untouched for another layer to parse."""
    where = str(path)
    data = load_yaml(path)
    if data is None:
        raise ContentError(where, None, "empty file: expected 'intents:' or 'lexicon:'")
    if not isinstance(data, dict):
        raise ContentError(where, 1, "expected a mapping with 'intents:' or 'lexicon:' at the top")
    top_line = line_of(data, 1)
    allowed_keys = _TOP_KEYS | extra_keys
    body = fields(data)
    for key in body:
        if key not in allowed_keys:
            raise ContentError(
                where,
                line_of_key(data, key, top_line),
                f"unknown top-level key {key!r} (allowed: {', '.join(sorted(allowed_keys))})",
            )
    intents: list[Intent] = []
    if "intents" in body:
        raw = body["intents"]
        if not isinstance(raw, list):
            raise ContentError(where, top_line, "'intents' must be a list")
        intents = [_intent(item, where, top_line) for item in raw]
    lexicon = _lexicon(body["lexicon"], where, top_line) if "lexicon" in body else Lexicon()
    extra = tuple((key, body[key], top_line) for key in sorted(extra_keys) if key in body)
    return IntentFile(path=where, intents=tuple(intents), lexicon=lexicon, extra=extra)


def yaml_files(paths: list[Path]) -> list[Path]:
    """YAML files named directly, and every *.yaml / *.yml file (sorted) inside folders."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise ContentError(str(path), None, "folder holds no YAML (*.yaml) files")
            files.extend(found)
        elif not path.exists():
            raise ContentError(str(path), None, "no such file or folder")
        else:
            files.append(path)
    return files


def merge_lexicons(lexicons: list[Lexicon]) -> Lexicon:
    """One lexicon from several files, in file order."""
    return Lexicon(
        synonyms=tuple(pair for lex in lexicons for pair in lex.synonyms),
        expansions=tuple(pair for lex in lexicons for pair in lex.expansions),
        stopwords=frozenset(word for lex in lexicons for word in lex.stopwords),
        topics=tuple(topic for lex in lexicons for topic in lex.topics),
        followup_cues=frozenset(word for lex in lexicons for word in lex.followup_cues),
        generic=frozenset(word for lex in lexicons for word in lex.generic),
        pronouns=frozenset(word for lex in lexicons for word in lex.pronouns),
        swap_cues=frozenset(word for lex in lexicons for word in lex.swap_cues),
        comparison_cues=frozenset(word for lex in lexicons for word in lex.comparison_cues),
        text_speak=tuple(pair for lex in lexicons for pair in lex.text_speak),
    )


def check_unique_ids(files: list[IntentFile]) -> None:
    """Two intents with the same id would make replies ambiguous: refuse them."""
    seen: dict[str, Intent] = {}
    for file in files:
        for intent in file.intents:
            if intent.id in seen:
                first = seen[intent.id]
                raise ContentError(
                    intent.path, intent.line, f"duplicate intent id {intent.id!r} (first at {first.path}:{first.line})"
                )
            seen[intent.id] = intent
