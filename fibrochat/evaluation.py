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
from .model import Reply
from .text import normalise
from .yamlfile import fields, line_of, load_yaml

EXPECTS = ("section", "smalltalk", "safety", "fallback")
_CASE_KEYS = {"q", "expect", "sections", "tags", "turns"}


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
    turn: Turn
    kind: str
    section: str | None
    correct: bool
    verbatim: bool


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_expect": {key: ratio.to_dict() for key, ratio in self.by_expect.items()},
            "followup": self.followup.to_dict(),
            "by_tag": {key: ratio.to_dict() for key, ratio in self.by_tag.items()},
            "in_scope_wrongly_declined": self.wrongly_declined.to_dict(),
            "safety": {"missed": self.safety_missed, "false_alarms": self.safety_false_alarms},
            "quotes_not_verbatim": self.quotes_not_verbatim,
            "failures": [
                {
                    "q": o.turn.question,
                    "line": o.turn.line,
                    "expect": o.turn.expect,
                    "sections": list(o.turn.sections),
                    "got": o.kind,
                    "section": o.section,
                }
                for o in self.failures
            ],
        }


def _turn(data: Any, where: str, line: int | None, tags: tuple[str, ...], followup: bool) -> Turn:
    line = line_of(data, line)
    if not isinstance(data, dict):
        raise ContentError(where, line, "each case must be a mapping with 'q' and 'expect'")
    data = fields(data)
    unknown = sorted(str(k) for k in data if k not in _CASE_KEYS)
    if unknown:
        raise ContentError(where, line, f"unknown key {unknown[0]!r} in case (allowed: {', '.join(sorted(_CASE_KEYS))})")
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
    own_tags = data.get("tags", [])
    if not isinstance(own_tags, list):
        raise ContentError(where, line, "'tags' must be a list")
    return Turn(question, str(expect), tuple(sections), tags + tuple(str(t) for t in own_tags), followup, line or 0)


def load_cases(path: Path) -> list[list[Turn]]:
    """Each case as the list of turns asked in one conversation."""
    where = str(path)
    data = load_yaml(path)
    if not isinstance(data, list):
        raise ContentError(where, 1, "an evaluation file is a YAML list of cases")
    cases: list[list[Turn]] = []
    for item in data:
        line = line_of(item)
        if isinstance(item, dict) and "turns" in item:
            turns = item["turns"]
            if not isinstance(turns, list) or not turns:
                raise ContentError(where, line, "'turns' must be a non-empty list of cases")
            tags = tuple(str(t) for t in item.get("tags", []) or [])
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
        return reply.kind == "answer" and leaf is not None and normalise(leaf) in {normalise(s) for s in turn.sections}
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
            outcomes.append(Outcome(turn, reply.kind, _leaf(reply), judge(turn, reply), _verbatim(bot, reply)))
    return summarise(outcomes)


def _ratio(outcomes: list[Outcome]) -> Ratio:
    return Ratio(sum(o.correct for o in outcomes), len(outcomes))


def summarise(outcomes: list[Outcome]) -> Report:
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
    )


def format_report(report: Report) -> str:
    """The report as a person reads it: figures first, then every failure with what came back."""

    def pct(ratio: Ratio) -> str:
        return f"{ratio.share:7.1%}  ({ratio.right}/{ratio.total})"

    lines = ["Failures:"] if report.failures else []
    for o in report.failures:
        wanted = " | ".join(o.turn.sections) if o.turn.expect == "section" else o.turn.expect
        got = f"{o.kind}: {o.section}" if o.section else o.kind
        lines.append(f"  line {o.turn.line}: {o.turn.question!r}\n      expected {wanted}\n      got      {got}")
    if lines:
        lines.append("")
    lines.append("By tag:")
    lines.extend(f"  {tag:<14}{pct(ratio)}" for tag, ratio in report.by_tag.items())
    lines.append("")
    lines.append(f"Overall          {pct(report.overall)}")
    for key, ratio in report.by_expect.items():
        lines.append(f"  {key:<15}{pct(ratio)}")
    lines.append(f"Follow-up turns  {pct(report.followup)}")
    lines.append(f"In-scope wrongly declined  {report.wrongly_declined.share:.1%} ({report.wrongly_declined.right})")
    lines.append(f"Safety: missed {report.safety_missed}, false alarms {report.safety_false_alarms}")
    lines.append(f"Quotes not word for word: {report.quotes_not_verbatim}")
    return "\n".join(lines)
