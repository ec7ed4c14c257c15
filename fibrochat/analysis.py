"""Text → content terms: the analysis questions and knowledge share, with the lexicon as data.

Normalise, correct typos against the knowledge's own vocabulary (rapidfuzz, looked up SymSpell-style),
stem, fold synonyms to one spelling, add brand classes, drop stop words.
"""

from __future__ import annotations

import re
import zlib
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .model import Lexicon
from .text import StemCache, normalise, stem
from .text import words as text_words

_HELD_LETTER = re.compile(r"([a-z])\1{2,}")  # one letter three or more times: no English word has that
_MIN_CORRECTED = 5  # shorter words are too easily "corrected" into another word
_SYNONYM_ROUNDS = 3  # synonyms fold again until nothing changes, at most this often


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text after analysis: its content words (stems) and what the analysis noticed on the way."""

    normalised: str
    terms: tuple[str, ...]
    unknown: tuple[str, ...]
    corrected: tuple[tuple[str, str], ...]
    all_terms: tuple[str, ...]
    added: frozenset[str] = frozenset()

    @property
    def content(self) -> str:
        return " ".join(self.terms)


class Analyzer:
    """Turns text into content terms using the lexicon; shared by the index and the questions."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._synonyms = self._phrase_table(
            [(v, c) for v, c in lexicon.synonyms] + [(c, c) for _, c in lexicon.synonyms]
        )
        self._expansions = self._phrase_table(list(lexicon.expansions))
        self._spelled_out = dict(lexicon.text_speak)
        self._rule_starts = frozenset(self._synonyms).union(self._expansions)  # the stems a phrase rule starts at
        self.stopwords = frozenset(stem(word) for phrase in lexicon.stopwords for word in phrase.split())
        self.stop_surface = frozenset(word for phrase in lexicon.stopwords for word in phrase.split())
        surface: set[str] = set(self.stop_surface)
        for variant, canonical in (*lexicon.synonyms, *lexicon.expansions, *lexicon.text_speak):
            surface.update(variant.split())
            surface.update(canonical.split())
        self.surface = frozenset(surface)
        self._targets: tuple[str, ...] = ()
        self._deletions = array("Q")  # sorted (_key_hash(key) << 32 | number of the target word), see learn()

    def learn(self, words: Iterable[str], targets: Iterable[str]) -> None:
        """Take the knowledge's words as known, and `targets` as what typos may be corrected to (once, at load).

        Words that only out-of-scope examples use are known but never targets: "catches" must not become
        "patches" and turn an answerable question into a declined one.
        """
        self.surface = self.surface.union(words)
        # Typo correction looks words up by their one-letter deletions (the SymSpell idea), so a question
        # word is compared with a handful of known words however large the vocabulary. Half a million
        # deletion strings in a dict would take about 50 MB at 100,000 passages; a sorted array of
        # (hash of the key, word number) takes 8 bytes each, and a hit is checked against the word itself.
        self._targets = tuple(sorted(w for w in set(targets) if len(w) >= 4 and not w.isdigit()))
        entries: list[int] = []
        for number, word in enumerate(self._targets):
            entries.append(_key_hash(word) << 32 | number)
            if len(word) >= _MIN_CORRECTED:  # a shorter word is reached through its own spelling alone
                entries += [found << 32 | number for found in _deletion_hashes(word)]
        self._deletions = sorted_array(entries)

    def _words_under(self, key: str) -> Iterator[str]:
        """The target words that `key` is, or is one deleted letter away from."""
        table = self._deletions
        low = _key_hash(key) << 32
        at = bisect_left(table, low)
        while at < len(table) and table[at] >> 32 == low >> 32:
            word = self._targets[table[at] & 0xFFFFFFFF]
            if word == key or (len(word) == len(key) + 1 >= _MIN_CORRECTED and key in _deletions(word)):
                yield word
            at += 1

    @staticmethod
    def _phrase_table(pairs: Sequence[tuple[str, str]]) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
        table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
        for variant, target in pairs:
            source = tuple(stem(w) for w in variant.split())
            result = tuple(stem(w) for w in target.split())
            if len(source) == 1 and source == result:
                continue  # a one-word canonical spelling needs no rule; longer ones guard their inner words
            if source and (source, result) not in seen:
                seen.add((source, result))
                table[source[0]].append((source, result))
        for entries in table.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        return dict(table)

    def correct(self, word: str) -> str | None:
        """The nearest known word for an unknown one, or None when nothing is near enough."""
        if len(word) < _MIN_CORRECTED or word.isdigit():
            return None
        max_edits = 1 if len(word) < 8 else 2
        probes = {word, *_deletions(word)}
        if max_edits == 2:
            probes.update(shorter for variant in tuple(probes) for shorter in _deletions(variant))
        near = {known for probe in probes for known in self._words_under(probe)}
        if not near:
            return None
        best = process.extractOne(word, sorted(near), scorer=OSA.distance, score_cutoff=max_edits)
        return str(best[0]) if best is not None else None

    def _unstretched(self, word: str) -> str | None:
        """The known word a held letter stretches ("goood" → "good", "hiii" → "hi"), or None."""
        if _HELD_LETTER.search(word) is None:
            return None
        for squeezed in (_HELD_LETTER.sub(r"\1\1", word), _HELD_LETTER.sub(r"\1", word)):
            if squeezed in self.surface:
                return squeezed
        return None

    def spell_out(self, normalised: str) -> str:
        """Normalised text with its text speak written out ("who r u" → "who are you"), read before anything
        else: smalltalk and question words are then recognised however they were typed."""
        words = normalised.split(" ")
        spelled = self._spelled(words)
        return normalised if spelled is words else " ".join(spelled)

    def _spelled(self, words: list[str]) -> list[str]:
        """The words with text speak spelled out; the very same list when there is none."""
        if self._spelled_out.keys().isdisjoint(words):
            return words
        return " ".join([self._spelled_out.get(word, word) for word in words]).split(" ")

    def analyse(self, text: str, *, correct: bool = True, expand: bool = True) -> Analysis:
        normalised = self.spell_out(normalise(text))
        words = normalised.split()
        unknown: list[str] = []
        corrected: list[tuple[str, str]] = []
        if correct and not self.surface.issuperset(words):
            for position, word in enumerate(words):
                held = self._unstretched(word) if word not in self.surface else None
                if held is not None:  # "heyyy", "sooo": the same word, said with feeling
                    words[position] = held
                    normalised = " ".join(words)
                elif word not in self.surface:
                    fixed = self.correct(word)
                    if fixed is None:
                        unknown.append(word)
                    else:
                        corrected.append((word, fixed))
                        words[position] = fixed
        canonical = self._fold(words)
        expanded = self._apply(canonical, self._expansions, keep=True) if expand else canonical
        terms = tuple(term for term in dict.fromkeys(expanded) if term not in self.stopwords)
        unknown_stems = tuple(stem(w) for w in unknown if w not in self.stop_surface)
        added = frozenset(expanded).difference(canonical) if expanded is not canonical else frozenset()
        return Analysis(normalised, terms, unknown_stems, tuple(corrected), tuple(expanded), added)

    def _fold(self, words: list[str]) -> list[str]:
        """Stems, with synonyms folded to one spelling."""
        canonical = list(map(stem, words))
        for _ in range(_SYNONYM_ROUNDS):  # "janus kinase blockers" → "jak blocker" → "jak inhibitor"
            folded = self._apply(canonical, self._synonyms, keep=False)
            if folded == canonical:
                break
            canonical = folded
        return canonical

    def terms_of(self, text: str, stems: StemCache) -> set[str]:
        """The set of the text's content terms (no typo correction): for loading, so each word's stem is
        looked up in `stems`, which thus holds every word met."""
        words = self._spelled(text_words(text))
        plain = self._plain_terms(set(map(stems.__getitem__, words)))
        if plain is not None:
            return plain
        return set(self._apply(self._fold(words), self._expansions, keep=True)).difference(self.stopwords)

    def example_terms(self, text: str, stems: StemCache) -> tuple[list[str], tuple[str, ...]]:
        """The words of `text` and the terms of analyse(text, correct=False), for loading the example questions:
        most name no synonym or brand, and then their terms are their stems in order, less the stop words."""
        words = self._spelled(text_words(text))
        stemmed = list(map(stems.__getitem__, words))
        if not self._rule_starts.isdisjoint(stemmed):
            return words, self.analyse(text, correct=False).terms
        stopwords = self.stopwords
        return words, tuple([term for term in dict.fromkeys(stemmed) if term not in stopwords])

    def path_terms(
        self, path: tuple[str, ...], stems: StemCache, seen: dict[str, frozenset[str] | None]
    ) -> set[str]:
        """terms_of(" ".join(path)), from the terms of each heading, kept in `seen`: a section's path shares
        all but its last heading with its siblings'. Phrase rules and unusual text take the whole path."""
        found: set[str] = set()
        for heading in path:
            if heading not in seen:
                seen[heading] = self._heading_terms(heading, stems)
            part = seen[heading]
            if part is None:
                return self.terms_of(" ".join(path), stems)
            found |= part
        return found

    def _heading_terms(self, heading: str, stems: StemCache) -> frozenset[str] | None:
        """One heading's terms, or None when they may depend on the headings around it: a phrase rule may start
        in it, or (in unusual text) a word or an escape may span two headings; or when it has text speak."""
        if not heading.isascii() or "\x1b" in heading:
            return None
        words = text_words(heading)
        if self._spelled(words) is not words:
            return None
        found = frozenset(map(stems.__getitem__, words))
        return found.difference(self.stopwords) if self._rule_starts.isdisjoint(found) else None

    def _plain_terms(self, stems: set[str]) -> set[str] | None:
        """The terms of a text whose stems these are, when no synonym or brand rule starts at any of them (most
        texts name none): its stems less the stop words, taken in place. None when a rule may apply."""
        if self._rule_starts.isdisjoint(stems):
            stems.difference_update(self.stopwords)
            return stems
        return None

    @staticmethod
    def _apply(
        tokens: list[str], table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]], *, keep: bool
    ) -> list[str]:
        """Replace (or, with keep, add to) the longest matching phrase at each position."""
        if table.keys().isdisjoint(tokens):
            return tokens
        out: list[str] = []
        index = 0
        while index < len(tokens):
            for source, target in table.get(tokens[index], ()):
                if tuple(tokens[index : index + len(source)]) == source:
                    if keep:
                        out.extend(tokens[index : index + len(source)])
                    out.extend(target)
                    index += len(source)
                    break
            else:
                out.append(tokens[index])
                index += 1
        return out


