"""The shortcuts taken at load stay equal to the plain definitions they replace (see analysis.py, text.py,
yamlfile.py, knowledge.py)."""

from __future__ import annotations

import gc
import random
import re
import textwrap
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from fibrochat import Chatbot
from fibrochat.analysis import _deletion_hashes, _deletions, _key_hash, sorted_array
from fibrochat.knowledge import gc_paused
from fibrochat.mappings import KEY_LINES, LINE_KEY
from fibrochat.text import StemCache, words
from fibrochat.yamlfile import load_yaml

_PLAIN_ASCII = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127, blacklist_characters="'`\x1b"))


@given(_PLAIN_ASCII)
def test_ascii_words_match_the_pattern(text: str) -> None:
    assert words(text) == re.sub(r"[^0-9a-z]+", " ", text.lower()).split()


def test_section_terms_at_load_are_the_question_analysis_terms(garden_bot: Chatbot) -> None:
    """Synonyms, brands and stop words apply alike, whether a heading path is taken whole or heading by heading."""
    analyzer = garden_bot.index.analyzer
    stems = StemCache()
    seen: dict[str, frozenset[str] | None] = {}
    for _, section in garden_bot.index.sections.values():
        for text in (" ".join(section.path), *(passage.text for passage in section.passages)):
            assert analyzer.terms_of(text, stems) == set(analyzer.analyse(text, correct=False).terms)
        assert analyzer.path_terms(section.path, stems, seen) == analyzer.terms_of(" ".join(section.path), stems)


def _phrased(bot: Chatbot) -> list[str]:
    """Texts where the lexicon's synonym and brand rules apply, alone and between other words."""
    lexicon = bot.knowledge.lexicon
    return [text for variant, _ in (*lexicon.synonyms, *lexicon.expansions) for text in (variant, f"is {variant} ok")]


@pytest.mark.parametrize("bot_name", ["garden_bot", "default_bot"])
def test_example_terms_at_load_are_the_question_analysis_terms(bot_name: str, request: pytest.FixtureRequest) -> None:
    """Example questions are read with one look-up per word unless a phrase rule may apply, as analyse() reads them."""
    bot: Chatbot = request.getfixturevalue(bot_name)
    analyzer = bot.index.analyzer
    stems = StemCache()
    texts = [question for intent in bot.knowledge.intents for question in intent.questions] + _phrased(bot)
    for text in texts:
        analysis = analyzer.analyse(text, correct=False)
        assert analyzer.example_terms(text, stems) == (analysis.normalised.split(), analysis.terms), text


@pytest.mark.parametrize("bot_name", ["garden_bot", "default_bot"])
def test_heading_paths_with_phrase_rules_take_the_whole_path(bot_name: str, request: pytest.FixtureRequest) -> None:
    """A heading where a rule starts may form a phrase with its neighbour: the path is then analysed whole."""
    bot: Chatbot = request.getfixturevalue(bot_name)
    analyzer = bot.index.analyzer
    stems = StemCache()
    seen: dict[str, frozenset[str] | None] = {}
    paths = [section.path for _, section in bot.index.sections.values()]
    paths += [(*path[:-1], phrase, path[-1]) for path, phrase in zip(paths, _phrased(bot) * len(paths), strict=False)]
    paths += [(phrase, "Ménière’s \x1b[1mdisease") for phrase in _phrased(bot)[:10]]
    for path in paths:
        assert analyzer.path_terms(path, stems, seen) == analyzer.terms_of(" ".join(path), stems), path


@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1)), st.integers(min_value=0, max_value=16))
def test_bucket_sorted_array_is_the_sorted_array(values: list[int], bits: int) -> None:
    assert sorted_array(values, bits) == array("Q", sorted(values))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789éß", min_size=1, max_size=20))
def test_deletion_hashes_are_those_of_each_distinct_deletion(word: str) -> None:
    """Only the first letter of a run is deleted ("ss"): the same deletions, each hashed once."""
    assert sorted(_deletion_hashes(word)) == sorted(_key_hash(variant) for variant in _deletions(word))


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


def _plain_yaml(text: str) -> Any:
    """What PyYAML's own safe loader makes of `text`, for comparison with load_yaml() less its line bookkeeping."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _without_lines(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _without_lines(value) for key, value in data.items() if key not in (LINE_KEY, KEY_LINES)}
    if isinstance(data, list):
        return [_without_lines(item) for item in data]
    return data


def test_yaml_shortcuts_build_what_pyyaml_builds(tmp_path: Path) -> None:
    """Lists of texts and mappings are built directly, as PyYAML would: aliases, merge keys, tags and all."""
    text = textwrap.dedent(
        """\
        base: &base {kind: faq, topic: pacing}
        shared: &shared ["a text", plain text, 'single']
        intents:
          - id: one
            <<: *base
            questions: *shared
            cites: [doc#a]
          - id: two
            <<: [*base, {lead: x}]
            kind: smalltalk
            questions:
              - "first"
              - second
              - 3
              - true
              - ~
            nested: [[a, b], {c: d}, !!str 12]
          - {id: three, questions: *shared, "=": value, when: 2024-01-02}
        """
    )
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_yaml(path)
    assert _without_lines(loaded) == _plain_yaml(text)
    first, _, third = loaded["intents"]
    assert first["questions"] is loaded["shared"] is third["questions"]  # an alias shares the list, as in PyYAML
    assert first[KEY_LINES] == {"id": 4, "questions": 6, "cites": 7}


def test_loading_hands_its_objects_to_the_oldest_generation() -> None:
    """gc_paused() restores the collector as it was, and leaves nothing frozen: not even what a program froze."""
    with gc_paused():
        made = [[number] for number in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.get_count()[0] < len(made)  # the young generation does not hold them all for scanning
    sentinel: list[list[int]] = [[]]
    gc.freeze()
    try:
        with gc_paused():
            made = [[number] for number in range(1000)]
        assert not any(found is sentinel for found in gc.get_objects())  # still frozen: unseen by the collector
    finally:
        gc.unfreeze()
    assert any(found is sentinel for found in gc.get_objects())
