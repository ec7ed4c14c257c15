"""The safety layer: crisis, emergency and personal-medicine messages, caught before any retrieval.

Patterns, replies and the emergency numbers per region are data (the `safety:` key of the intents YAML,
packaged in `intents/safety.yaml`); this module only compiles them once at load and matches them. A
message is normalised, matched as is, then matched again with likely typos corrected and, in a
follow-up, "it"/"them" read as the previous turn's subject. Categories are tried in file order, so the
crisis reply wins whenever a message could be read both ways.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .errors import ContentError
from .intents import load_intent_file
from .model import Candidate, Reply
from .resources import default_intents
from .text import normalise
from .yamlfile import fields, line_of

SAFETY_KEY = "safety"
PACKAGED_FILE = "safety.yaml"

_GAP = r"(?: [a-z0-9]+){0,3}"  # what `...` stands for in a pattern: up to three words
_WORD_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_FIELDS = frozenset({"emergency", "crisis", "region"})
_TOP_KEYS = frozenset({
    "default_region", "unknown_region", "further_reading", "known_words", "typo_targets", "followup_words",
    "words", "regions", "categories",
})
_REGION_KEYS = frozenset({"name", "aliases", "emergency", "crisis"})
_CATEGORY_KEYS = frozenset({"id", "response", "patterns", "further_reading"})
_MIN_TYPO_LENGTH = 5  # shorter words are left alone: too many real words lie one edit apart
EXACT_CONFIDENCE = 0.95
INFERRED_CONFIDENCE = 0.8  # matched only after a typo correction or reading "it" as the last subject


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


@dataclass(frozen=True, slots=True)
class SafetyHit:
    """A message the safety layer caught: which category, by which pattern, and how surely."""

    category: Category
    pattern: str
    exact: bool

    @property
    def confidence(self) -> float:
        return EXACT_CONFIDENCE if self.exact else INFERRED_CONFIDENCE


# -- loading ------------------------------------------------------------------------------------------


def _text(value: Any, where: str, line: int | None, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(where, line, f"safety {what} must be a non-empty text")
    return value.strip()


def _texts(value: Any, where: str, line: int | None, what: str, *, strip: bool = True) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
        raise ContentError(where, line, f"safety {what} must be a non-empty list of texts")
    return tuple(item.strip() if strip else item for item in value)


def _fields_used(template: str, where: str, line: int | None, what: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise ContentError(where, line, f"safety {what}: {error} (write a literal brace as {{{{ or }}}})") from None
    unknown = sorted(name for name in names if name not in _FIELDS)
    if unknown:
        raise ContentError(
            where, line, f"safety {what}: unknown field {{{unknown[0]}}} (known: {', '.join(sorted(_FIELDS))})"
        )


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

    def add(self, data: Any, where: str, line: int | None) -> None:
        line = line_of(data, line)
        if not self.seen:
            self.first, self.seen = (where, line), True
        if not isinstance(data, dict):
            raise ContentError(where, line, "'safety' must be a mapping (categories, regions, words, ...)")
        body = fields(data)
        for key in body:
            if key not in _TOP_KEYS:
                raise ContentError(where, line, f"unknown key {key!r} in safety (allowed: {', '.join(sorted(_TOP_KEYS))})")
        for key in ("default_region", "unknown_region", "further_reading"):
            if key in body:
                if key in self.settings:
                    _, first_path, first_line = self.settings[key]
                    raise ContentError(where, line, f"safety {key} is set twice (first at {first_path}:{first_line})")
                self.settings[key] = (_text(body[key], where, line, repr(key)), where, line)
        for key in ("known_words", "typo_targets", "followup_words"):
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
            if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                raise ContentError(where, line, f"safety word list name {name!r}: use lower-case letters, digits, '_'")
            if name in self.words:
                raise ContentError(where, line, f"safety word list {name!r} is defined twice")
            values = _texts(entries, where, line, f"word list {name!r}", strip=False)  # 'to ' keeps its space
            for value in values:
                if _WORD_REF.search(value):
                    raise ContentError(where, line, f"safety word list {name!r}: {value!r} may not refer to another list")
                _compile(value, where, line, f"word list {name!r} entry {value!r}")
            self.words[name] = (values, where, line)

    def _add_regions(self, data: Any, where: str, line: int | None) -> None:
        line = line_of(data, line)
        if not isinstance(data, dict):
            raise ContentError(where, line, "safety 'regions' must map a region code to its numbers")
        for code, body in fields(data).items():
            region_line = line_of(body, line)
            region_id = normalise(str(code))
            if not region_id or not isinstance(body, dict):
                raise ContentError(where, region_line, f"safety region {code!r} must be a mapping (name, emergency, crisis)")
            body = fields(body)
            unknown = sorted(str(key) for key in body if key not in _REGION_KEYS)
            if unknown:
                raise ContentError(
                    where, region_line, f"unknown key {unknown[0]!r} in region {code!r} "
                    f"(allowed: {', '.join(sorted(_REGION_KEYS))})"
                )
            for key in ("name", "emergency", "crisis"):
                if key not in body:
                    raise ContentError(where, region_line, f"safety region {code!r} has no {key!r}")
            aliases = _texts(body["aliases"], where, region_line, f"region {code!r} aliases") if "aliases" in body else ()
            region = Region(
                id=region_id,
                name=_text(body["name"], where, region_line, f"region {code!r} name"),
                emergency=_text(body["emergency"], where, region_line, f"region {code!r} emergency"),
                crisis=_text(body["crisis"], where, region_line, f"region {code!r} crisis"),
                aliases=tuple(normalise(alias) for alias in aliases),
            )
            for name in (region.id, *region.aliases):
                if name in self.regions:
                    other, first_path, first_line = self.regions[name]
                    raise ContentError(
                        where, region_line, f"safety region name {name!r} is used twice "
                        f"(first for {other.id!r} at {first_path}:{first_line})"
                    )
                self.regions[name] = (region, where, region_line)

    def _add_category(self, data: Any, where: str, fallback_line: int | None) -> None:
        line = line_of(data, fallback_line)
        if not isinstance(data, dict):
            raise ContentError(where, line, "each safety category must be a mapping with 'id', 'response', 'patterns'")
        body = fields(data)
        unknown = sorted(str(key) for key in body if key not in _CATEGORY_KEYS)
        if unknown:
            raise ContentError(
                where, line, f"unknown key {unknown[0]!r} in safety category (allowed: {', '.join(sorted(_CATEGORY_KEYS))})"
            )
        for key in ("id", "response", "patterns"):
            if key not in body:
                raise ContentError(where, line, f"safety category has no {key!r}")
        category_id = _text(body["id"], where, line, "category id")
        if not _ID.match(category_id):
            raise ContentError(where, line, f"safety category id {category_id!r}: use lower-case letters, digits, '.', '-', '_'")
        if any(category.id == category_id for category in self.categories):
            raise ContentError(where, line, f"duplicate safety category id {category_id!r}")
        response = _text(body["response"], where, line, f"category {category_id!r} response")
        _fields_used(response, where, line, f"category {category_id!r} response")
        further = body.get("further_reading", False)
        if not isinstance(further, bool):
            raise ContentError(where, line, f"safety category {category_id!r}: further_reading must be true or false")
        patterns = _texts(body["patterns"], where, line, f"category {category_id!r} patterns")
        self.categories.append(Category(category_id, response, patterns, further, where, line or 0))

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
        )


def parse_safety(sections: Iterable[tuple[Any, str, int | None]]) -> SafetyRules:
    """Validate and merge `safety:` sections (value, file, line) into one set of rules."""
    collector = _Collector()
    for data, where, line in sections:
        collector.add(data, where, line)
    return collector.rules()


def packaged_sections() -> list[tuple[Any, str, int | None]]:
    """The packaged `intents/safety.yaml`: the rules a knowledge base without its own falls back on."""
    path = Path(default_intents()[0]) / PACKAGED_FILE
    loaded = load_intent_file(path, frozenset({SAFETY_KEY}))
    return [(value, loaded.path, line) for key, value, line in loaded.extra if key == SAFETY_KEY]


# -- patterns -----------------------------------------------------------------------------------------


def _compile(source: str, where: str, line: int | None, what: str) -> re.Pattern[str]:
    if "(?P<" in source:
        raise ContentError(where, line, f"safety {what}: named groups are not allowed")
    try:
        return re.compile(source)
    except re.error as error:
        raise ContentError(where, line, f"safety {what}: invalid pattern ({error})") from None


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
    source = re.sub(r" \.\.\.(?= )", _GAP, source)
    if "..." in source:
        raise ContentError(where, line, f"safety pattern {pattern!r}: write '...' with a space on each side")
    return _WORD_REF.sub(alternatives, source)


def _wrapped(source: str) -> str:
    """Match on whole words only."""
    return f"(?<![a-z0-9])(?:{source})(?![a-z0-9])"


@dataclass(frozen=True, slots=True)
class _Compiled:
    category: Category
    regex: re.Pattern[str]
    patterns: tuple[str, ...]


def _compile_category(category: Category, words: Mapping[str, tuple[str, ...]]) -> _Compiled:
    sources: list[str] = []
    for pattern in category.patterns:
        what = f"category {category.id!r} pattern {pattern!r}"
        source = _wrapped(expand(pattern, words, category.path, category.line))
        single = _compile(source, category.path, category.line, what)
        if single.search("") is not None or single.search(" ") is not None:
            raise ContentError(category.path, category.line, f"safety {what} matches an empty message")
        sources.append(source)
    combined = "|".join(f"(?P<p{number}>{source})" for number, source in enumerate(sources))
    return _Compiled(category, re.compile(combined), category.patterns)


# -- the layer ------------------------------------------------------------------------------------------


class SafetyLayer:
    """Compiled safety rules for one region. Immutable after construction: share it between threads."""

    def __init__(self, rules: SafetyRules, *, region: str | None = None, known_words: Iterable[str] = ()) -> None:
        self.rules = rules
        self._compiled = tuple(_compile_category(category, rules.words) for category in rules.categories)
        by_name = {name: r for r in rules.regions for name in (r.id, *r.aliases)}
        default = by_name[rules.default_region]
        wanted = normalise(region or "")
        self.region: Region = by_name.get(wanted, default) if wanted else default
        self.region_note: str | None = None
        if wanted and wanted not in by_name:
            known = ", ".join(r.id for r in rules.regions)
            self.region_note = rules.unknown_region.format(region=(region or "").strip(), known=known)
        values = {"emergency": self.region.emergency, "crisis": self.region.crisis, "region": self.region.name}
        self._responses = {category.id: category.response.format(**values) for category in rules.categories}
        self._known = frozenset(known_words) | rules.known_words | rules.typo_targets | rules.followup_words
        self._targets: dict[int, tuple[str, ...]] = {}
        for length in range(_MIN_TYPO_LENGTH, 1 + max((len(t) for t in rules.typo_targets), default=0) + 2):
            near = sorted(t for t in rules.typo_targets if abs(len(t) - length) <= _max_edits(length))
            if near:
                self._targets[length] = tuple(near)

    @classmethod
    def from_sections(
        cls,
        sections: Iterable[tuple[Any, str, int | None]],
        *,
        region: str | None = None,
        known_words: Iterable[str] = (),
    ) -> SafetyLayer:
        """Rules from the knowledge's `safety:` sections; the packaged ones when there are none."""
        found = list(sections)
        return cls(parse_safety(found or packaged_sections()), region=region, known_words=known_words)

    @property
    def regions(self) -> tuple[Region, ...]:
        return self.rules.regions

    def check(self, text: str, topic: str | None = None) -> SafetyHit | None:
        """The safety category `text` belongs to, or None. `topic` is the previous turn's subject, if any."""
        normalised = normalise(text)
        if not normalised:
            return None
        hit = self._match(normalised, exact=True)
        if hit is not None:
            return hit
        words = [self._correct(word) for word in normalised.split()]
        if topic:
            subject = normalise(topic)
            words = [subject if word in self.rules.followup_words else word for word in words]
        variant = " ".join(words)
        return self._match(variant, exact=False) if variant != normalised else None

    def reply(self, hit: SafetyHit, *, disclaimer: str, suggestions: tuple[str, ...] = ()) -> Reply:
        """The safety reply: no citations, the disclaimer, and general reading only where the category allows."""
        category = hit.category
        parts = [self._responses[category.id]]
        if self.region_note:
            parts.insert(0, self.region_note)
        offered = suggestions if category.further_reading and self.rules.further_reading else ()
        if offered:
            parts.append(self.rules.further_reading)
        return Reply(
            kind="safety",
            text="\n\n".join(parts),
            citations=(),
            disclaimer=disclaimer,
            intent=category.id,
            confidence=hit.confidence,
            suggestions=offered,
            candidates=(Candidate(f"safety:{category.id}", category.id, hit.confidence, f"safety pattern: {hit.pattern}"),),
        )

    def _match(self, text: str, *, exact: bool) -> SafetyHit | None:
        for compiled in self._compiled:
            found = compiled.regex.search(text)
            if found is not None and found.lastgroup is not None:
                pattern = compiled.patterns[int(found.lastgroup[1:])]
                return SafetyHit(compiled.category, pattern, exact)
        return None

    def _correct(self, word: str) -> str:
        """The safety word a misspelt word most likely meant; known words are never changed."""
        if len(word) < _MIN_TYPO_LENGTH or word in self._known or word.isdigit():
            return word
        choices = self._targets.get(len(word))
        if not choices:
            return word
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=_max_edits(len(word)))
        return found[0] if found is not None else word


def _max_edits(length: int) -> int:
    return 1 if length < 8 else 2
