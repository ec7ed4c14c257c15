"""Comparisons: "JAK inhibitors vs biologics" is answered from each subject's own section, side by side.

A question that names two lexicon topics and a comparison cue ("vs", "difference", "compared") asks about
both; one section of one of them, or a section that merely names both, answers half of it.
"""

from __future__ import annotations

from dataclasses import replace

from .analysis import Analysis
from .matching import SECTION_PREFIX, Index, Scored
from .text import stem

Compared = tuple[tuple[str, Scored], tuple[str, Scored]]  # (subject, its own best section), first-named first
COMPARED_CANDIDATES = 24  # sections ranked when looking for each subject's own (the usual 8 may hold one side only)


class Comparisons:
    """Reads the lexicon's comparison cues against one index."""

    def __init__(self, index: Index, cues: frozenset[str]) -> None:
        self.index = index
        self._cues = frozenset(stem(cue) for cue in cues)

    def sections(self, analysis: Analysis) -> Compared | None:
        """Each compared subject with its best section of its own (first-named first), or None when the
        question compares nothing, or the two have no separate sections."""
        if self._cues.isdisjoint(analysis.all_terms):
            return None
        named = self.index.topics_named(analysis.all_terms)
        if len(named) != 2:
            return None
        first, second = sorted(named, key=lambda topic: self._first_mention(topic, analysis.all_terms))
        own_first = self._own_best(analysis, first, second)
        own_second = self._own_best(analysis, second, first)
        if own_first is None or own_second is None:
            return None
        return (first, own_first), (second, own_second)

    def _own_best(self, analysis: Analysis, topic: str, other: str) -> Scored | None:
        """The best section whose own words name `topic` and not `other` (a summary names both), ranked for
        the question without the other subject's words: "JAK inhibitors vs Humira" asks each side its own."""
        others = self._cue_terms(other)
        one_side = replace(
            analysis,
            terms=tuple(term for term in analysis.terms if term not in others),
            all_terms=tuple(term for term in analysis.all_terms if term not in others),
        )
        for scored in self.index.rank(one_side, limit=COMPARED_CANDIDATES):
            about = self.index.topics_in(scored.key)
            if scored.key.startswith(SECTION_PREFIX) and topic in about and other not in about:
                return scored
        return None

    def _cue_terms(self, topic: str) -> set[str]:
        return {term for name, cues in self.index.topics if name == topic for cue in cues for term in cue}

    def _first_mention(self, topic: str, terms: tuple[str, ...]) -> int:
        cue_terms = self._cue_terms(topic)
        return min((at for at, term in enumerate(terms) if term in cue_terms), default=len(terms))
