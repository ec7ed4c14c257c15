"""Follow-ups: how a question leans on the conversation so far, and what a turn leaves for the next one.

The context is small and bounded (a topic, a section, a few words of the last question), so a
conversation costs the same memory after a hundred thousand turns as after one.
"""

from __future__ import annotations

from .analysis import Analysis
from .matching import SECTION_PREFIX, Index, Scored
from .model import Context, Intent
from .text import QUESTION_WORDS, phrase_at

MAX_ASPECT_TERMS = 4  # words of the last question that "what about X?" may borrow
MAX_OWN_TERMS = 3  # a "what about X?" with more words of its own than this is a question of its own
LEAN_MARGIN = 0.15  # "it" means the last subject only when that subject answers clearly better than the own words
OWN_SURE = 0.9  # a question whose own words score this well is a new question, whatever cue it has
SWAP_MARGIN = 0.2  # "what about X?" is the last question asked of X unless X's own words answer clearly better


class FollowUps:
    """Reads the lexicon's topics and follow-up cues against one index."""

    def __init__(
        self,
        index: Index,
        cues: frozenset[str],
        pronouns: frozenset[str] = frozenset(),
        swap_cues: frozenset[str] = frozenset(),
    ) -> None:
        self.index = index
        self._cues = cues
        self._pronouns = pronouns
        self._swap_cues = swap_cues
        self._cue_terms = frozenset(term for _, topic_cues in index.topics for cue in topic_cues for term in cue)

    def topic_of(self, analysis: Analysis) -> str | None:
        """The lexicon topic a question names, if any (the first listed wins)."""
        named = self.index.topics_named(analysis.all_terms)
        return named[0] if named else None

    def has_cue(self, analysis: Analysis) -> bool:
        """Whether the question leans on an earlier one ("it", "they", "what about…")."""
        return _says_any(analysis, self._cues)

    def _opens_with_swap(self, analysis: Analysis) -> bool:
        """Whether a swap cue opens the question, after nothing but stop words, and what follows it asks
        nothing of its own ("and RA?", "so what about lupus?"). "gout and tiredness" joins two words of the
        question's own; "and what's the conclusion?" is a new question."""
        words = analysis.normalised.split()
        stopwords = self.index.analyzer.stop_surface
        position, cued = 0, False
        while position < len(words):
            taken = phrase_at(words, position, self._swap_cues)
            if taken:  # the longest cue here ("and what about"), then perhaps another
                position, cued = position + taken, True
            elif cued or words[position] not in stopwords:
                break
            else:
                position += 1
        return cued and QUESTION_WORDS.isdisjoint(words[position:])

    def resolve(
        self, text: str, analysis: Analysis, context: Context, ranked: list[Scored], threshold: float
    ) -> tuple[Analysis, str | None]:
        """The question to answer, and the topic it leaned on (None when it stands on its own).

        A question that names no topic leans on the last one. One whose own words already answer it
        ("what about copper tape?"), or that names something only out-of-scope intents know ("what about
        exercise?"), stands on its own. "What about X?" after a question about Y borrows Y's aspect.
        """
        if not context.topic or self.index.out_of_scope_terms.intersection(analysis.terms):
            return analysis, None
        has_cue = self.has_cue(analysis)
        topic = self.topic_of(analysis)
        if topic is None:
            specific = [t for t in analysis.terms if t not in self.index.generic and t in self.index.vocabulary]
            if analysis.unknown and not has_cue:
                return analysis, None
            own_answer = _best_section(ranked)
            leaning_text = f"{text} {context.topic}"
            # "is fibro autoimmune then?": one word, but one that answers surely, and nothing points back
            stands_alone = (
                len(specific) == 1 and own_answer >= OWN_SURE and self._pronouns.isdisjoint(analysis.normalised.split())
            )
            if not stands_alone and (
                len(specific) <= 1 or (has_cue and len(specific) <= 2 and own_answer < threshold)
            ):
                return self.index.analyse(leaning_text), context.topic
            # "can a blood test show fibro?" then "what about lupus or RA?": the last question asked again, of
            # lupus or RA (the longer reading scores lower, so it needs only to come near the own words' score)
            if len(specific) <= MAX_OWN_TERMS and context.aspect and self._opens_with_swap(analysis):
                swapped = self.index.analyse(f"{' '.join(context.aspect)} {leaning_text}")
                if _best_section(self.index.rank(swapped)) >= own_answer - SWAP_MARGIN:
                    return swapped, context.topic
            # "what has it been used for so far?": "it" points back at the last subject, unless the
            # question's own words answer it about as well as that subject does
            if len(specific) <= MAX_OWN_TERMS and not self._pronouns.isdisjoint(analysis.normalised.split()):
                leaning = self.index.analyse(leaning_text)
                if _best_section(self.index.rank(leaning)) > own_answer + LEAN_MARGIN:
                    return leaning, context.topic
            return analysis, None
        if topic != context.topic and has_cue and context.aspect:
            own = [t for t in analysis.terms if t not in self.index.generic]
            if len(own) <= MAX_OWN_TERMS:
                return self.index.analyse(f"{' '.join(context.aspect)} {text}"), None
        return analysis, None

    def next_context(
        self, context: Context, analysis: Analysis, answered: str | None, intent: Intent | None
    ) -> Context:
        """What this turn leaves for the next: kept as it was unless the turn answered from a section."""
        if answered is None:
            return Context(context.topic, context.section, context.aspect, context.turns + 1)
        topic = (
            self.topic_of(analysis)
            or (intent.topic if intent is not None else None)
            or self.index.sections[answered][1].title  # a section with no named topic is its own topic
        )
        aspect = tuple(t for t in analysis.terms if t not in self._cue_terms)[:MAX_ASPECT_TERMS]
        return Context(topic, answered, aspect, context.turns + 1)


def _says_any(analysis: Analysis, cues: frozenset[str]) -> bool:
    padded = f" {analysis.normalised} "
    return any(f" {cue} " in padded for cue in cues)


def _best_section(ranked: list[Scored]) -> float:
    return max((s.score for s in ranked if s.key.startswith(SECTION_PREFIX)), default=0.0)
