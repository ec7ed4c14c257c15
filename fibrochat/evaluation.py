"""Labelled question files → accuracy figures (`fibrochat eval`), the way answer quality is measured.

The file format is a YAML list of cases (see the README): single-turn cases with `q`, `expect`
(section | smalltalk | safety | fallback), `sections` (acceptable leaf headings) and `tags`, or
multi-turn cases with `turns`, each asked in one conversation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import Chatbot
from .errors import ContentError
from .mappings import checked_mapping, line_of
from .model import Reply
from .text import normalise
from .yamlfile import load_yaml

EXPECTS = ("section", "smalltalk", "safety", "fallback")
KINDS = ("answer", "clarify", "smalltalk", "safety", "fallback")
CONFIDENCE_BANDS = (0.0, 0.25, 0.5, 0.75)
"""Lower edges of the confidence bands the report checks calibration on (answers only)."""
_TURN_KEYS = {"q", "expect", "sections", "tags"}
_CASE_KEYS = {"turns", "tags"}


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    expect: str
    sections: tuple[str, ...]
    tags: tuple[str, ...]
    followup: bool
    line: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """One turn asked: what came back and whether it was right (a quote not word for word is never right)."""

    turn: Turn
    kind: str
    section: str | None
    correct: bool
    verbatim: bool
    confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class Ratio:
    right: int
    total: int

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total, "accuracy": round(self.share, 4)}


@dataclass(frozen=True, slots=True)
class Report:
    """Everything `fibrochat eval` prints."""

    outcomes: tuple[Outcome, ...]
    overall: Ratio
    by_expect: dict[str, Ratio]
    followup: Ratio
    by_tag: dict[str, Ratio]
    wrongly_declined: Ratio
    safety_missed: int
    safety_false_alarms: int
    quotes_not_verbatim: int
    failures: tuple[Outcome, ...] = field(default=())
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    calibration: tuple[tuple[float, Ratio], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_expect": {key: ratio.to_dict() for key, ratio in self.by_expect.items()},
            "followup": self.followup.to_dict(),
            "by_tag": {key: ratio.to_dict() for key, ratio in self.by_tag.items()},
            "in_scope_wrongly_declined": self.wrongly_declined.to_dict(),
            "safety": {"missed": self.safety_missed, "false_alarms": self.safety_false_alarms},
            "quotes_not_verbatim": self.quotes_not_verbatim,
            "confusion": {expect: dict(got) for expect, got in self.confusion.items()},
            "calibration": [{"confidence_from": low, **ratio.to_dict()} for low, ratio in self.calibration],
            "failures": [
                {
                    "q": o.turn.question,
                    "line": o.turn.line,
                    "expect": o.turn.expect,
                    "sections": list(o.turn.sections),
                    "got": o.kind,
                    "section": o.section,
                    "followup": o.turn.followup,
                    "verbatim": o.verbatim,
                    "confidence": round(o.confidence, 3),
                }
                for o in self.failures
            ],
        }


def _turn(data: Any, where: str, line: int | None, tags: tuple[str, ...], followup: bool) -> Turn:
    line = line_of(data, line)
    expected = "each case must be a mapping with 'q' and 'expect'"
    data = checked_mapping(data, where, line, allowed=_TURN_KEYS, what="case", expected=expected)
    question = data.get("q")
    if not isinstance(question, str):
        raise ContentError(where, line, "case has no 'q' text")
    expect = data.get("expect")
    if expect not in EXPECTS:
        raise ContentError(where, line, f"'expect' must be one of {', '.join(EXPECTS)}")
    sections = data.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise ContentError(where, line, "'sections' must be a list of headings")
    if expect == "section" and not sections:
        raise ContentError(where, line, "a case expecting a section must list 'sections'")
    own_tags = _tags(data, where, line)
    return Turn(question, str(expect), tuple(sections), tags + own_tags, followup, line or 0)


def _tags(data: dict[Any, Any], where: str, line: int | None) -> tuple[str, ...]:
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str | int | float) for t in tags):
        raise ContentError(where, line, "'tags' must be a list of words, e.g. [paraphrase, typo]")
    return tuple(str(t) for t in tags)


def load_cases(path: Path | str) -> list[list[Turn]]:
    """Each case as the list of turns asked in one conversation."""
    path = Path(path)
    where = str(path)
    data = load_yaml(path)
    if not isinstance(data, list):
        raise ContentError(where, line_of(data, 1), "an evaluation file is a YAML list of cases")
    if not data:
        raise ContentError(where, 1, "the evaluation file holds no cases")
    cases: list[list[Turn]] = []
    for item in data:
        line = line_of(item)
        if isinstance(item, dict) and "turns" in item:
            expected = "a multi-turn case is a mapping with 'turns'"
            body = checked_mapping(item, where, line, allowed=_CASE_KEYS, what="a multi-turn case", expected=expected)
            turns = body["turns"]
            if not isinstance(turns, list) or not turns:
                raise ContentError(where, line, "'turns' must be a non-empty list of cases")
            tags = _tags(body, where, line)
            cases.append([_turn(t, where, line, tags, index > 0) for index, t in enumerate(turns)])
        else:
            cases.append([_turn(item, where, line, (), False)])
    return cases


def _leaf(reply: Reply) -> str | None:
    return reply.citations[0].section[-1] if reply.citations else None


def judge(turn: Turn, reply: Reply) -> bool:
    """Right when the kind matches and, for sections, the first citation's leaf heading is acceptable."""
    if turn.expect == "section":
        leaf = _leaf(reply)
        acceptable = {normalise(s) for s in turn.sections}
        return reply.kind == "answer" and leaf is not None and normalise(leaf) in acceptable
    expected_kind = turn.expect
    return reply.kind == expected_kind


