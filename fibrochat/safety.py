"""The safety layer: crisis, emergency and personal-medicine messages, caught before any retrieval.

Patterns, replies and the emergency numbers per region are data (see safety_rules.py and the packaged
`intents/safety.yaml`); this module indexes them at load and matches them. A message is
normalised and matched as is, then again with likely typos corrected and, in a follow-up, "it"/"them"
read as the previous turn's subject, and last without its fillers ("just", "i think"). Categories are
tried in file order, so the crisis reply wins whenever a message could be read more than one way.

At load each pattern is only read, not compiled: for the words a match can begin with, and the words
one of which it needs somewhere (see safety_patterns.py). A message is then tried only against the
patterns that could begin at one of its words and whose needed word it holds: a few set operations, then
a regular expression or two, however many patterns there are. A pattern is compiled the first time a
message could match it; most never are in a short session, and a bounded cache keeps a long one from
growing. A curator's own rules are still compiled in full at load, so that a mistake in them is named,
with its file and line, before any question.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .model import Candidate, Reply
from .safety_patterns import Analyser, Anchors, compile_pattern, skeleton
from .safety_rules import Category, Region, SafetyRules, packaged_sections, parse_safety
from .text import normalise, phrase_at

__all__ = ["EXACT_CONFIDENCE", "INFERRED_CONFIDENCE", "SafetyHit", "SafetyLayer", "parse_safety"]

_MIN_TYPO_LENGTH = 5  # shorter words are left alone: too many real words lie one edit apart
EXACT_CONFIDENCE = 0.95
INFERRED_CONFIDENCE = 0.8  # matched only after a typo correction or reading "it" as the last subject

_CACHED_PATTERNS = 1024  # patterns kept compiled, for all layers together (the packaged rules have under 500)


@dataclass(frozen=True, slots=True)
class SafetyHit:
    """A message the safety layer caught: which category, by which pattern, and how surely."""

    category: Category
    pattern: str
    exact: bool

    @property
    def confidence(self) -> float:
        return EXACT_CONFIDENCE if self.exact else INFERRED_CONFIDENCE


@dataclass(frozen=True, eq=False, slots=True)
class _Rule:
    """One pattern of a layer, with what compiling and reading it takes. Hashed by identity: a cache key."""

    category: Category
    pattern: str
    skeleton: str
    words: Mapping[str, tuple[str, ...]]
    analyser: Analyser


@lru_cache(maxsize=_CACHED_PATTERNS)
def _compiled(rule: _Rule) -> re.Pattern[str]:
    """A pattern's expression, compiled the first time a message could match it."""
    what = f"category {rule.category.id!r} pattern {rule.pattern!r}"
    return compile_pattern(rule.pattern, rule.words, rule.category.path, rule.category.line, what)


def _read(rules: SafetyRules, patterns: tuple[str, ...], category: Category, analyser: Analyser) -> tuple[_Rule, ...]:
    """A category's patterns, read for indexing; compiled as well unless packaged, so a curator's mistake is
    named at load."""
    read = []
    for pattern in patterns:
        source = skeleton(pattern, rules.words, category.path, category.line)
        read.append(_Rule(category, pattern, source, rules.words, analyser))
        if not rules.packaged:  # each in turn: the first mistake in the file is the one named
            _compiled(read[-1])
    return tuple(read)


