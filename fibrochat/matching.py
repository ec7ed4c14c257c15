"""The index built once at load, and `rank(question)`: scored candidates for the engine to choose from.

Questions and knowledge pass through the same analysis (analysis.py). Each candidate is scored two
ways and the better one counts:

* against the curated example questions of every intent (IDF-weighted word overlap, blended with a
  rapidfuzz string similarity), credited to the intent's primary cited section;
* against each section's own words (its heading path and passages), as a recall of the question's words.

All of it is prepared in the constructor; a question costs a few dictionary look-ups per word.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process

from .analysis import Analysis, Analyzer
from .model import Document, Intent, Lexicon, Section
from .text import StemCache, normalise, stem

T = TypeVar("T")

# Targets are keyed "section:<document id>#<anchor>" or "intent:<id>".
SECTION_PREFIX = "section:"
INTENT_PREFIX = "intent:"

_EXAMPLE_FUZZ_SHARE = 0.25  # how much the rapidfuzz string similarity counts beside word overlap
_SECTION_SCALE = 0.8  # section words are a weaker signal than curated example questions
_VAGUE_WEIGHT = math.log(1 + 2)  # the weight of a word found in half the sections
_SECTION_EVIDENCE = 2.0  # matched word weight a section needs for full credit
_FUZZ_CANDIDATES = 12  # examples re-scored with rapidfuzz per question
_EXAMPLE_CANDIDATES = 200  # examples scored per question, at most about this many, however large the knowledge
_SECTION_CANDIDATES = 200  # sections scored per question, likewise
_SMALLTALK_MAX_WORDS = 6  # longer messages are questions, not greetings
_LIST_NUMBER = re.compile(r"^\d+[.)]\s+")  # "4. " before a heading: its place in a list
_SMALLTALK_RATIO_FLOOR = 70  # whole-text similarity below this says nothing
_PHRASING_SHARE_INVERSE = 4  # a phrasing-only word weighs like a word found in a quarter of the sections
_ENTITY_MISS_FACTOR = 0.6  # a candidate that lacks the subject the question names (e.g. "LDN") is scaled by this
_EXPANSION_SHARE = 0.5  # a brand's added class words restate the brand, so they count half
_FULL_UNKNOWN_WORDS = 2  # unknown words beyond these count _EXTRA_UNKNOWN_SHARE of their weight
_EXTRA_UNKNOWN_SHARE = 0.35
_LONG_QUESTION_TERMS = 6  # from this many content words on, a question is a story around a question
_WALKED_POSTINGS = 64  # posting lists up to this long are intersected as they are; longer ones as sets


@dataclass(frozen=True, slots=True)
class Scored:
    """A target with its score and how it was reached."""

    key: str
    score: float
    via: str


class Index:
    """Everything a question is scored against, prepared once."""

    def __init__(self, documents: Sequence[Document], intents: Sequence[Intent], lexicon: Lexicon) -> None:
        self.documents = tuple(documents)
        self.intents = {intent.id: intent for intent in intents}
        self.sections: dict[str, tuple[Document, Section]] = {}
        for document in documents:
            for section in document.sections:
                if section.passages:
                    self.sections[section_key(document, section)] = (document, section)
        self.analyzer = Analyzer(lexicon)
        known_words: set[str] = set()
        self.generic = frozenset(stem(w) for phrase in lexicon.generic for w in phrase.split())

        # Each section's terms, only while loading (a tuple takes a sixth of a set's memory): questions are
        # scored through the posting lists built from them below.
        section_bags: dict[str, tuple[str, ...]] = {}
        heading_bags: dict[str, tuple[str, ...]] = {}
        stems = StemCache()
        headings: dict[str, frozenset[str] | None] = {}
        path_terms, terms_of = self.analyzer.path_terms, self.analyzer.terms_of
        for key, (_, section) in self.sections.items():
            heading_terms = path_terms(tuple(map(_unnumbered, section.path)), stems, headings)
            # one analysis for the whole section: its passages never share a phrase across their border
            body_terms = terms_of("\n".join([p.text for p in section.passages]), stems)
            heading_bags[key] = tuple(heading_terms)
            body_terms |= heading_terms
            section_bags[key] = tuple(body_terms)
        known_words.update(stems)  # every word of every section went through `stems`
        del headings

        intent_bags: dict[str, set[str]] = defaultdict(set)
        raw_examples: list[tuple[Intent, str, frozenset[str]]] = []
        out_of_scope_words: set[str] = set()
        for intent in intents:
            vocabulary = out_of_scope_words if intent.kind == "unanswerable" else known_words
            for question in intent.questions:
                question_words, terms = self.analyzer.example_terms(question, stems)
                vocabulary.update(question_words)
                if intent.kind != "safety":
                    raw_examples.append((intent, " ".join(terms), frozenset(terms)))
                    intent_bags[intent.id].update(terms)
        del stems
        self.analyzer.learn(known_words | out_of_scope_words, targets=known_words | self.analyzer.surface)

        # Rarity is judged on the knowledge itself: words that only curated questions use ("explain",
        # "mechanism") are phrasing, not subject, and get a middling weight instead of a rare word's.
        by_size = sorted(section_bags, key=lambda k: len(section_bags[k]))  # see the example postings below
        self._section_postings = _postings(by_size, section_bags.__getitem__)
        total = max(len(section_bags), 1)
        self.weights = {term: math.log(1 + total / len(keys)) for term, keys in self._section_postings.items()}
        # Words only out-of-scope examples use name what the knowledge does not cover: they weigh as much
        # as a word nobody has seen, so they pull a question away from the sections. Smalltalk words
        # ("hi", "thanks", "question") are phrasing: weighed like a rare word, a greeting outweighed the
        # question after it.
        self._unknown_weight = max(self.weights.values(), default=1.0) + 1.0
        phrasing_weight = math.log(1 + _PHRASING_SHARE_INVERSE)
        for intent in intents:
            for term in intent_bags.get(intent.id, ()):
                if intent.kind in ("faq", "smalltalk"):
                    self.weights.setdefault(term, phrasing_weight)
        for intent_words in intent_bags.values():
            for term in intent_words:
                self.weights.setdefault(term, self._unknown_weight)
        self.topics = tuple(
            (name, tuple(frozenset(self.analyzer.analyse(cue, correct=False, expand=False).terms) for cue in cues))
            for name, cues in lexicon.topics
        )
        cues_by_term: dict[str, list[tuple[int, frozenset[str]]]] = defaultdict(list)
        for number, (_, cues) in enumerate(self.topics):
            for cue in cues:
                if cue:  # looked up under one of its words: a cue is named only when all of them are there
                    cues_by_term[min(cue)].append((number, cue))
        self._cues_by_term = {term: tuple(found) for term, found in cues_by_term.items()}
        # What each candidate is about: a section's own words plus those of the intents that credit it.
        shared_sets: dict[frozenset[str], frozenset[str]] = {}  # many candidates name the same topics: one set each
        self._candidate_topics: dict[str, frozenset[str]] = {}  # only those that name a topic
        self._section_topics: dict[str, frozenset[str]] = {}  # the same from a section's own words alone
        cue_words = frozenset(word for _, cues in self.topics for cue in cues for word in cue)
        credited = _credited_words(intents, intent_bags) if cue_words else {}
        for key in {*section_bags, *credited} if cue_words else ():
            # which topics a candidate names depends only on its words that some cue uses
            own = cue_words.intersection(section_bags.get(key, ()))
            named = frozenset(self.topics_named(own.union(credited.get(key, ()))))
            if named:
                self._candidate_topics[key] = shared_sets.setdefault(named, named)
            in_text = frozenset(self.topics_named(own)) if own else frozenset()
            if in_text:
                self._section_topics[key] = shared_sets.setdefault(in_text, in_text)
        answerable_words = set(self._section_postings)  # every section's terms
        for intent in intents:
            if intent.kind == "faq":
                answerable_words |= intent_bags.get(intent.id, set())

        def only_in(kind: str) -> frozenset[str]:
            """Terms only intents of this kind use: no section or FAQ question has them."""
            used = (term for intent in intents if intent.kind == kind for term in intent_bags.get(intent.id, ()))
            return frozenset(used) - answerable_words

        self.out_of_scope_terms = only_in("unanswerable")
        self.smalltalk_terms = only_in("smalltalk")

        # Examples as columns (one tuple per field) rather than an object each: a third of the memory. How a
        # match through one is explained (`/why`) is written when it is credited, for the dozen rescored.
        self._example_intents = tuple(intent for intent, _, _ in raw_examples)
        self._example_texts = tuple(text for _, text, _ in raw_examples)
        self._example_terms = tuple(tuple(terms) for _, _, terms in raw_examples)  # in the sets' order
        self._example_weights = [sum(map(self.weight, terms)) for _, _, terms in raw_examples]
        targets = {intent.id: _target(intent) for intent in intents}  # the key an example credits
        self._example_targets = tuple(targets[intent.id] for intent in self._example_intents)
        # Posting lists run from the shortest item to the longest: when a shortlist must be cut, the items
        # that a question's words make up most of come first.
        example_order = sorted(range(len(raw_examples)), key=self._example_weights.__getitem__)
        self._example_postings = _postings(example_order, self._example_terms.__getitem__)
        self._example_members = _members(self._example_postings)
        self._section_members = _members(self._section_postings)
        self._heading_members = _members(_postings(heading_bags, heading_bags.__getitem__))
        # Smalltalk is often made only of stop words ("who are you"): match it on the whole text too.
        smalltalk = [(intent, text) for intent in intents if intent.kind == "smalltalk" for text in intent.questions]
        self._smalltalk_intents = tuple(intent for intent, _ in smalltalk)
        self.smalltalk_keys = frozenset(_target(intent) for intent in intents if intent.kind == "smalltalk")
        spell_out = self.analyzer.spell_out
        self._smalltalk = {f"{position}": spell_out(normalise(q)) for position, (_, q) in enumerate(smalltalk)}
        openers: dict[str, dict[str, int]] = defaultdict(dict)  # first word → smalltalk examples beginning with it
        for position, text in enumerate(self._smalltalk.values()):
            if text:
                openers[text.split(" ", 1)[0]].setdefault(text, position)
        self._openers = {  # the longest first
            word: tuple(sorted(texts.items(), key=lambda item: len(item[0]), reverse=True))
            for word, texts in openers.items()
        }
        self.vocabulary = frozenset(self.weights)

    def weight(self, term: str) -> float:
        return self.weights.get(term, self._unknown_weight)

    def analyse(self, question: str) -> Analysis:
        return self.analyzer.analyse(question)

    def rank(self, analysis: Analysis, *, limit: int = 8) -> list[Scored]:
        """Targets scored for this question, best first."""
        best: dict[str, tuple[float, str]] = {}  # target → (score, how it was reached)
        if len(analysis.normalised.split()) <= _SMALLTALK_MAX_WORDS and self._smalltalk:
            found = process.extractOne(analysis.normalised, self._smalltalk, scorer=fuzz.ratio, processor=None)
            if found is not None:
                intent = self._smalltalk_intents[int(found[2])]
                score = max(0.0, (found[1] - _SMALLTALK_RATIO_FLOOR) / (100 - _SMALLTALK_RATIO_FLOOR))
                best[_target(intent)] = (score, f"{INTENT_PREFIX}{intent.id}: {found[0]}")
            opened = self._opener(analysis.normalised)
            if opened is not None and all(t in self.smalltalk_terms or t not in self.weights for t in analysis.terms):
                # "how are you today": a greeting, then only words the knowledge does not know
                intent = self._smalltalk_intents[opened[1]]
                best[_target(intent)] = (1.0, f"{INTENT_PREFIX}{intent.id}: {opened[0]}")
        if analysis.terms:
            weights = self.question_weights(analysis)
            self._score_examples(analysis, weights, best)
            self._score_sections(weights, best)
            named = frozenset(self.topics_named(analysis.all_terms))
            if named:
                for key, (score, via) in best.items():
                    if not named & self._candidate_topics.get(key, frozenset()):
                        best[key] = (score * _ENTITY_MISS_FACTOR, via)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:limit]
        return [Scored(key, score, via) for key, (score, via) in ranked]

    def _score_examples(
        self, analysis: Analysis, weights: dict[str, float], best: dict[str, tuple[float, str]]
    ) -> None:
        """Word overlap with the shortlisted examples, then rapidfuzz on the best few; each credits its target."""
        total = sum(weights.values())
        long_question = len(weights) >= _LONG_QUESTION_TERMS
        candidates = _shortlist(self._example_postings, weights, _EXAMPLE_CANDIDATES)
        overlap = dict.fromkeys(candidates, 0.0)
        for term, weight in weights.items():  # set intersections in C, then one addition per shared word
            for position in candidates.intersection(self._example_members.get(term, ())):
                overlap[position] += weight
        if long_question:
            score_of = self._example_score
            token_scores = {p: score_of(shared, total, p, weights) for p, shared in overlap.items()}
        else:  # the usual case: Dice overlap
            example_weight = self._example_weights
            token_scores = {p: 2 * shared / (total + example_weight[p]) for p, shared in overlap.items()}
        content = analysis.content
        for position in sorted(token_scores, key=token_scores.__getitem__, reverse=True)[:_FUZZ_CANDIDATES]:
            text = self._example_texts[position]
            similarity = fuzz.token_sort_ratio(content, text) / 100
            score = (1 - _EXAMPLE_FUZZ_SHARE) * token_scores[position] + _EXAMPLE_FUZZ_SHARE * similarity
            target = self._example_targets[position]
            if target not in best or score > best[target][0]:
                best[target] = (score, f"{INTENT_PREFIX}{self._example_intents[position].id}: {text}")

    def _score_sections(self, weights: dict[str, float], best: dict[str, tuple[float, str]]) -> None:
        """Recall of the question's words in each shortlisted section's own words (headings count a little more)."""
        total = sum(weights.values())
        candidates = _shortlist(self._section_postings, weights, _SECTION_CANDIDATES)
        shared = dict.fromkeys(candidates, 0.0)
        in_heading = dict.fromkeys(candidates, 0.0)
        for term, weight in weights.items():  # set intersections in C, then one addition per shared word
            for key in candidates.intersection(self._section_members.get(term, ())):
                shared[key] += weight
            for key in candidates.intersection(self._heading_members.get(term, ())):
                in_heading[key] += weight
        for key, matched in shared.items():
            heading_share = in_heading[key] / total
            evidence = min(1.0, matched / _SECTION_EVIDENCE)  # one common word is not enough to quote a section
            score = _SECTION_SCALE * (matched / total) * (0.8 + 0.2 * heading_share) * evidence
            if key not in best or score > best[key][0]:
                best[key] = (score, "section words")

    def too_vague(self, analysis: Analysis) -> bool:
        """One word that more than half the sections share ("fibro", "treatment") cannot pick a section."""
        return (
            len(analysis.terms) == 1
            and not analysis.unknown
            and self.weights.get(analysis.terms[0], self._unknown_weight) < _VAGUE_WEIGHT
        )

    def after_smalltalk(self, normalised: str) -> str | None:
        """What follows the greetings or thanks a message opens with ("hi, is fibro autoimmune?"), if anything."""
        rest = None
        while (opened := self._opener(rest or normalised)) is not None:  # "hello hi there, ...": all of them
            rest = (rest or normalised)[len(opened[0]) + 1 :]
        return rest

    def opening_smalltalk(self, normalised: str) -> Intent | None:
        """The smalltalk intent of the greeting or thanks a message opens with (and goes on after), if any."""
        opened = self._opener(normalised)
        return None if opened is None else self._smalltalk_intents[opened[1]]

    def _opener(self, normalised: str) -> tuple[str, int] | None:
        """The longest smalltalk example the message begins with and goes on after, and its position."""
        for text, position in self._openers.get(normalised.split(" ", 1)[0], ()):
            if normalised.startswith(text + " "):
                return text, position
        return None

    def topics_in(self, key: str) -> frozenset[str]:
        """The lexicon topics a section's own words (heading and passages) name; none for an intent."""
        return self._section_topics.get(key, frozenset())

    def topics_named(self, terms: Iterable[str]) -> list[str]:
        """The lexicon topics these terms name (a topic is named when all words of one of its cues occur)."""
        present = set(terms)
        numbers = {number for term in present for number, cue in self._cues_by_term.get(term, ()) if cue <= present}
        return [self.topics[number][0] for number in sorted(numbers)]

    def question_weights(self, analysis: Analysis) -> dict[str, float]:
        """Each content term's weight in this question.

        Brand expansions count half (they restate a word already there); beyond the first two, unknown
        words count less, so a long story around a real question is not drowned by its unknown words.
        """
        weights: dict[str, float] = {}
        unknown_seen = 0
        for term in analysis.terms:
            w = self.weight(term)
            if term in analysis.added:
                w *= _EXPANSION_SHARE
            if term not in self.weights:
                unknown_seen += 1
                if unknown_seen > _FULL_UNKNOWN_WORDS:
                    w *= _EXTRA_UNKNOWN_SHARE
            weights[term] = w
        return weights

    def _example_score(self, shared: float, total: float, position: int, weights: dict[str, float]) -> float:
        """Word-overlap score of a question against one example question (0..1).

        The Dice overlap suits short questions. A long message mostly tells a story, so there it may
        instead score by how fully it covers the example, tempered by how much of it the example explains.
        """
        weight = self._example_weights[position]
        dice = 2 * shared / (total + weight)
        if len(weights) < _LONG_QUESTION_TERMS or not weight:
            return dice
        covered = sum(self.weight(t) for t in self._example_terms[position] if t in weights) / weight
        return max(dice, math.sqrt(covered * shared / total))


