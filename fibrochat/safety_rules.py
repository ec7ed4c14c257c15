"""The `safety:` sections of the knowledge → validated rules: categories, word lists and regions.

Several files may each hold a `safety:` section; they are merged, and anything defined twice is an
error naming the file and line. A knowledge base with no section of its own uses the packaged
`intents/safety.yaml`, so a curator's own intents folder never silently loses the safety layer.
"""

from __future__ import annotations

import os
import re
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import ContentError
from .mappings import checked_mapping, fields, line_of, line_of_key
from .resources import intents_folder
from .safety_patterns import WORD_REF, check_form, check_fragment
from .text import normalise

SAFETY_KEY = "safety"
PACKAGED_FILE = "safety.yaml"

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FIELDS = frozenset({"emergency", "crisis", "region"})
_TOP_KEYS = frozenset(
    {
        "default_region",
        "unknown_region",
        "further_reading",
        "known_words",
        "typo_targets",
        "followup_words",
        "swap_words",
        "fillers",
        "words",
        "regions",
        "categories",
    }
)
_REGION_KEYS = frozenset({"name", "aliases", "emergency", "crisis"})
_CATEGORY_KEYS = frozenset({"id", "response", "patterns", "further_reading", "afterwards"})


@dataclass(frozen=True, slots=True)
class Region:
    """Where the person is, for the numbers a safety reply gives."""

    id: str
    name: str
    emergency: str
    crisis: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of safety message: its reply (with {emergency}/{crisis}/{region} fields) and its patterns."""

    id: str
    response: str
    patterns: tuple[str, ...]
    further_reading: bool
    path: str
    line: int
    afterwards: tuple[str, ...] = ()
    """Patterns for a reply to this category's reply that plays it down ("I'll wait and see"): it gets it again."""


@dataclass(frozen=True, slots=True)
class SafetyRules:
    """Everything the `safety:` sections of the knowledge say, validated."""

    categories: tuple[Category, ...]
    regions: tuple[Region, ...]
    default_region: str
    unknown_region: str
    further_reading: str
    words: Mapping[str, tuple[str, ...]]
    known_words: frozenset[str]
    typo_targets: frozenset[str]
    followup_words: frozenset[str]
    swap_words: frozenset[str] = frozenset()  # "what about …?": the previous subject is read right after them
    fillers: frozenset[str] = frozenset()  # "just", "i think": read once more without them
    packaged: bool = False
    """All of it from the packaged file, whose patterns the test suite compiles: they are compiled when
    first needed, where a curator's own are all compiled at load so that a mistake is named at once."""


