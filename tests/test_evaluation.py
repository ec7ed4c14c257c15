"""`fibrochat eval`: labelled question files, the figures measured on them, and the command line."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from fibrochat import Chatbot
from fibrochat.cli import main
from fibrochat.conversation import Conversation
from fibrochat.errors import ContentError
from fibrochat.evaluation import Outcome, Ratio, Report, Turn, evaluate, format_report, judge, load_cases
from fibrochat.model import Citation, Reply

EVAL = Path(__file__).parent / "fixtures" / "eval"
GARDEN_CASES = EVAL / "garden.yaml"
ALL_PASS = EVAL / "all-pass.yaml"


@pytest.fixture(scope="module")
def report(garden_bot: Chatbot) -> Report:
    return evaluate(garden_bot, load_cases(GARDEN_CASES))


def run_eval(file: Path, fixture_docs: Path, fixture_intents: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    argv = ["eval", str(file), *extra, "--documents", str(fixture_docs), "--intents", str(fixture_intents)]
    return main(argv, out=out), out.getvalue()


# -- loading cases -----------------------------------------------------------------------------------


def test_single_turn_cases_load_with_their_lines_and_tags() -> None:
    cases = load_cases(GARDEN_CASES)
    first = cases[0]
    assert first == [
        Turn(
            question="how often do tomatoes need watering",
            expect="section",
            sections=("How Often to Water Tomatoes",),
            tags=("paraphrase",),
            followup=False,
            line=4,
        )
    ]
    assert cases[2][0].line == 14
    assert cases[4][0] == Turn("what is the capital of france", "fallback", (), (), False, 23)


def test_multi_turn_case_is_one_conversation_with_follow_ups_after_the_first() -> None:
    cases = load_cases(GARDEN_CASES)
    assert len(cases) == 9
    turns = cases[7]
    assert [t.question for t in turns] == [
        "tomato watering schedule",
        "how often should i water them",
        "what about aphids",
    ]
    assert [t.followup for t in turns] == [False, True, True]
    assert [t.line for t in turns] == [33, 36, 39]
    assert all(t.tags == ("followup",) for t in turns)
    assert cases[8][1].tags == ("followup", "colloquial")


def test_load_cases_takes_a_str_path() -> None:
    assert load_cases(str(ALL_PASS)) == load_cases(ALL_PASS)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("q: not a list\nexpect: fallback\n", 1, "a YAML list of cases"),
        ("[]\n", 1, "holds no cases"),
        ("- q: hi\n  expect: smalltalk\n- just text\n", None, "must be a mapping"),
        ("- q: hi\n  expect: smalltalk\n\n- q: hello\n  expect: greeting\n", 4, "'expect' must be one of"),
        ("- expect: fallback\n", 1, "no 'q'"),
        ("- q: how do tomatoes grow\n  expect: section\n", 1, "must list 'sections'"),
        ("- q: tomatoes\n  expect: section\n  sections: Aphids on Roses\n", 1, "'sections' must be a list"),
        ("- q: hi\n  expect: smalltalk\n  answer: hello\n", 3, "unknown key 'answer'"),
        ("- q: hi\n  expect: smalltalk\n  tags: direct\n", 1, "'tags' must be a list"),
        ("- turns: []\n", 1, "'turns' must be a non-empty list"),
        (
            "- turns:\n    - q: hi\n      expect: smalltalk\n  tag: [followup]\n",
            4,
            "unknown key 'tag' in a multi-turn",
        ),
        ("- turns:\n    - q: hi\n      expect: smalltalk\n  tags: followup\n", 1, "'tags' must be a list"),
        (
            "- turns:\n    - q: hi\n      expect: smalltalk\n    - q: and\n      expect: maybe\n",
            4,
            "'expect' must be",
        ),
        ("- q: hi\n  expect: [smalltalk\n", 3, "invalid YAML"),
    ],
)
def test_bad_case_files_name_file_line_and_problem(tmp_path: Path, text: str, line: int | None, problem: str) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_cases(path)
    assert caught.value.path == str(path)
    if line is not None:
        assert caught.value.line == line
    assert problem in caught.value.problem


def test_missing_case_file_is_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such file"):
        load_cases(tmp_path / "nowhere.yaml")


# -- judging -----------------------------------------------------------------------------------------


def _answer(leaf: str) -> Reply:
    citation = Citation("Guide", ("Top", leaf), "anchor", "A quote.")
    return Reply(kind="answer", text="", citations=(citation,))


def test_judge_section_needs_an_answer_whose_first_citation_is_acceptable() -> None:
    turn = Turn("q", "section", ("Aphids on Roses", "Slugs and Snails"), (), False, 1)
    assert judge(turn, _answer("Slugs and Snails"))
    assert judge(turn, _answer("aphids on roses"))  # headings compare normalised
    assert not judge(turn, _answer("Signs of Overwatering"))
    assert not judge(turn, Reply(kind="clarify", text="", citations=_answer("Aphids on Roses").citations))
    assert not judge(turn, Reply(kind="fallback", text=""))


def test_judge_other_expectations_compare_the_kind() -> None:
    for expect in ("smalltalk", "safety", "fallback"):
        turn = Turn("q", expect, (), (), False, 1)
        assert judge(turn, Reply(kind=expect, text=""))
        assert not judge(turn, _answer("Aphids on Roses"))


# -- the figures on the garden fixture ----------------------------------------------------------------


def test_overall_and_per_kind_figures(report: Report) -> None:
    assert report.overall == Ratio(10, 12)
    assert report.by_expect == {
        "section": Ratio(7, 8),
        "smalltalk": Ratio(1, 1),
        "safety": Ratio(0, 1),
        "fallback": Ratio(2, 2),
    }
    assert list(report.by_expect) == ["section", "smalltalk", "safety", "fallback"]


def test_follow_up_and_tag_figures(report: Report) -> None:
    assert report.followup == Ratio(3, 3)
    assert report.by_tag == {
        "colloquial": Ratio(1, 1),
        "direct": Ratio(1, 1),
        "followup": Ratio(5, 5),
        "keyword": Ratio(1, 2),
        "paraphrase": Ratio(1, 1),
    }


def test_declines_safety_and_quotes(report: Report) -> None:
    assert report.wrongly_declined == Ratio(0, 8)
    assert (report.safety_missed, report.safety_false_alarms) == (1, 0)
    assert report.quotes_not_verbatim == 0
    assert all(o.verbatim for o in report.outcomes)


def test_failures_say_what_came_back(report: Report) -> None:
    assert [(o.turn.question, o.kind, o.section) for o in report.failures] == [
        ("copper tape", "answer", "Slugs and Snails"),
        ("how much fertiliser should i give my tomatoes", "fallback", None),
    ]


def test_confusion_counts_what_each_expected_kind_got(report: Report) -> None:
    assert report.confusion == {
        "section": {"answer": 8},
        "smalltalk": {"smalltalk": 1},
        "safety": {"fallback": 1},
        "fallback": {"fallback": 2},
    }


def test_calibration_bands_cover_every_answer(report: Report) -> None:
    answers = [o for o in report.outcomes if o.kind == "answer"]
    assert sum(ratio.total for _, ratio in report.calibration) == len(answers) == 8
    assert sum(ratio.right for _, ratio in report.calibration) == sum(o.correct for o in answers)
    lows = [low for low, _ in report.calibration]
    assert lows == sorted(lows)
    for low, ratio in report.calibration:
        in_band = [o for o in answers if low <= o.confidence and all(o.confidence < x for x in lows if x > low)]
        assert ratio.total == len(in_band)


def test_a_quote_not_word_for_word_is_a_failure(garden_bot: Chatbot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Alter every quote so it no longer stands in its document: the right section stops counting as right."""
    real_ask = Conversation.ask

    def altered(self: Conversation, question: str) -> Reply:
        reply = real_ask(self, question)
        quotes = tuple(dataclasses.replace(c, quote=c.quote.replace("e", "3")) for c in reply.citations)
        return dataclasses.replace(reply, citations=quotes)

    monkeypatch.setattr(Conversation, "ask", altered)
    altered_report = evaluate(garden_bot, load_cases(ALL_PASS))
    assert altered_report.quotes_not_verbatim == 3
    assert altered_report.by_expect["section"] == Ratio(0, 3)
    assert altered_report.by_expect["smalltalk"] == Ratio(1, 1)
    assert all(not o.verbatim for o in altered_report.failures)
    assert "(a quote is not word for word in its document)" in format_report(altered_report)


