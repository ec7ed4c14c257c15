"""Chatbot: loads the knowledge once, then answers questions as a pure function of (question, context).

The order on every turn is fixed: clean the input, safety first, then a greeting set aside ("hi! is …"),
follow-up resolution, retrieval and the decision between answer, clarify, smalltalk and fallback; a long
message that finds nothing as a whole gets a second look at its question sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from . import snapshot
from .analysis import Analysis
from .comparisons import Compared
from .knowledge import Knowledge, PathLike, load_knowledge
from .matching import INTENT_PREFIX, SECTION_PREFIX, Scored
from .messages import Messages
from .model import Candidate, Citation, Context, Document, Intent, Passage, Reply, Section
from .prepared import EXTRA_KEYS, MAX_SUGGESTIONS, Prepared, prepare
from .safety import SafetyHit
from .text import QUESTION_WORDS, REQUEST_WORDS, normalise

if TYPE_CHECKING:
    from .conversation import Conversation

MAX_QUESTION_CHARS = 1000
"""Longer input is cut to this many characters (with a note): no real question is longer."""

ANSWER_THRESHOLD = 0.40
SMALLTALK_THRESHOLD = 0.6
SURE_AFTER_GREETING = 0.9  # what follows a greeting without a question mark is answered only this surely
EXACT_SCORE = 0.99  # a message that is one of the curated examples, word for word
CLARIFY_MARGIN = 0.005  # closer than this, two sections under different headings: ask which was meant
FOLLOWUP_SAME_SECTION_SCORE = 0.7  # "why?" leans wholly on the last answer: sure of the section, not of the need
MAX_PASSAGES = 3
COMPARED_PASSAGES = 1  # from each side of a comparison: two short quotes read better than six
FURTHER_READING_THRESHOLD = 0.5  # a safety reply names a general section only when it is clearly on topic
MAX_FURTHER_READING = 2
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[.!?,;:])\s+|\s+[-\u2013\u2014]+\s+")  # after a comma, or a dash between spaces
_CALIBRATION = (-2.0, 4.9, 4.6)  # intercept, score, margin (see _confidence)


class Chatbot:
    """A loaded knowledge base that answers questions. Immutable after construction: share it freely."""

    def __init__(self, knowledge: Knowledge | None = None, *, region: str | None = None) -> None:
        """`knowledge` None means the packaged knowledge: restored from its snapshot when that is current."""
        prepared = snapshot.restore() if knowledge is None else None
        if prepared is None:
            prepared = prepare(knowledge if knowledge is not None else load_knowledge(extra_keys=EXTRA_KEYS))
        self._adopt(prepared, region)

    def _adopt(self, prepared: Prepared, region: str | None) -> None:
        self.knowledge = prepared.knowledge
        self.messages: Messages = prepared.messages
        self.index = prepared.index
        self.followups = prepared.followups
        self.comparisons = prepared.comparisons
        self.safety = prepared.safety.for_region(region)
        self._primary_intents = prepared.primary_intents
        self._starting_points = prepared.starting_points
        self._siblings = prepared.siblings
        self._labels = prepared.labels

    @classmethod
    def from_paths(
        cls,
        documents: Sequence[PathLike] | None = None,
        intents: Sequence[PathLike] | None = None,
        *,
        region: str | None = None,
        cache: PathLike | None = None,
    ) -> Chatbot:
        """Load Markdown files/folders and YAML files/folders; None = the packaged ones, [] = none.

        `cache`: a folder where the prepared knowledge is kept, so that later starts restore it instead of
        building it (see cache.py). Only when given: by default nothing is written anywhere.
        """
        if documents is None and intents is None:
            return cls(region=region)
        if cache is None:
            return cls(load_knowledge(documents, intents, extra_keys=EXTRA_KEYS), region=region)
        from .cache import prepared_with_cache

        bot = cls.__new__(cls)
        bot._adopt(prepared_with_cache(documents, intents, cache), region)
        return bot

    def ask(self, question: str) -> Reply:
        """Answer one question with no conversation context. Safe to call from many threads."""
        return self.answer(question, Context())[0]

    def conversation(self) -> Conversation:
        """A new conversation (one per user) that remembers context for follow-ups."""
        from .conversation import Conversation

        return Conversation(self)

    # -- the pipeline ---------------------------------------------------------------------------------

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        """Answer `question` in `context`; return the reply and the context for the next turn."""
        if not isinstance(question, str):
            raise TypeError(f"question must be a str, not {type(question).__name__}")
        cleaned, note = self._clean(question)
        if not normalise(cleaned):
            # only symbols/blank: ask for a question; words in a script we cannot read: say we have no source
            has_words = any(ch.isalnum() for ch in cleaned)
            return (self._fallback([], ()) if has_words else self._empty_reply()), context
        hit = self.safety.check(cleaned, context.topic, context.safety)
        if hit is not None:  # safety first: before any retrieval; the context only notes the category
            return self._safety_reply(hit, cleaned), replace(context, safety=hit.category.id)

        spelled = self.index.analyzer.spell_out(normalise(cleaned))  # "thx" read as "thanks": smalltalk, below
        after_greeting = self._after_greeting(cleaned, spelled, context)
        if after_greeting is not None:
            return after_greeting
        analysis = self.index.analyse(cleaned)
        ranked = self.index.rank(analysis)
        resolved, followup_topic = analysis, None
        smalltalk_first = self._is_smalltalk(ranked) and (
            not context.topic
            or bool(self.index.smalltalk_terms.intersection(analysis.terms))  # "thanks", "bye"
            or (not self.followups.has_cue(analysis) and (not analysis.terms or ranked[0].score >= EXACT_SCORE))
        )
        if not smalltalk_first:  # "thanks" after an answer is thanks; "how does it work?" is a follow-up
            if context.topic:  # and "all of them?" is not "that's all": smalltalk was ruled out just above
                ranked = self._without_smalltalk(ranked)
            resolved, followup_topic = self.followups.resolve(cleaned, analysis, context, ranked, ANSWER_THRESHOLD)
        leans_wholly = bool(followup_topic) and context.section in self.index.sections and not analysis.terms
        if leans_wholly and context.section is not None:
            # "why?", "why not?": nothing but the lean on the last turn, so stay with the last section
            ranked = [Scored(context.section, FOLLOWUP_SAME_SECTION_SCORE, "follow-up on the last answer")]
        elif resolved is not analysis:
            leaning = self._without_smalltalk(self.index.rank(resolved))
            # "what about X?" may borrow the last question's aspect; finding only the last answer again means no
            if followup_topic is not None or not leaning or leaning[0].key != context.section:
                ranked = leaning
            else:
                resolved = analysis
        # a topic borrowed whole may be one common word ("autoimmune"); it was clear enough to answer last turn
        reply, chosen = self._decide(resolved, ranked, judge_vagueness=not leans_wholly)
        if reply.kind == "fallback" and not leans_wholly:
            # a story that found nothing, or only a decline its question sentence outscores with an answer
            # (a Facebook group in the story is not what "how is fibromyalgia classified?" asks about)
            found = self._from_question_sentence(cleaned, analysis)
            if found is not None and (reply.intent is None or _outscores(found, chosen)):
                reply, chosen, resolved = found
        if reply.kind == "fallback" and reply.intent is None:
            opening = self._smalltalk_before_remark(cleaned, spelled)
            if opening is not None:  # "thanks, you explained it better than my doctor": thanks, not "no source"
                reply, chosen = opening, None
        if note:
            reply = _with_note(reply, note)
        if followup_topic and reply.kind == "answer":
            # a section title may be the topic: "… about Is Fibromyalgia an Autoimmune Condition.", not "Condition?."
            topic_named = followup_topic.rstrip("?!.")
            reply = _with_note(reply, self.messages.followup_note.format(topic=topic_named))
        answered = chosen.key if reply.kind == "answer" and chosen is not None else None
        intent = self._intent_of(chosen) if answered is not None and chosen is not None else None
        return reply, self.followups.next_context(context, resolved, answered, intent)

    def _after_greeting(self, cleaned: str, spelled: str, context: Context) -> tuple[Reply, Context] | None:
        """The answer to what follows a greeting or thanks ("hi! is fibro autoimmune?"), if it has one.

        "ta, that's useful" is thanks through and through, not a follow-up on "that"; "thanks! and how does
        it work?" asks something."""
        rest = self.index.after_smalltalk(spelled)
        if rest is None or ("?" not in cleaned and self._is_smalltalk(self.index.rank(self.index.analyse(rest)))):
            return None
        reply, after = self.answer(rest, context)
        if reply.kind not in ("answer", "clarify") or ("?" not in cleaned and reply.confidence < SURE_AFTER_GREETING):
            return None  # "good morning, I hope you are keeping well" is a greeting, not a question about hope
        return reply, after

    def _smalltalk_before_remark(self, cleaned: str, spelled: str) -> Reply | None:
        """The reply to the greeting or thanks a message opens with, when what follows asks nothing."""
        rest = self.index.after_smalltalk(spelled)
        intent = self.index.opening_smalltalk(spelled)
        if rest is None or intent is None or "?" in cleaned or rest.split(" ", 1)[0] in REQUEST_WORDS:
            return None
        return self._smalltalk(intent, Scored(f"{INTENT_PREFIX}{intent.id}", 1.0, "opens the message"), ())

    def _from_question_sentence(self, text: str, analysis: Analysis) -> tuple[Reply, Scored | None, Analysis] | None:
        """For a story that found no source as a whole: its question sentence's answer, smalltalk ("Are you an
        AI? I'd rather know first.") or out-of-scope decline, with what was chosen and the analysis it came
        from; None when that finds nothing either."""
        focused = self._question_sentence(text, analysis)
        if focused is None:
            return None
        reply, chosen = self._decide(focused, self.index.rank(focused))
        if reply.kind in ("answer", "smalltalk") or (reply.kind == "fallback" and reply.intent is not None):
            return reply, chosen, focused
        return None

    def _question_sentence(self, text: str, analysis: Analysis) -> Analysis | None:
        """A message that tells a story around its question: the question sentence alone, with the subject
        the story named ("my group swears by LDN. Is there any evidence behind it?"). A story told in one
        sentence that names a subject gives its last clause that opens like a question ("my sister wants stem
        cell injections abroad, is there any evidence it works"). None when neither is there, or when the
        question has no words of its own ("what now?"), where the subject alone would choose the answer."""
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
        asked = [s for s in sentences if s.rstrip().endswith("?")]
        topic = self.followups.topic_of(analysis)
        if len(sentences) >= 2 and asked:
            question = asked[-1]
        else:
            clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
            opened = [c for c in clauses if c.split(None, 1)[0].lower() in QUESTION_WORDS]
            if topic is None or len(clauses) < 2 or not opened:
                return None
            question = opened[-1]
        own = self.index.analyse(question)
        if all(term in self.index.generic for term in own.terms):  # "what now?": the subject alone would answer
            return None
        if topic is not None and self.followups.topic_of(own) is None:
            return self.index.analyse(f"{question} {topic}")
        return own

    def _clean(self, question: str) -> tuple[str, str | None]:
        """Valid text (lone surrogates → '?'), no NULs, trimmed, and at most MAX_QUESTION_CHARS long."""
        text = question.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ").strip()
        if len(text) <= MAX_QUESTION_CHARS:
            return text, None
        cut = text[:MAX_QUESTION_CHARS]
        if not text[MAX_QUESTION_CHARS].isspace() and any(ch.isspace() for ch in cut):
            cut = cut.rsplit(None, 1)[0]  # do not read half a word (it would be "corrected" into another)
        return cut, self.messages.truncated.format(limit=MAX_QUESTION_CHARS)

    def _without_smalltalk(self, ranked: list[Scored]) -> list[Scored]:
        smalltalk = self.index.smalltalk_keys
        return [s for s in ranked if s.key not in smalltalk]

    def _is_smalltalk(self, ranked: list[Scored]) -> bool:
        if not ranked or not ranked[0].key.startswith(INTENT_PREFIX):
            return False
        intent = self.index.intents[ranked[0].key[len(INTENT_PREFIX) :]]
        return intent.kind == "smalltalk" and ranked[0].score >= SMALLTALK_THRESHOLD

    def _decide(
        self, analysis: Analysis, ranked: list[Scored], *, judge_vagueness: bool = True
    ) -> tuple[Reply, Scored | None]:
        candidates = tuple(Candidate(s.key, self._label(s.key), s.score, s.via) for s in ranked)
        if not ranked:
            return self._fallback(ranked, candidates), None
        top = ranked[0]
        if top.key.startswith(INTENT_PREFIX):
            intent = self.index.intents[top.key[len(INTENT_PREFIX) :]]
            if self._is_smalltalk(ranked):
                return self._smalltalk(intent, top, candidates), top
        # "fibro": a word most sections share; a curated question that comes down to it ("what is
        # fibromyalgia") is not vague, but the bare word still is
        word_for_word = top.score >= EXACT_SCORE and " " in analysis.normalised
        if judge_vagueness and not word_for_word and self.index.too_vague(analysis):
            return self._fallback(ranked, candidates, text=self.messages.vague), None
        if top.key.startswith(INTENT_PREFIX):
            intent = self.index.intents[top.key[len(INTENT_PREFIX) :]]
            if intent.kind == "unanswerable" and top.score >= ANSWER_THRESHOLD:
                return self._fallback(ranked, candidates, intent=intent, score=top.score), top
        compared = self.comparisons.sections(analysis)
        if compared is not None:  # "JAK inhibitors vs biologics": each one's own section, side by side
            return self._compare(analysis, compared, candidates), compared[0][1]
        sections = [s for s in ranked if s.key.startswith(SECTION_PREFIX)]
        if not sections or sections[0].score < ANSWER_THRESHOLD or top.key.startswith(INTENT_PREFIX):
            return self._fallback(ranked, candidates), None
        best = sections[0]
        runner = sections[1] if len(sections) > 1 else None
        if (
            runner is not None
            and runner.score >= ANSWER_THRESHOLD
            and best.score - runner.score < CLARIFY_MARGIN
            and self._section(best.key)[1].path[:-1] != self._section(runner.key)[1].path[:-1]
        ):
            return self._clarify(analysis, best, runner, candidates), best
        return self._answer(analysis, best, runner, candidates), best

    def _safety_reply(self, hit: SafetyHit, text: str) -> Reply:
        """The safety reply; a personal-medicine one may point to the general section, as reading only."""
        suggestions: tuple[str, ...] = ()
        topic = self.followups.topic_of(self.index.analyse(text)) if hit.category.further_reading else None
        if topic is not None:  # only when the message names a subject: its general sections, not the question's
            ranked = self.index.rank(self.index.analyse(topic))
            near = [s for s in ranked if s.key.startswith(SECTION_PREFIX) and s.score >= FURTHER_READING_THRESHOLD]
            suggestions = tuple(dict.fromkeys(self._question_for(s) for s in near[:MAX_FURTHER_READING]))
        return self.safety.reply(hit, disclaimer=self.messages.disclaimer, suggestions=suggestions)

    # -- replies ----------------------------------------------------------------------------------------

    def _intent_of(self, scored: Scored) -> Intent | None:
        if scored.via.startswith(INTENT_PREFIX):
            intent_id = scored.via[len(INTENT_PREFIX) :].split(":", 1)[0]
            return self.index.intents.get(intent_id)
        return None

    def _section(self, key: str) -> tuple[Document, Section]:
        return self.index.sections[key]

    def _label(self, key: str) -> str:
        return self._labels.get(key, key)

    def _quotes(self, analysis: Analysis, key: str, limit: int) -> list[Citation]:
        """The section's passages (the most relevant ones when there are many), in reading order."""
        document, section = self._section(key)
        passages: list[Passage] = list(section.passages)
        if len(passages) > limit:
            terms = set(analysis.terms)

            def relevance(passage: Passage) -> float:
                words = set(self.index.analyzer.analyse(passage.text, correct=False).terms)
                return sum(self.index.weight(t) for t in terms & words)

            keep = sorted(passages, key=relevance, reverse=True)[:limit]
            passages = [p for p in passages if p in keep]
        return [Citation(document.title, section.path, section.anchor, p.text) for p in passages]

    def _answer(
        self, analysis: Analysis, best: Scored, runner: Scored | None, candidates: tuple[Candidate, ...]
    ) -> Reply:
        intent = self._intent_of(best)
        citations = self._quotes(analysis, best.key, MAX_PASSAGES)
        if intent is not None:
            for cite in intent.cites[1:]:
                citations.extend(self._quotes(analysis, SECTION_PREFIX + cite, 1))
        margin = best.score - runner.score if runner is not None else best.score
        confidence = _confidence(best.score, margin)
        lead = intent.lead if intent is not None else None
        return Reply(
            kind="answer",
            text=_answer_text(lead, citations),
            citations=tuple(citations),
            disclaimer=self.messages.disclaimer,
            intent=intent.id if intent is not None else None,
            confidence=confidence,
            suggestions=self._suggestions_after(best.key, intent),
            lead=lead,
            candidates=candidates,
        )

    def _compare(self, analysis: Analysis, compared: Compared, candidates: tuple[Candidate, ...]) -> Reply:
        """Each subject's own quote, first-named first; the note says so (no lead: a lead restates one passage)."""
        (first, first_section), (second, second_section) = compared
        citations = self._quotes(analysis, first_section.key, COMPARED_PASSAGES)
        citations += self._quotes(analysis, second_section.key, COMPARED_PASSAGES)
        weaker = min(first_section.score, second_section.score)
        reply = Reply(
            kind="answer",
            text=_answer_text(None, citations),
            citations=tuple(citations),
            disclaimer=self.messages.disclaimer,
            intent=None,
            confidence=_confidence(weaker, weaker),
            suggestions=self._suggestions_after(first_section.key, None),
            candidates=candidates,
        )
        return _with_note(reply, self.messages.comparison.format(first=first, second=second))

    def _clarify(self, analysis: Analysis, best: Scored, runner: Scored, candidates: tuple[Candidate, ...]) -> Reply:
        options = [self._question_for(best), self._question_for(runner)]
        citations = self._quotes(analysis, best.key, 1) + self._quotes(analysis, runner.key, 1)
        text = "\n".join([self.messages.clarify, *(f"{n}. {option}" for n, option in enumerate(options, 1))])
        return Reply(
            kind="clarify",
            text=text,
            citations=tuple(citations),
            disclaimer=self.messages.disclaimer,
            intent=None,
            confidence=_confidence(best.score, 0.0),
            suggestions=tuple(options),
            candidates=candidates,
        )

    def _smalltalk(self, intent: Intent, top: Scored, candidates: tuple[Candidate, ...]) -> Reply:
        return Reply(
            kind="smalltalk",
            text=intent.response or "",
            disclaimer=self.messages.disclaimer,
            intent=intent.id,
            confidence=_confidence(top.score, top.score),
            suggestions=intent.suggestions,
            candidates=candidates,
        )

    def _fallback(
        self,
        ranked: list[Scored],
        candidates: tuple[Candidate, ...],
        *,
        intent: Intent | None = None,
        score: float = 0.0,
        text: str | None = None,
    ) -> Reply:
        suggestions = intent.suggestions if intent is not None and intent.suggestions else self._nearby(ranked)
        best_section = max((s.score for s in ranked if s.key.startswith(SECTION_PREFIX)), default=0.0)
        lines = [intent.response if intent is not None and intent.response else text or self.messages.fallback]
        if suggestions:
            lines.append(self.messages.fallback_suggest)
            lines.extend(f"- {s}" for s in suggestions)
        return Reply(
            kind="fallback",
            text="\n".join(lines),
            disclaimer=self.messages.disclaimer,
            intent=intent.id if intent is not None else None,
            confidence=_confidence(score, score) if intent is not None else _decline_confidence(best_section),
            suggestions=tuple(suggestions),
            candidates=candidates,
        )

    def _empty_reply(self) -> Reply:
        return Reply(
            kind="fallback",
            text=self.messages.empty,
            disclaimer=self.messages.disclaimer,
            suggestions=self._nearby([]),
        )

    # -- suggestions ------------------------------------------------------------------------------------

    def _question_for(self, scored_or_key: Scored | str) -> str:
        """A question a person could type to reach this target again."""
        key = scored_or_key if isinstance(scored_or_key, str) else scored_or_key.key
        intent = self._intent_of(scored_or_key) if isinstance(scored_or_key, Scored) else None
        if intent is None:
            intent = self._primary_intents.get(key)
        if intent is not None:
            return _as_question(intent.questions[0])
        return self._section(key)[1].title

    def _nearby(self, ranked: list[Scored]) -> tuple[str, ...]:
        """Answerable questions near what was asked, or the curated starting points when nothing is near."""
        keys = [s.key for s in ranked if s.key.startswith(SECTION_PREFIX)] + list(self._starting_points)
        chosen: list[str] = []
        for key in dict.fromkeys(keys):
            question = self._question_for(key)
            if question not in chosen:
                chosen.append(question)
            if len(chosen) == MAX_SUGGESTIONS:
                break
        return tuple(chosen)

    def _suggestions_after(self, key: str, intent: Intent | None) -> tuple[str, ...]:
        if intent is not None and intent.suggestions:
            return intent.suggestions[:MAX_SUGGESTIONS]
        return tuple(self._question_for(k) for k in self._siblings.get(key, ())[:MAX_SUGGESTIONS])