def _text(value: Any, where: str, line: int | None, what: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ContentError(where, line, f"safety {what} must be quoted text (YAML reads {value!r} as a number)")
    if not isinstance(value, str) or not value.strip():
        raise ContentError(where, line, f"safety {what} must be a non-empty text")
    return value.strip()


def _texts(value: Any, where: str, line: int | None, what: str, *, strip: bool = True) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
        raise ContentError(where, line, f"safety {what} must be a non-empty list of texts")
    return tuple(item.strip() if strip else item for item in value)


def _fields_used(template: str, where: str, line: int | None, what: str, allowed: frozenset[str] = _FIELDS) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise ContentError(where, line, f"safety {what}: {error} (write a literal brace as {{{{ or }}}})") from None
    unknown = sorted(name for name in names if name not in allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise ContentError(where, line, f"safety {what}: unknown field {{{unknown[0]}}} (known: {known})")


class _Collector:
    """Merges the `safety:` sections of several files, refusing anything defined twice."""

    def __init__(self) -> None:
        self.settings: dict[str, tuple[Any, str, int | None]] = {}
        self.words: dict[str, tuple[tuple[str, ...], str, int | None]] = {}
        self.regions: dict[str, tuple[Region, str, int | None]] = {}
        self.categories: list[Category] = []
        self.lists: dict[str, set[str]] = defaultdict(set)
        self.first: tuple[str, int | None] = ("safety", None)  # where the first section was: for "missing" errors
        self.seen = False
        self.packaged = True  # so far, every section came from the packaged file

    def add(self, data: Any, where: str, line: int | None) -> None:
        line = line_of(data, line)
        self.packaged = self.packaged and where == _packaged_file()
        if not self.seen:
            self.first, self.seen = (where, line), True
        expected = "'safety' must be a mapping (categories, regions, words, ...)"
        body = checked_mapping(data, where, line, allowed=_TOP_KEYS, what="safety", expected=expected)
        for key in ("default_region", "unknown_region", "further_reading"):
            if key in body:
                if key in self.settings:
                    _, first_path, first_line = self.settings[key]
                    raise ContentError(where, line, f"safety {key} is set twice (first at {first_path}:{first_line})")
                self.settings[key] = (_text(body[key], where, line, repr(key)), where, line)
        for key in ("known_words", "typo_targets", "followup_words", "swap_words", "fillers"):
            if key in body:
                self.lists[key].update(normalise(word) for word in _texts(body[key], where, line, repr(key)))
        if "words" in body:
            self._add_words(body["words"], where, line)
        if "regions" in body:
            self._add_regions(body["regions"], where, line)
        if "categories" in body:
            raw = body["categories"]
            if not isinstance(raw, list):
                raise ContentError(where, line, "safety 'categories' must be a list")
            for item in raw:
                self._add_category(item, where, line)

    def _add_words(self, data: Any, where: str, line: int | None) -> None:
        line = line_of(data, line)
        if not isinstance(data, dict):
            raise ContentError(where, line, "safety 'words' must map a name to a list of words")
        for name, entries in fields(data).items():
            at = line_of_key(data, name, line)  # a problem with one list is reported on that list's line
            if not isinstance(name, str) or not _NAME.match(name):
                raise ContentError(where, at, f"safety word list {name!r}: name it with lower-case letters, '_'")
            if name in self.words:
                raise ContentError(where, at, f"safety word list {name!r} is defined twice")
            values = _texts(entries, where, at, f"word list {name!r}", strip=False)  # 'to ' keeps its space
            for value in values:
                if WORD_REF.search(value):
                    raise ContentError(where, at, f"safety word list {name!r}: {value!r} refers to another list")
                if where == _packaged_file():  # compiled with the patterns that use it, when first needed
                    check_form(value, where, at, f"word list {name!r} entry {value!r}")
                else:
                    check_fragment(value, where, at, f"word list {name!r} entry {value!r}")
            self.words[name] = (values, where, at)

    def _add_regions(self, data: Any, where: str, line: int | None) -> None:
        line = line_of(data, line)
        if not isinstance(data, dict):
            raise ContentError(where, line, "safety 'regions' must map a region code to its numbers")
        for code, raw in fields(data).items():
            region_line = line_of(raw, line)
            region = _region(code, raw, where, region_line)
            for name in (region.id, *region.aliases):
                if name in self.regions:
                    other, first_path, first_line = self.regions[name]
                    raise ContentError(
                        where,
                        region_line,
                        f"safety region name {name!r} is used twice "
                        f"(first for {other.id!r} at {first_path}:{first_line})",
                    )
                self.regions[name] = (region, where, region_line)

    def _add_category(self, data: Any, where: str, fallback_line: int | None) -> None:
        line = line_of(data, fallback_line)
        expected = "each safety category must be a mapping with 'id', 'response', 'patterns'"
        body = checked_mapping(data, where, line, allowed=_CATEGORY_KEYS, what="safety category", expected=expected)

        def at(key: str) -> int | None:  # a problem with one field is reported on that field's line
            return line_of_key(data, key, line)

        for key in ("id", "response", "patterns"):
            if key not in body:
                raise ContentError(where, line, f"safety category has no {key!r}")
        category_id = _text(body["id"], where, at("id"), "category id")
        if not _ID.match(category_id):
            problem = f"safety category id {category_id!r}: use lower-case letters, digits, .-_"
            raise ContentError(where, at("id"), problem)
        if any(category.id == category_id for category in self.categories):
            raise ContentError(where, at("id"), f"duplicate safety category id {category_id!r}")
        response = _text(body["response"], where, at("response"), f"category {category_id!r} response")
        _fields_used(response, where, at("response"), f"category {category_id!r} response")
        further = body.get("further_reading", False)
        if not isinstance(further, bool):
            problem = f"safety category {category_id!r}: further_reading must be true or false"
            raise ContentError(where, at("further_reading"), problem)
        patterns = _texts(body["patterns"], where, at("patterns"), f"category {category_id!r} patterns")
        afterwards = (
            _texts(body["afterwards"], where, at("afterwards"), f"category {category_id!r} afterwards")
            if "afterwards" in body
            else ()
        )
        self.categories.append(Category(category_id, response, patterns, further, where, line or 0, afterwards))

    def rules(self) -> SafetyRules:
        if not self.regions:
            raise ContentError(*self.first, "safety has no 'regions': at least a default region is needed")
        default, where, line = self.settings.get("default_region", (None, *self.first))
        if default is None:
            raise ContentError(where, line, "safety has no 'default_region'")
        default_id = normalise(str(default))
        if default_id not in self.regions:
            raise ContentError(where, line, f"safety default_region {default!r} is not one of the regions")
        note, where, line = self.settings.get("unknown_region", ("({region}?)", where, line))
        if "{region}" not in note:
            raise ContentError(where, line, "safety unknown_region must mention {region}")
        _fields_used(note, where, line, "unknown_region", frozenset({"region", "known"}))
        further, _, _ = self.settings.get("further_reading", ("", where, line))
        return SafetyRules(
            categories=tuple(self.categories),
            regions=tuple(dict.fromkeys(region for region, _, _ in self.regions.values())),
            default_region=self.regions[default_id][0].id,
            unknown_region=note,
            further_reading=further,
            words={name: values for name, (values, _, _) in self.words.items()},
            known_words=frozenset(self.lists["known_words"]),
            typo_targets=frozenset(self.lists["typo_targets"]),
            followup_words=frozenset(self.lists["followup_words"]),
            swap_words=frozenset(self.lists["swap_words"]),
            fillers=frozenset(self.lists["fillers"]),
            packaged=self.packaged and self.seen,
        )


def _region(code: Any, raw: Any, where: str, line: int | None) -> Region:
    """One region's names and numbers; a problem with one field is reported on that field's line."""
    region_id = normalise(str(code))
    expected = f"safety region {code!r} must map name, emergency, crisis"
    if not region_id:
        raise ContentError(where, line, expected)
    body = checked_mapping(raw, where, line, allowed=_REGION_KEYS, what=f"region {code!r}", expected=expected)
    for key in ("name", "emergency", "crisis"):
        if key not in body:
            raise ContentError(where, line, f"safety region {code!r} has no {key!r}")

    def text(key: str) -> str:
        return _text(body[key], where, line_of_key(raw, key, line), f"region {code!r} {key}")

    aliases = body.get("aliases")
    aliases_line = line_of_key(raw, "aliases", line)
    listed = () if aliases is None else _texts(aliases, where, aliases_line, f"region {code!r} aliases")
    return Region(
        id=region_id,
        name=text("name"),
        emergency=text("emergency"),
        crisis=text("crisis"),
        aliases=tuple(normalise(alias) for alias in listed),
    )


def parse_safety(sections: Iterable[tuple[Any, str, int | None]]) -> SafetyRules:
    """Validate and merge `safety:` sections (value, file, line) into one set of rules."""
    collector = _Collector()
    for data, where, line in sections:
        collector.add(data, where, line)
    return collector.rules()


@lru_cache(maxsize=1)  # one path, asked for by every section
def _packaged_file() -> str:
    return os.path.join(intents_folder(), PACKAGED_FILE)


def packaged_sections() -> list[tuple[Any, str, int | None]]:
    """The packaged `intents/safety.yaml`: the rules a knowledge base without its own falls back on."""
    from pathlib import Path  # with the YAML loader: only when neither the snapshot nor the knowledge has rules

    from .intents import load_intent_file

    loaded = load_intent_file(Path(_packaged_file()), frozenset({SAFETY_KEY}))
    return [(value, loaded.path, line) for key, value, line in loaded.extra if key == SAFETY_KEY]