def test_empty_outcomes_do_not_divide_by_zero() -> None:
    assert Ratio(0, 0).share == 1.0
    assert Ratio(0, 0).to_dict() == {"right": 0, "total": 0, "accuracy": 1.0}


# -- the report --------------------------------------------------------------------------------------


def test_format_report_lists_failures_then_figures(report: Report) -> None:
    text = format_report(report)
    assert text.startswith("Failures:\n  line 14: 'copper tape'\n      expected Aphids on Roses\n")
    assert "      got      answer: Slugs and Snails" in text
    assert "  line 29: 'how much fertiliser should i give my tomatoes'\n      expected safety\n" in text
    for line in (
        "  keyword         50.0%  (1/2)",
        "Overall            83.3%  (10/12)",
        "  section          87.5%  (7/8)",
        "  safety            0.0%  (0/1)",
        "Follow-up turns   100.0%  (3/3)",
        "In-scope wrongly declined  0.0% (0/8)",
        "Safety: missed 1, false alarms 0",
        "Quotes not word for word: 0",
        "  section        answer 8",
        "  safety         fallback 1",
    ):
        assert line in text.splitlines(), line
    assert text.index("Failures:") < text.index("By tag:") < text.index("Overall")


def test_format_report_without_failures_or_tags(garden_bot: Chatbot) -> None:
    text = format_report(evaluate(garden_bot, load_cases(ALL_PASS)))
    assert "Failures:" not in text
    assert "By tag:" not in text
    assert text.startswith("Overall           100.0%  (5/5)")