def sorted_array(values: list[int], bits: int = 12) -> array[int]:
    """array("Q", sorted(values)) for values below 2**64, sorted bucket by bucket of their top `bits` bits: the
    same order, in about half the time, as Python compares ints this wide digit by digit (and small lists fit
    the cache)."""
    buckets: list[list[int]] = [[] for _ in range(1 << bits)]
    shift = 64 - bits
    for value in values:
        buckets[value >> shift].append(value)
    result = array("Q")
    for bucket in buckets:
        bucket.sort()
        result.extend(bucket)
    return result


def _key_hash(text: str) -> int:
    """A 32-bit hash that is the same in every process (str hashes are salted), so a pickled index stays valid."""
    return zlib.crc32(text.encode())


def _deletion_hashes(word: str) -> list[int]:
    """The _key_hash of every deletion of `word`, each once; made on its bytes when each letter is one (normalised
    words are [0-9a-z]), which spares half a million strings at load. Deleting either letter of a double ("ss")
    gives the same word: only the first of a run is deleted, so no set is needed to drop the repeats."""
    if not word.isascii():
        return [_key_hash(variant) for variant in _deletions(word)]
    spelling = word.encode()
    return [
        zlib.crc32(spelling[:at] + spelling[at + 1 :])
        for at in range(len(spelling))
        if at == 0 or spelling[at] != spelling[at - 1]
    ]


def _deletions(word: str) -> set[str]:
    """Every string one deleted letter away from `word`."""
    return {word[:index] + word[index + 1 :] for index in range(len(word))}