def _confidence(score: float, margin: float) -> float:
    """The chance an answer is right, from its match score and its lead over the runner-up.

    A logistic fit on labelled questions (the public dev set and the held-out set in tests/data):
    answers given at 0.9 were right about 90% of the time when it was made.
    """
    z = _CALIBRATION[0] + _CALIBRATION[1] * score + _CALIBRATION[2] * min(margin, 0.3)
    return round(1 / (1 + math.exp(-z)), 3)


def _decline_confidence(best_score: float) -> float:
    """How sure a fallback is: the weaker the best candidate, the surer that no source answers."""
    return round(max(0.0, min(1.0, 1 - best_score)), 3)


def _as_question(text: str) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text.endswith(("?", ".", "!")) else text + "?"


def _answer_text(lead: str | None, citations: list[Citation]) -> str:
    parts: list[str] = [lead] if lead else []
    for citation in citations:
        parts.append(f"“{citation.quote}”\n— {citation.document} › {' › '.join(citation.section)}")
    return "\n\n".join(parts)


def _with_note(reply: Reply, note: str) -> Reply:
    return replace(reply, text=f"{note}\n\n{reply.text}")


def _outscores(found: tuple[Reply, Scored | None, Analysis], declined: Scored | None) -> bool:
    """Whether a question sentence's answer scores better than the decline the whole message got."""
    reply, chosen, _ = found
    return reply.kind == "answer" and chosen is not None and (declined is None or chosen.score > declined.score)