def _shortlist(postings: Mapping[str, Sequence[T]], weights: Mapping[str, float], cap: int) -> set[T]:
    """Items that share the question's rarer words: rarest word lists first, until about `cap` items.

    Common words ("fibromyalgia", "help") would bring in most of the knowledge; they still count in
    the score of every item found, but they do not make the list. This keeps a question's cost
    bounded however large the knowledge grows.
    """
    found: set[T] = set()
    for term in sorted(weights, key=lambda t: len(postings.get(t, ()))):
        items = postings.get(term, ())
        if not items:
            continue
        if found and len(found) + len(items) > cap:
            break
        found.update(items[:cap])
    return found


def _postings(items: Iterable[T], terms_of: Callable[[T], Iterable[str]]) -> dict[str, list[T]]:
    """term → the items whose terms include it, in the order of `items`. Lists as they were built, never changed
    after: copying 1.6 million entries into tuples would add 50 ms to a load of 100,000 passages."""
    found: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for term in terms_of(item):
            found[term].append(item)
    return dict(found)


def _members(postings: dict[str, list[T]]) -> dict[str, list[T] | frozenset[T]]:
    """Each term's items, to intersect with a shortlist: `set.intersection` walks a list it is given, but
    only the smaller side of two sets, so long lists become sets (the short ones are shared, not copied)."""
    return {term: items if len(items) <= _WALKED_POSTINGS else frozenset(items) for term, items in postings.items()}


def _credited_words(intents: Iterable[Intent], intent_bags: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Target key → the words of the example questions that credit it."""
    credited: dict[str, set[str]] = defaultdict(set)
    for intent in intents:
        if intent.kind != "safety":
            credited[_target(intent)].update(intent_bags[intent.id])
    return credited


def section_key(document: Document, section: Section) -> str:
    return f"{SECTION_PREFIX}{document.id}#{section.anchor}"


def _unnumbered(heading: str) -> str:
    """A heading without its list number: "4. Stem Cell Therapy" is the fourth; it is not about "4"."""
    return _LIST_NUMBER.sub("", heading) if heading[:1].isdigit() else heading


def _target(intent: Intent) -> str:
    """What a match on one of the intent's examples credits."""
    return SECTION_PREFIX + intent.cites[0] if intent.kind == "faq" and intent.cites else INTENT_PREFIX + intent.id