class SafetyLayer:
    """Indexed safety rules for one region. Immutable after construction (its caches aside): share it
    between threads."""

    def __init__(self, rules: SafetyRules, *, region: str | None = None, known_words: Iterable[str] = ()) -> None:
        self.rules = rules
        analyser = Analyser(rules.words)
        # numbered in file order: the lowest that matches wins
        self._flat = tuple(
            rule for category in rules.categories for rule in _read(rules, category.patterns, category, analyser)
        )
        self._afterwards = {  # category → the rules of its `afterwards`
            category.id: _read(rules, category.afterwards, category, analyser) for category in rules.categories
        }
        self._index_anchors(analyser)
        self._index_needs()
        self._set_region(_choose_region(rules, region))
        self._known = frozenset(known_words) | rules.known_words | rules.typo_targets | rules.followup_words
        by_start: dict[str, list[str]] = defaultdict(list)
        for filler in rules.fillers:  # under its first word: "i think" is looked for only at "i"
            by_start[filler.split(" ", 1)[0]].append(filler)
        self._fillers = {start: tuple(found) for start, found in by_start.items()}
        by_length: dict[int, list[str]] = defaultdict(list)
        for target in rules.typo_targets:
            by_length[len(target)].append(target)
        self._targets: dict[int, tuple[str, ...]] = {}  # word length → the typo targets within reach
        for length in range(_MIN_TYPO_LENGTH, max(by_length, default=0) + 3):
            edits = _max_edits(length)
            near = sorted(t for other in range(length - edits, length + edits + 1) for t in by_length.get(other, ()))
            if near:
                self._targets[length] = tuple(near)

    def _set_region(self, chosen: tuple[Region, str | None]) -> None:
        self.region, self.region_note = chosen
        values = {"emergency": self.region.emergency, "crisis": self.region.crisis, "region": self.region.name}
        self._responses = {category.id: category.response.format(**values) for category in self.rules.categories}

    def for_region(self, region: str | None) -> SafetyLayer:
        """This layer with the numbers of `region` (None: the default one); the indexes are shared, not rebuilt."""
        chosen = _choose_region(self.rules, region)
        if chosen == (self.region, self.region_note):
            return self
        other = copy.copy(self)
        other._set_region(chosen)
        return other

    def _index_anchors(self, analyser: Analyser) -> None:
        """Which patterns may begin at which words, so a message is only tried where a match can start."""
        self._by_word, self._by_prefix_letter, self._unanchored = _indexed(
            analyser.anchors(rule.skeleton) for rule in self._flat
        )

    def _index_needs(self) -> None:
        """Which patterns a message holding a word may match: those that need it (or a word beginning like it)."""
        self._needing, self._needing_prefix, self._needless = _indexed(
            rule.analyser.required(rule.skeleton) for rule in self._flat
        )

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

    def check(self, text: str, topic: str | None = None, after: str | None = None) -> SafetyHit | None:
        """The safety category `text` belongs to, or None. `topic` is the previous turn's subject, if any;
        `after` the safety category the previous turn got, if any: a reply that plays it down gets it again."""
        normalised = normalise(text)
        if not normalised:
            return None
        hit = self._match(normalised, exact=True)
        if hit is None and after is not None:
            hit = self._played_down(normalised, after)
        if hit is not None:
            return hit
        words = [self._correct(word) for word in normalised.split()]
        if topic:
            subject = normalise(topic)
            words = [subject if word in self.rules.followup_words else word for word in words]
            opening = phrase_at(words, 0, self.rules.swap_words)
            if opening:  # "what about for my son?" after LDN: "what about ldn for my son"
                words = [*words[:opening], subject, *words[opening:]]
        variant = " ".join(words)
        hit = self._match(variant, exact=False) if variant != normalised else None
        if hit is None and not self._fillers.keys().isdisjoint(words):  # "it take to just not wake up"
            plain = " ".join(_without(words, self._fillers))
            hit = self._match(plain, exact=False) if plain != variant else None
        return hit

    def _played_down(self, normalised: str, category_id: str) -> SafetyHit | None:
        """The category again, when the message answers its reply by playing it down ("probably nothing")."""
        for rule in self._afterwards.get(category_id, ()):
            if _compiled(rule).search(normalised) is not None:
                return SafetyHit(rule.category, rule.pattern, False)
        return None

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
            candidates=(Candidate(f"safety:{category.id}", category.id, hit.confidence, f"safety: {hit.pattern}"),),
        )

    def _match(self, text: str, *, exact: bool) -> SafetyHit | None:
        words = text.split(" ")
        possible = set(self._needless)  # the patterns whose needed word the message holds
        for word in set(words):
            possible.update(self._needing.get(word, ()))
            for prefix, numbers in self._needing_prefix.get(word[:1], ()):
                if word.startswith(prefix):
                    possible.update(numbers)
        starts: dict[int, list[int]] = defaultdict(list)  # pattern number → the words it may begin at
        offset = 0
        for word in words:
            for number in self._numbers_for(word, possible):
                starts[number].append(offset)
            offset += len(word) + 1
        unanchored = possible.intersection(self._unanchored)
        for number in sorted({*starts, *unanchored}):  # file order: the first category wins
            rule = self._flat[number]
            regex = _compiled(rule)
            if number in starts:
                found = any(regex.match(text, at) for at in starts[number])
            else:
                found = regex.search(text) is not None
            if found:
                return SafetyHit(rule.category, rule.pattern, exact)
        return None

    def _numbers_for(self, word: str, possible: set[int]) -> set[int]:
        """The patterns among `possible` that may begin at `word`."""
        numbers = possible.intersection(self._by_word.get(word, ()))
        for prefix, more in self._by_prefix_letter.get(word[:1], ()):
            if word.startswith(prefix):
                numbers.update(possible.intersection(more))
        return numbers

    def scan(self, text: str) -> SafetyHit | None:
        """Every pattern at every position, with no anchors: the reference the fast path must agree with."""
        normalised = normalise(text)
        for rule in self._flat:
            if _compiled(rule).search(normalised) is not None:
                return SafetyHit(rule.category, rule.pattern, True)
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


_ByLetter = dict[str, tuple[tuple[str, frozenset[int]], ...]]


def _indexed(found: Iterable[Anchors | None]) -> tuple[dict[str, frozenset[int]], _ByLetter, frozenset[int]]:
    """Pattern numbers (in the order given) under each word and each prefix of theirs, the prefixes grouped by
    first letter so that most words need one look-up; and the numbers of those with none."""
    by_word: dict[str, set[int]] = defaultdict(set)
    by_prefix: dict[str, set[int]] = defaultdict(set)
    unindexed: list[int] = []
    for number, anchors in enumerate(found):
        if anchors is None:
            unindexed.append(number)
            continue
        for word in anchors.words:
            by_word[word].add(number)
        for prefix in anchors.prefixes:
            by_prefix[prefix].add(number)
    by_letter: _ByLetter = {
        letter: tuple((prefix, frozenset(numbers)) for prefix, numbers in by_prefix.items() if prefix[0] == letter)
        for letter in {prefix[0] for prefix in by_prefix}
    }
    return {word: frozenset(numbers) for word, numbers in by_word.items()}, by_letter, frozenset(unindexed)


def _without(words: list[str], phrases: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The words less every occurrence of the phrases (listed under their first word): the longest at each place."""
    kept: list[str] = []
    position = 0
    while position < len(words):
        taken = phrase_at(words, position, phrases.get(words[position], ()))
        if taken:
            position += taken
        else:
            kept.append(words[position])
            position += 1
    return kept


def _max_edits(length: int) -> int:
    return 1 if length < 8 else 2


def _choose_region(rules: SafetyRules, wanted: str | None) -> tuple[Region, str | None]:
    """The region asked for (by code or alias, any case), or the default with a note saying so."""
    by_name = {name: region for region in rules.regions for name in (region.id, *region.aliases)}
    default = by_name[rules.default_region]
    name = normalise(wanted or "")
    if not name:
        return default, None
    if name in by_name:
        return by_name[name], None
    known = ", ".join(region.id for region in rules.regions)
    return default, rules.unknown_region.format(region=(wanted or "").strip(), known=known)
