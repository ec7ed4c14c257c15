"""The shortcuts taken at load stay equal to the plain definitions they replace (see analysis.py, text.py)."""

from __future__ import annotations

import random
import re
from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from fibrochat import Chatbot
from fibrochat.analysis import _deletions
from fibrochat.text import StemCache, words

_PLAIN_ASCII = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127, blacklist_characters="'`\x1b"))


@given(_PLAIN_ASCII)
def test_ascii_words_match_the_pattern(text: str) -> None:
    assert words(text) == re.sub(r"[^0-9a-z]+", " ", text.lower()).split()


def test_section_terms_at_load_are_the_question_analysis_terms(garden_bot: Chatbot) -> None:
    """Synonyms, brands and stop words apply alike, whether a heading path is taken whole or heading by heading."""
    analyzer = garden_bot.index.analyzer
    stems = StemCache()
    seen: dict[str, frozenset[str]] = {}
    for _, section in garden_bot.index.sections.values():
        for text in (" ".join(section.path), *(passage.text for passage in section.passages)):
            assert analyzer.terms_of(text, stems) == set(analyzer.analyse(text, correct=False).terms)
        assert analyzer.path_terms(section.path, stems, seen) == analyzer.terms_of(" ".join(section.path), stems)


def test_hashed_typo_index_finds_what_a_dict_of_deletions_finds(garden_bot: Chatbot) -> None:
    """The compact index is checked against the plain SymSpell dict it replaces, on generated typos."""
    analyzer = garden_bot.index.analyzer
    targets = sorted(analyzer._targets)
    plain: dict[str, list[str]] = defaultdict(list)
    for word in targets:
        for key in {word, *(_deletions(word) if len(word) >= 5 else ())}:
            plain[key].append(word)

    def reference(word: str) -> str | None:
        if len(word) < 5 or word.isdigit():
            return None
        edits = 1 if len(word) < 8 else 2
        probes = {word, *_deletions(word)}
        if edits == 2:
            probes.update(shorter for variant in tuple(probes) for shorter in _deletions(variant))
        near = {known for probe in probes for known in plain.get(probe, ())}
        best = process.extractOne(word, sorted(near), scorer=OSA.distance, score_cutoff=edits) if near else None
        return str(best[0]) if best is not None else None

    rng = random.Random(7)
    for _ in range(2000):
        letters = list(rng.choice(targets))
        at = rng.randrange(len(letters))
        change = rng.randrange(3)
        if change == 0:
            letters.insert(at, rng.choice("abcdefghijklmnopqrstuvwxyz"))
        elif change == 1 and len(letters) > 1:
            del letters[at]
        else:
            letters[at] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        typo = "".join(letters)
        assert analyzer.correct(typo) == reference(typo), typo
