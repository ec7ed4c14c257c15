"""`fibrochat check`: the knowledge linter, on small fixtures with problems planted on purpose."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest

from fibrochat import Chatbot
from fibrochat.cli import main
from fibrochat.lint import Finding, format_findings, lint

LINT = Path(__file__).parent / "fixtures" / "lint"
CLEAN = LINT / "clean"
PROBLEMS = LINT / "problems"
BROKEN = LINT / "broken"
PROBLEMS_YAML = str(PROBLEMS / "bicycle.yaml")
PROBLEMS_MD = str(PROBLEMS / "bicycle.md")
TIE = "example question 'tyre pressure' of intent"
FINDING_LINE = re.compile(r"^\S+:\d+: (error|warning): \S.*$")


def check(documents: Path, intents: Path) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["check", "--documents", str(documents), "--intents", str(intents)], out=out)
    return status, out.getvalue()


@pytest.fixture(scope="module")
def problems() -> list[Finding]:
    return lint(Chatbot.from_paths(documents=[PROBLEMS], intents=[PROBLEMS]))


def located(findings: list[Finding], level: str, line: int, *words: str) -> list[Finding]:
    return [f for f in findings if f.level == level and f.line == line and all(w in f.message for w in words)]


# -- clean knowledge ---------------------------------------------------------------------------------


def test_clean_knowledge_has_no_findings() -> None:
    assert lint(Chatbot.from_paths(documents=[CLEAN], intents=[CLEAN])) == []


def test_clean_knowledge_exits_0_and_says_ok() -> None:
    status, out = check(CLEAN, CLEAN)
    assert status == 0
    assert out.strip() == "knowledge OK: no errors, no warnings"


def test_warnings_alone_exit_0(fixture_docs: Path, fixture_intents: Path) -> None:
    status, out = check(fixture_docs, fixture_intents)
    assert status == 0
    assert out.strip().splitlines()[-1] == "0 errors, 3 warnings in 1 file"


def test_garden_findings_are_its_thin_intents(garden_bot: Chatbot) -> None:
    findings = lint(garden_bot)
    assert {f.level for f in findings} == {"warning"}
    thin = sorted(m.group(1) for f in findings if (m := re.search(r"intent '([^']+)' has 2 example q", f.message)))
    assert len(thin) == len(findings)
    assert thin == ["aphids", "garden-out-of-scope", "slugs"]


# -- planted problems --------------------------------------------------------------------------------


def test_problems_exit_1_with_one_line_per_finding() -> None:
    status, out = check(PROBLEMS, PROBLEMS)
    assert status == 1
    *lines, summary = out.strip().splitlines()
    assert all(FINDING_LINE.match(line) for line in lines), lines
    assert re.fullmatch(r"2 errors, [67] warnings in 2 files", summary)


def test_exact_duplicate_example_across_intents_is_an_error(problems: list[Finding]) -> None:
    found = located(problems, "error", 15, "'tyre pressure'", "'puncture'", "'tyre-pressure'", "same question")
    assert len(found) == 1
    assert found[0].path == PROBLEMS_YAML
    assert f"{PROBLEMS_YAML}:8" in found[0].message  # where the first one is


def test_near_duplicate_example_across_intents_is_a_warning(problems: list[Finding]) -> None:
    found = located(problems, "warning", 27, "'how do i oil my bike chains'", "nearly duplicates", "'chain-oil'")
    assert len(found) == 1


def test_different_questions_citing_one_section_are_not_duplicates(problems: list[Finding]) -> None:
    assert not [f for f in problems if "duplicate" in f.message and "look after" in f.message]
    assert len([f for f in problems if "duplicate" in f.message or "same question" in f.message]) == 2


def test_duplicates_within_one_intent_are_left_alone(tmp_path: Path) -> None:
    intents = tmp_path / "intents.yaml"
    intents.write_text(
        "intents:\n"
        "  - id: chain-oil\n"
        "    questions: [how do i oil my chain, how do i oil my chain?, chain oil]\n"
        "    cites: [oiling-the-chain]\n",
        encoding="utf-8",
    )
    findings = lint(Chatbot.from_paths(documents=[CLEAN], intents=[intents]))
    assert not [f for f in findings if "same question" in f.message or "duplicates" in f.message]


def test_example_that_reaches_another_section_is_a_warning_on_its_line(problems: list[Finding]) -> None:
    """'tyre pressure' sits in two intents: whichever section wins, the other intent's copy misses."""
    found = [f for f in problems if f.message.startswith(TIE) and " gets " in f.message]
    assert found
    for finding in found:
        assert finding.level == "warning"
        assert finding.line in (8, 15)
        assert re.search(
            r" gets (answer|clarify) .*, not its section '(Fixing a Puncture|Pumping Up Tyres)'$", finding.message
        )


def test_intent_none_of_whose_examples_reach_it_is_an_error(problems: list[Finding]) -> None:
    found = located(problems, "error", 31, "none of the example questions", "'vague'")
    assert len(found) == 1
    for example in ("'what is it' gets fallback", "'tell me about it'", "'how about that'"):
        assert example in found[0].message
    assert not [f for f in problems if f.level == "warning" and "'vague'" in f.message]