def _verbatim(bot: Chatbot, reply: Reply) -> bool:
    texts = {document.title: document.text for document in bot.knowledge.documents}
    return all(citation.quote in texts.get(citation.document, "") for citation in reply.citations)


def evaluate(bot: Chatbot, cases: list[list[Turn]]) -> Report:
    """Ask every case (multi-turn cases in one conversation each) and tally the figures."""
    outcomes: list[Outcome] = []
    for case in cases:
        conversation = bot.conversation()
        for turn in case:
            reply = conversation.ask(turn.question)
            verbatim = _verbatim(bot, reply)
            right = judge(turn, reply) and verbatim
            outcomes.append(Outcome(turn, reply.kind, _leaf(reply), right, verbatim, reply.confidence))
    return summarise(outcomes)


def _ratio(outcomes: list[Outcome]) -> Ratio:
    return Ratio(sum(o.correct for o in outcomes), len(outcomes))


def _calibration(outcomes: list[Outcome]) -> tuple[tuple[float, Ratio], ...]:
    """Share right per confidence band, over answers: it should rise from band to band."""
    bands: dict[float, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.kind == "answer":
            bands[max(low for low in CONFIDENCE_BANDS if outcome.confidence >= low)].append(outcome)
    return tuple((low, _ratio(bands[low])) for low in CONFIDENCE_BANDS if bands[low])


def summarise(outcomes: list[Outcome]) -> Report:
    """Tally outcomes into the report's figures."""
    by_expect: dict[str, list[Outcome]] = defaultdict(list)
    by_tag: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_expect[outcome.turn.expect].append(outcome)
        for tag in outcome.turn.tags:
            by_tag[tag].append(outcome)
    in_scope = by_expect.get("section", [])
    declined = sum(o.kind == "fallback" for o in in_scope)
    return Report(
        outcomes=tuple(outcomes),
        overall=_ratio(outcomes),
        by_expect={key: _ratio(by_expect[key]) for key in EXPECTS if key in by_expect},
        followup=_ratio([o for o in outcomes if o.turn.followup]),
        by_tag={key: _ratio(value) for key, value in sorted(by_tag.items())},
        wrongly_declined=Ratio(declined, len(in_scope)),
        safety_missed=sum(o.turn.expect == "safety" and o.kind != "safety" for o in outcomes),
        safety_false_alarms=sum(o.turn.expect != "safety" and o.kind == "safety" for o in outcomes),
        quotes_not_verbatim=sum(not o.verbatim for o in outcomes),
        failures=tuple(o for o in outcomes if not o.correct),
        confusion={
            key: {kind: n for kind in KINDS if (n := sum(o.kind == kind for o in by_expect[key]))}
            for key in EXPECTS
            if key in by_expect
        },
        calibration=_calibration(outcomes),
    )


def format_report(report: Report) -> str:
    """The report as a person reads it: figures first, then every failure with what came back."""

    def pct(ratio: Ratio) -> str:
        return f"{ratio.share:7.1%}  ({ratio.right}/{ratio.total})"

    lines = ["Failures:"] if report.failures else []
    for o in report.failures:
        wanted = " | ".join(o.turn.sections) if o.turn.expect == "section" else o.turn.expect
        got = f"{o.kind}: {o.section}" if o.section else o.kind
        if not o.verbatim:
            got += "  (a quote is not word for word in its document)"
        turn = " (follow-up turn)" if o.turn.followup else ""
        lines.append(f"  line {o.turn.line}{turn}: {o.turn.question!r}\n      expected {wanted}\n      got      {got}")
    if lines:
        lines.append("")
    if report.by_tag:
        lines.append("By tag:")
        lines.extend(f"  {tag:<14}{pct(ratio)}" for tag, ratio in report.by_tag.items())
        lines.append("")
    lines.append(f"Overall          {pct(report.overall)}")
    for key, ratio in report.by_expect.items():
        lines.append(f"  {key:<15}{pct(ratio)}")
    lines.append(f"Follow-up turns  {pct(report.followup)}")
    declined = report.wrongly_declined
    lines.append(f"In-scope wrongly declined  {declined.share:.1%} ({declined.right}/{declined.total})")
    lines.append(f"Safety: missed {report.safety_missed}, false alarms {report.safety_false_alarms}")
    lines.append(f"Quotes not word for word: {report.quotes_not_verbatim}")
    if report.confusion:
        lines.append("")
        lines.append("Expected → what came back:")
        for key, kinds in report.confusion.items():
            lines.append(f"  {key:<15}" + ", ".join(f"{kind} {n}" for kind, n in kinds.items()))
    if report.calibration:
        lines.append("")
        lines.append("Answers right by confidence:")
        edges = [*CONFIDENCE_BANDS[1:], 1.0]
        for low, ratio in report.calibration:
            high = edges[CONFIDENCE_BANDS.index(low)]
            lines.append(f"  {low:.2f} to {high:.2f}  {pct(ratio)}")
    return "\n".join(lines)
