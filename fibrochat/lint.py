"""`fibrochat check`: find what a curator should fix in knowledge that loads but answers badly.

Schema problems (bad YAML, unknown keys, dangling anchors, duplicate ids) already stop loading with a
ContentError; this module looks at a loaded bot and asks it the curated questions, so it finds what
only shows when the matcher runs: examples that reach another section, sections nothing reaches,
examples shared between intents, leads that say more than their passages, thin intents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from .engine import Chatbot
from .matching import SECTION_PREFIX
from .model import Intent, Reply
from .text import normalise

Level = Literal["error", "warning"]

NEAR_DUPLICATE = 92.0
"""fuzz.ratio (0..100) on normalised text from which examples in two intents count as one question."""

MIN_EXAMPLES = 3
"""Fewer example questions than this rarely cover how people actually ask."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, located so an editor can jump to it."""

    level: Level
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.level}: {self.message}"


def lint(bot: Chatbot) -> list[Finding]:
    """Every finding for a loaded bot, sorted by file and line (errors first on the same line)."""
    lines = _LineFinder()
    findings: list[Finding] = []
    findings += _duplicate_examples(bot, lines)
    findings += _unreachable_sections(bot)
    findings += _intents_not_reached(bot, lines)
    findings += _suggestions_unanswered(bot, lines)
    findings += _leads_beyond_passages(bot, lines)
    findings += _thin_intents(bot)
    order = {"error": 0, "warning": 1}
    return sorted(findings, key=lambda f: (f.path, f.line or 0, order[f.level], f.message))


def format_findings(findings: Iterable[Finding]) -> str:
    """One line per finding ("path:line: level: message"), then a one-line summary."""
    items = list(findings)
    if not items:
        return "knowledge OK: no errors, no warnings"
    errors = sum(f.level == "error" for f in items)
    warnings = len(items) - errors
    files = len({f.path for f in items})
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(files, 'file')}"
    return "\n".join([*(str(f) for f in items), summary])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# -- duplicates ---------------------------------------------------------------------------------------


def _duplicate_examples(bot: Chatbot, lines: _LineFinder) -> list[Finding]:
    """The same (or nearly the same) question in two intents: whichever wins, the other is wrong."""
    examples = [
        (intent, question, normalise(question))
        for intent in bot.knowledge.intents
        for question in intent.questions
    ]
    choices = {position: text for position, (_, _, text) in enumerate(examples) if text}
    findings: list[Finding] = []
    for position, (intent, question, text) in enumerate(examples):
        if not text:
            continue
        matches = process.extract(
            text, choices, scorer=fuzz.ratio, processor=None, score_cutoff=NEAR_DUPLICATE, limit=None
        )
        earlier = sorted(
            (other, score)
            for _, score, other in matches
            if other < position and examples[other][0].id != intent.id
        )
        if not earlier:
            continue
        other, score = earlier[0]
        other_intent, other_question, other_text = examples[other]
        exact = other_text == text
        where = lines.find(other_intent.path, other_intent.line, other_question)
        message = (
            f"example question {question!r} of intent {intent.id!r} "
            f"{'is the same question as' if exact else f'nearly duplicates ({score:.0f}%)'} "
            f"{other_question!r} of intent {other_intent.id!r} ({other_intent.path}:{where})"
        )
        line = lines.find(intent.path, intent.line, question)
        findings.append(Finding("error" if exact else "warning", intent.path, line, message))
    return findings


# -- reachability -------------------------------------------------------------------------------------


def _unreachable_sections(bot: Chatbot) -> list[Finding]:
    """A section with passages that no intent cites and that its own heading does not reach."""
    cited = {SECTION_PREFIX + cite for intent in bot.knowledge.intents for cite in intent.cites}
    findings: list[Finding] = []
    for key, (document, section) in bot.index.sections.items():
        if key in cited:
            continue
        reply = bot.ask(section.title)
        if _reaches_section(reply, document.title, section.anchor):
            continue
        message = (
            f"unreachable section {section.title!r} (#{section.anchor}): no intent cites it and its heading, "
            f"asked as a question, gets {_describe(reply)}"
        )
        findings.append(Finding("warning", document.path, section.line, message))
    return findings


def _intents_not_reached(bot: Chatbot, lines: _LineFinder) -> list[Finding]:
    """An intent's own example questions must lead back to it, or the curation does not do what it says."""
    findings: list[Finding] = []
    for intent in bot.knowledge.intents:
        replies = [(question, bot.ask(question)) for question in intent.questions]
        misses = [(question, reply) for question, reply in replies if not _reaches_intent(bot, intent, reply)]
        if not misses:
            continue
        goal = _goal(bot, intent)
        if len(misses) == len(intent.questions):
            listed = "; ".join(f"{question!r} gets {_describe(reply)}" for question, reply in misses)
            message = f"none of the example questions of intent {intent.id!r} reach {goal}: {listed}"
            findings.append(Finding("error", intent.path, intent.line, message))
            continue
        for question, reply in misses:
            message = (
                f"example question {question!r} of intent {intent.id!r} gets {_describe(reply)}, not {goal}"
            )
            line = lines.find(intent.path, intent.line, question)
            findings.append(Finding("warning", intent.path, line, message))
    return findings