def test_smalltalk_examples_must_reach_their_own_intent(tmp_path: Path) -> None:
    """Two smalltalk intents with the same examples: whichever wins, the other is never reached."""
    intents = tmp_path / "intents.yaml"
    intents.write_text(
        "intents:\n"
        "  - id: chain-oil\n"
        "    questions: [how do i oil my chain, chain oil, oiling a bike chain]\n"
        "    cites: [oiling-the-chain]\n"
        "  - id: hello\n"
        "    kind: smalltalk\n"
        "    questions: [hi, hello, good morning]\n"
        "    response: Hello!\n"
        "  - id: wave\n"
        "    kind: smalltalk\n"
        "    questions: [hi, hello, good morning]\n"
        "    response: Hi!\n",
        encoding="utf-8",
    )
    findings = lint(Chatbot.from_paths(documents=[CLEAN], intents=[intents]))
    assert [(f.level, f.line) for f in findings if "same question" in f.message] == [("error", 11)] * 3
    missed = [f for f in findings if "none of the example questions" in f.message]
    assert len(missed) == 1
    assert missed[0].level == "error"
    pattern = r"intent '(hello|wave)' reach the intent itself: 'hi' gets smalltalk \((hello|wave)\)"
    assert re.search(pattern, missed[0].message)


def test_uncited_section_whose_heading_does_not_reach_it_is_unreachable(problems: list[Finding]) -> None:
    found = [f for f in problems if "unreachable section" in f.message]
    assert len(found) == 1
    assert (found[0].level, found[0].path, found[0].line) == ("warning", PROBLEMS_MD, 25)
    assert "'What to Do Next'" in found[0].message


def test_uncited_section_that_its_heading_reaches_is_fine(tmp_path: Path) -> None:
    intents = tmp_path / "intents.yaml"
    intents.write_text(
        "intents:\n"
        "  - id: tyre-pressure\n"
        "    questions: [how often should i pump up my tyres, tyre pressure, what pressure for road tyres]\n"
        "    cites: [pumping-up-tyres]\n",
        encoding="utf-8",
    )
    findings = lint(Chatbot.from_paths(documents=[CLEAN], intents=[intents]))
    assert not [f for f in findings if "unreachable" in f.message]


def test_lead_with_words_its_passages_lack_is_a_warning(problems: list[Finding]) -> None:
    found = located(problems, "warning", 17, "lead of intent 'puncture'")
    assert len(found) == 1
    assert "ten, minutes, with, repair, kit" in found[0].message
    assert not [f for f in problems if "lead of intent 'tyre-pressure'" in f.message]


def test_suggestion_without_an_answer_is_a_warning(problems: list[Finding]) -> None:
    found = located(problems, "warning", 18, "suggestion 'How do I true a buckled wheel?'", "gets fallback")
    assert len(found) == 1


def test_intent_with_fewer_than_three_examples_is_a_warning(problems: list[Finding]) -> None:
    found = located(problems, "warning", 37, "intent 'hello' has 2 example questions")
    assert len(found) == 1


def test_every_problem_is_accounted_for(problems: list[Finding]) -> None:
    """No surprise findings: each one above, and nothing else."""
    ties = [f for f in problems if f.message.startswith(TIE) and " gets " in f.message]
    assert [(f.level, Path(f.path).name, f.line) for f in problems if f not in ties] == [
        ("warning", "bicycle.md", 25),
        ("error", "bicycle.yaml", 15),
        ("warning", "bicycle.yaml", 17),
        ("warning", "bicycle.yaml", 18),
        ("warning", "bicycle.yaml", 27),
        ("error", "bicycle.yaml", 31),
        ("warning", "bicycle.yaml", 37),
    ]


# -- knowledge that cannot be loaded -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "problem"),
    [
        ("bad-yaml.yaml", 4, "invalid YAML"),
        ("unknown-key.yaml", 5, "unknown key 'answer'"),  # the line of the key itself
        ("dangling-anchor.yaml", 6, "cites 'adjusting-the-brakes', which no section has"),
        ("duplicate-id.yaml", 6, "duplicate intent id 'tyre-pressure'"),
    ],
)
def test_schema_errors_exit_2_with_one_line(
    name: str, line: int, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = check(CLEAN, BROKEN / name)
    assert status == 2
    assert out == ""
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{BROKEN / name}:{line}: " in err
    assert problem in err
    assert "Traceback" not in err


# -- formatting --------------------------------------------------------------------------------------


def test_format_findings_lines_and_summary() -> None:
    findings = [
        Finding("error", "a.yaml", 3, "first"),
        Finding("warning", "a.yaml", None, "second"),
        Finding("warning", "b.md", 7, "third"),
    ]
    assert format_findings(findings).splitlines() == [
        "a.yaml:3: error: first",
        "a.yaml: warning: second",
        "b.md:7: warning: third",
        "1 error, 2 warnings in 2 files",
    ]


def test_format_findings_when_clean() -> None:
    assert format_findings([]) == "knowledge OK: no errors, no warnings"


def test_findings_are_frozen() -> None:
    finding = Finding("warning", "a.yaml", 1, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.level = "error"  # type: ignore[misc]