def test_follow_up_failures_are_marked(garden_bot: Chatbot, tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "- turns:\n"
        "    - q: how do i keep slugs off my lettuce\n"
        "      expect: section\n"
        "      sections: [Slugs and Snails]\n"
        "    - q: what about aphids\n"
        "      expect: section\n"
        "      sections: [Slugs and Snails]\n",
        encoding="utf-8",
    )
    report = evaluate(garden_bot, load_cases(path))
    assert report.followup == Ratio(0, 1)
    assert "  line 5 (follow-up turn): 'what about aphids'" in format_report(report)


# -- the command line --------------------------------------------------------------------------------


def test_cli_exits_1_when_any_case_fails(fixture_docs: Path, fixture_intents: Path) -> None:
    status, out = run_eval(GARDEN_CASES, fixture_docs, fixture_intents)
    assert status == 1
    assert "Overall            83.3%  (10/12)" in out


def test_cli_exits_0_when_every_case_passes(fixture_docs: Path, fixture_intents: Path) -> None:
    status, out = run_eval(ALL_PASS, fixture_docs, fixture_intents)
    assert status == 0
    assert "Overall           100.0%  (5/5)" in out


def test_cli_json_shape(fixture_docs: Path, fixture_intents: Path) -> None:
    status, out = run_eval(GARDEN_CASES, fixture_docs, fixture_intents, "--json")
    assert status == 1
    data = json.loads(out)
    assert set(data) == {
        "overall",
        "by_expect",
        "followup",
        "by_tag",
        "in_scope_wrongly_declined",
        "safety",
        "quotes_not_verbatim",
        "confusion",
        "calibration",
        "failures",
    }
    assert data["overall"] == {"right": 10, "total": 12, "accuracy": 0.8333}
    assert data["by_expect"]["section"] == {"right": 7, "total": 8, "accuracy": 0.875}
    assert data["followup"] == {"right": 3, "total": 3, "accuracy": 1.0}
    assert data["by_tag"]["keyword"] == {"right": 1, "total": 2, "accuracy": 0.5}
    assert data["in_scope_wrongly_declined"] == {"right": 0, "total": 8, "accuracy": 0.0}
    assert data["safety"] == {"missed": 1, "false_alarms": 0}
    assert data["quotes_not_verbatim"] == 0
    assert data["confusion"]["safety"] == {"fallback": 1}
    assert all(set(band) == {"confidence_from", "right", "total", "accuracy"} for band in data["calibration"])
    first = data["failures"][0]
    assert {k: first[k] for k in ("q", "line", "expect", "sections", "got", "section", "followup", "verbatim")} == {
        "q": "copper tape",
        "line": 14,
        "expect": "section",
        "sections": ["Aphids on Roses"],
        "got": "answer",
        "section": "Slugs and Snails",
        "followup": False,
        "verbatim": True,
    }
    assert 0.0 <= first["confidence"] <= 1.0


def test_cli_json_when_all_pass(fixture_docs: Path, fixture_intents: Path) -> None:
    status, out = run_eval(ALL_PASS, fixture_docs, fixture_intents, "--json")
    assert status == 0
    assert json.loads(out)["failures"] == []


def test_cli_bad_case_file_exits_2_with_one_line(
    tmp_path: Path, fixture_docs: Path, fixture_intents: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("- q: hi\n  expect: greeting\n", encoding="utf-8")
    status, out = run_eval(path, fixture_docs, fixture_intents)
    assert (status, out) == (2, "")
    err = capsys.readouterr().err
    assert err == f"fibrochat: error: {path}:1: 'expect' must be one of section, smalltalk, safety, fallback\n"


def test_outcome_confidence_is_recorded(report: Report) -> None:
    assert all(isinstance(o, Outcome) and 0.0 <= o.confidence <= 1.0 for o in report.outcomes)
    assert any(o.confidence > 0 for o in report.outcomes)