def _suggestions_unanswered(bot: Chatbot, lines: _LineFinder) -> list[Finding]:
    """A suggested question is a promise that it has an answer: asking it must not fall back."""
    findings: list[Finding] = []
    for intent in bot.knowledge.intents:
        for suggestion in intent.suggestions:
            reply = bot.ask(suggestion)
            if reply.kind in ("answer", "clarify"):
                continue
            message = (
                f"suggestion {suggestion!r} of intent {intent.id!r} gets {_describe(reply)}, not an answer"
            )
            line = lines.find(intent.path, intent.line, suggestion)
            findings.append(Finding("warning", intent.path, line, message))
    return findings


def _reaches_section(reply: Reply, document_title: str, anchor: str) -> bool:
    if reply.kind != "answer" or not reply.citations:
        return False
    first = reply.citations[0]
    return first.anchor == anchor and first.document == document_title


def _reaches_intent(bot: Chatbot, intent: Intent, reply: Reply) -> bool:
    if intent.kind == "faq":
        document, section = bot.index.sections[SECTION_PREFIX + intent.cites[0]]
        return _reaches_section(reply, document.title, section.anchor)
    if intent.kind == "safety":
        return reply.kind == "safety"
    expected_kind = "smalltalk" if intent.kind == "smalltalk" else "fallback"
    return reply.kind == expected_kind and reply.intent == intent.id


def _goal(bot: Chatbot, intent: Intent) -> str:
    if intent.kind == "faq":
        _, section = bot.index.sections[SECTION_PREFIX + intent.cites[0]]
        return f"its section {section.title!r}"
    if intent.kind == "safety":
        return "a safety reply"
    return "the intent itself"


def _describe(reply: Reply) -> str:
    """What came back, in a few words: the kind, and the section or intent it chose."""
    if reply.kind == "clarify" and reply.citations:
        options = dict.fromkeys(citation.section[-1] for citation in reply.citations)
        return f"clarify ({' or '.join(repr(option) for option in options)})"
    if reply.kind == "answer" and reply.citations:
        return f"answer {reply.citations[0].section[-1]!r}"
    if reply.intent:
        return f"{reply.kind} ({reply.intent})"
    return reply.kind


# -- content ------------------------------------------------------------------------------------------


def _leads_beyond_passages(bot: Chatbot, lines: _LineFinder) -> list[Finding]:
    """A lead only restates its cited passages and headings; a content word they lack may be our own claim."""
    analyse = bot.index.analyzer.analyse
    findings: list[Finding] = []
    for intent in bot.knowledge.intents:
        if not intent.lead:
            continue
        cited: set[str] = set()
        for cite in intent.cites:
            _, section = bot.index.sections[SECTION_PREFIX + cite]
            cited.update(analyse(" ".join(section.path), correct=False).all_terms)
            for passage in section.passages:
                cited.update(analyse(passage.text, correct=False).all_terms)
        extra = {term for term in analyse(intent.lead, correct=False).terms if term not in cited}
        if extra:
            # name the words as written, not their stems
            written = [
                w
                for w in dict.fromkeys(normalise(intent.lead).split())
                if extra & set(analyse(w, correct=False).terms)
            ] or sorted(extra)
            message = (
                f"lead of intent {intent.id!r} has words its cited passages do not: {', '.join(written)} "
                "(a lead only restates the passage)"
            )
            line = lines.find(intent.path, intent.line, "lead:")
            findings.append(Finding("warning", intent.path, line, message))
    return findings


def _thin_intents(bot: Chatbot) -> list[Finding]:
    return [
        Finding(
            "warning",
            intent.path,
            intent.line,
            f"intent {intent.id!r} has {_plural(len(intent.questions), 'example question')}; "
            f"write at least {MIN_EXAMPLES}, worded the way different people ask",
        )
        for intent in bot.knowledge.intents
        if len(intent.questions) < MIN_EXAMPLES
    ]


# -- locating -----------------------------------------------------------------------------------------


class _LineFinder:
    """Finds the line of a text inside an intent, so a finding points at the example itself.

    The YAML loader records lines of mappings only, not of list items; the first line at or after the
    intent's own line that holds the text is the one meant. Falls back to the intent's line.
    """

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def _lines(self, path: str) -> list[str]:
        if path not in self._files:
            try:
                self._files[path] = Path(path).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self._files[path] = []
        return self._files[path]

    def find(self, path: str, start: int, text: str) -> int:
        numbered = list(enumerate(self._lines(path)[max(start - 1, 0) :], start=max(start, 1)))
        for number, line in numbered:
            if line.strip().removeprefix("-").strip().strip("\"'") == text:
                return number
        for number, line in numbered:
            if text in line:
                return number
        return start
