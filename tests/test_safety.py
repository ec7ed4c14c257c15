"""The safety layer as a mechanism: runs first on every turn, replies from data, regions, typos, load errors.

Uses the garden fixture with a small safety file of its own (tests/fixtures/safety/), so nothing here
depends on the curated fibromyalgia content (see test_safety_content.py for that).
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fibrochat import Chatbot, ContentError, safety, safety_patterns, safety_rules
from fibrochat.cli import main
from fibrochat.intents import load_intent_file
from fibrochat.model import Context
from fibrochat.safety import EXACT_CONFIDENCE, INFERRED_CONFIDENCE, SafetyLayer
from fibrochat.safety_patterns import Analyser, anchors, expand, skeleton
from fibrochat.safety_rules import parse_safety

FIXTURES = Path(__file__).parent / "fixtures"
SAFETY = FIXTURES / "safety"


@pytest.fixture(scope="module")
def safe_garden(fixture_docs: Path, fixture_intents: Path) -> Chatbot:
    """The garden fixture with the fixture safety rules (region: the default)."""
    return Chatbot.from_paths(documents=[fixture_docs], intents=[fixture_intents, SAFETY])


def _bot(fixture_docs: Path, fixture_intents: Path, region: str | None) -> Chatbot:
    return Chatbot.from_paths(documents=[fixture_docs], intents=[fixture_intents, SAFETY], region=region)


def _knowledge_args(fixture_docs: Path, fixture_intents: Path) -> list[str]:
    return ["--documents", str(fixture_docs), "--intents", str(fixture_intents), "--intents", str(SAFETY)]


# -- the reply ------------------------------------------------------------------------------------------


def test_a_safety_message_gets_the_category_reply_with_the_region_numbers(safe_garden: Chatbot) -> None:
    reply = safe_garden.ask("please help me now")
    assert reply.kind == "safety"
    assert reply.intent == "fixture-urgent"
    assert reply.text == "Urgent (Home): call 555 0100 now. Call the home line on 555 0199."
    assert reply.citations == ()
    assert reply.disclaimer == safe_garden.messages.disclaimer
    assert reply.confidence == EXACT_CONFIDENCE
    assert reply.suggestions == ()


def test_the_json_shape_of_a_safety_reply(safe_garden: Chatbot) -> None:
    data = safe_garden.ask("EMERGENCY!!!").to_dict()
    assert data["kind"] == "safety"
    assert data["citations"] == []
    assert data["disclaimer"]
    assert data["intent"] == "fixture-urgent"
    assert 0.0 < data["confidence"] <= 1.0
    assert set(data) == {"kind", "text", "citations", "disclaimer", "intent", "confidence", "suggestions"}


def test_safety_comes_before_retrieval(safe_garden: Chatbot) -> None:
    assert safe_garden.ask("how often should i water tomatoes").kind == "answer"
    reply = safe_garden.ask("how often should i water tomatoes, emergency")
    assert reply.kind == "safety"
    assert reply.citations == ()


def test_ordinary_garden_questions_are_not_caught(safe_garden: Chatbot) -> None:
    for intent in safe_garden.knowledge.intents:
        for question in intent.questions:
            assert safe_garden.ask(question).kind != "safety", question


def test_advice_offers_general_reading_clearly_apart(safe_garden: Chatbot) -> None:
    reply = safe_garden.ask("how much fertiliser for my tomatoes should i use")
    assert reply.kind == "safety"
    assert reply.intent == "fixture-advice"
    assert reply.citations == ()
    assert reply.suggestions, "a related general section is offered as reading"
    assert all("tomato" in s.lower() for s in reply.suggestions)
    assert reply.text.startswith("Ask a gardener, not me.")
    assert reply.text.endswith("Reading, not advice:")


def test_no_reading_is_offered_without_a_subject_or_for_other_categories(safe_garden: Chatbot) -> None:
    assert safe_garden.ask("how much weedkiller should i use").suggestions == ()
    assert safe_garden.ask("tomatoes emergency").suggestions == ()


# -- every turn, and the context ------------------------------------------------------------------------


def test_safety_runs_on_follow_ups_and_leaves_the_subject_alone(safe_garden: Chatbot) -> None:
    conversation = safe_garden.conversation()
    assert conversation.ask("how often should i water tomatoes").kind == "answer"
    before = conversation.context
    reply = conversation.ask("help me now")
    assert reply.kind == "safety"
    assert replace(conversation.context, safety=None) == before


def test_a_follow_up_pronoun_stands_for_the_last_subject(safe_garden: Chatbot) -> None:
    assert safe_garden.ask("can i double it").kind != "safety"  # no subject to lean on
    conversation = safe_garden.conversation()
    conversation.ask("how often should i water tomatoes")
    reply = conversation.ask("can i double it")
    assert reply.kind == "safety"
    assert reply.intent == "fixture-advice"
    assert reply.confidence == INFERRED_CONFIDENCE


def test_a_follow_up_that_opens_with_a_swap_word_is_read_with_the_last_subject(safe_garden: Chatbot) -> None:
    """"what about for my dog?" after tomatoes asks about tomatoes for the dog."""
    assert safe_garden.ask("what about for my dog?").kind != "safety"  # no subject to lean on
    conversation = safe_garden.conversation()
    conversation.ask("how often should i water tomatoes")
    assert conversation.ask("what about for my dog?").intent == "fixture-advice"
    assert conversation.ask("and my dog?").kind != "safety"  # the subject alone is no pattern


def test_fillers_are_read_past(safe_garden: Chatbot) -> None:
    """"help me just now" meets 'help me now'; a filler inside a word, or a word left out, does not."""
    assert safe_garden.ask("help me just now").intent == "fixture-urgent"
    assert safe_garden.ask("can i i think double the fertiliser").intent == "fixture-advice"
    assert safe_garden.ask("help me justnow").kind != "safety"
    assert safe_garden.ask("help me just").kind != "safety"


def test_answer_is_pure_for_safety_and_only_notes_the_category(safe_garden: Chatbot) -> None:
    context = Context(topic="tomatoes", section=None, aspect=(), turns=3)
    reply, after = safe_garden.answer("help me now", context)
    assert reply.kind == "safety"
    assert after == Context(topic="tomatoes", section=None, aspect=(), turns=3, safety="fixture-urgent")


def test_playing_down_a_safety_reply_gets_it_again_but_only_right_after_it(safe_garden: Chatbot) -> None:
    conversation = safe_garden.conversation()
    conversation.ask("help me now")
    again = conversation.ask("I'll wait and see")
    assert (again.kind, again.intent) == ("safety", "fixture-urgent")
    assert again.confidence < 0.9  # inferred from the turn before, not said outright
    assert conversation.ask("how often should i water tomatoes").kind == "answer"
    assert conversation.ask("it's fine now").kind != "safety"  # the answer in between ended it
    assert safe_garden.ask("I'll wait and see").kind != "safety"  # with nothing before it, nothing to play down


def test_empty_input_is_not_a_safety_message(safe_garden: Chatbot) -> None:
    assert safe_garden.ask("   ?! ").kind != "safety"


# -- typos and known words ------------------------------------------------------------------------------


def test_typos_of_distinctive_words_are_caught_with_less_confidence(safe_garden: Chatbot) -> None:
    reply = safe_garden.ask("emergancy")
    assert reply.kind == "safety"
    assert reply.confidence == INFERRED_CONFIDENCE
    assert safe_garden.ask("how much weedkiler should i use").kind == "safety"


def test_known_words_are_never_corrected_into_safety_words(safe_garden: Chatbot) -> None:
    assert safe_garden.ask("the emergence of aphids on roses").kind != "safety"


def test_case_and_punctuation_do_not_matter(safe_garden: Chatbot) -> None:
    for text in ("HELP ME NOW", "help... me!!! now", "Help me, NOW?"):
        assert safe_garden.ask(text).kind == "safety", text


# -- regions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["away", "AWAY", " abroad ", "far away", "Far-Away"])
def test_the_region_and_its_aliases_pick_the_numbers(fixture_docs: Path, fixture_intents: Path, region: str) -> None:
    bot = _bot(fixture_docs, fixture_intents, region)
    assert bot.safety.region.id == "away"
    assert bot.safety.region_note is None
    assert bot.ask("help me now").text == "Urgent (Away): call 555 0200 now. Call the away line on 555 0299."


@pytest.mark.parametrize("region", [None, "", "default", "house"])
def test_no_region_means_the_default(fixture_docs: Path, fixture_intents: Path, region: str | None) -> None:
    bot = _bot(fixture_docs, fixture_intents, region)
    assert bot.safety.region.id == "home"
    assert bot.safety.region_note is None
    assert "555 0100" in bot.ask("help me now").text


def test_an_unknown_region_falls_back_with_a_one_line_note(fixture_docs: Path, fixture_intents: Path) -> None:
    bot = _bot(fixture_docs, fixture_intents, "mars")
    assert bot.safety.region.id == "home"
    note = "(No numbers for mars; using the home ones. Known: home, away.)"
    assert bot.safety.region_note == note
    reply = bot.ask("help me now")
    first, rest = reply.text.split("\n\n", 1)
    assert first == note
    assert rest == "Urgent (Home): call 555 0100 now. Call the home line on 555 0199."
    assert bot.ask("how often should i water tomatoes").text.count("mars") == 0


# -- the packaged rules when the knowledge has none -----------------------------------------------------


def test_knowledge_without_safety_rules_gets_the_packaged_ones(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("i want to die")
    assert reply.kind == "safety"
    assert reply.citations == ()
    assert garden_bot.ask("how do i get rid of aphids on roses").kind == "answer"


def test_a_knowledge_base_of_its_own_replaces_the_packaged_rules(safe_garden: Chatbot) -> None:
    assert [c.id for c in safe_garden.safety.rules.categories] == ["fixture-urgent", "fixture-advice"]


# -- the command line -------------------------------------------------------------------------------------


def test_cli_region_option(fixture_docs: Path, fixture_intents: Path) -> None:
    out = io.StringIO()
    status = main(["ask", *_knowledge_args(fixture_docs, fixture_intents), "--region", "away", "help me now"], out=out)
    assert status == 0
    assert "555 0200" in out.getvalue()


def test_cli_region_before_the_command(fixture_docs: Path, fixture_intents: Path) -> None:
    out = io.StringIO()
    status = main(["--region", "away", "ask", *_knowledge_args(fixture_docs, fixture_intents), "help me now"], out=out)
    assert status == 0
    assert "555 0200" in out.getvalue()


def test_cli_region_from_the_environment(
    fixture_docs: Path, fixture_intents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIBROCHAT_REGION", "away")
    out = io.StringIO()
    assert main(["ask", *_knowledge_args(fixture_docs, fixture_intents), "help me now"], out=out) == 0
    assert "555 0200" in out.getvalue()
    out = io.StringIO()  # the option wins over the environment
    argv = ["ask", *_knowledge_args(fixture_docs, fixture_intents), "--region", "home", "help me now"]
    assert main(argv, out=out) == 0
    assert "555 0100" in out.getvalue()


def test_cli_unknown_region_is_a_note_on_stderr_not_an_error(
    fixture_docs: Path, fixture_intents: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ask", *_knowledge_args(fixture_docs, fixture_intents), "--region", "mars", "--json", "help me"]
    status = main(argv, out=io.StringIO())
    assert status == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "mars" in err and "home" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["--help"], ["ask", "--help"], ["eval", "--help"], ["check", "--help"]])
def test_cli_help_documents_the_region_option(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv, out=io.StringIO()) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "--region CODE" in shown
    assert "FIBROCHAT_REGION" in shown


# -- loading: clear errors naming file and line -----------------------------------------------------------

_GOOD_REGIONS = """
  default_region: home
  regions:
    home: {name: Home, emergency: "1", crisis: "2"}
"""


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("safety:\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (_GOOD_REGIONS + "  colour: red\n", "unknown key 'colour'"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['(unclosed']\n",
         "invalid pattern"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['{nowhere} now']\n",
         "no word list {nowhere}"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: 'call {police}'\n      patterns: [help]\n",
         "unknown field {police}"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['(help)?']\n",
         "matches an empty message"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['... help']\n",
         "'...' must stand between words"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['(?P<n>help)']\n",
         "named groups"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['help)|(me']\n",
         "invalid pattern"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['(?i)help']\n",
         "invalid pattern"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n", "has no 'patterns'"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: [a]\n"
         "      afterwards: 3\n", "afterwards must be a non-empty list"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: [a]\n"
         "      afterwards: ['(ok']\n", "invalid pattern"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: [a]\n"
         "    - id: x\n      response: hi\n      patterns: [b]\n", "duplicate safety category id 'x'"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: [a]\n"
         "      further_reading: 1\n", "further_reading must be true or false"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: [Help]\n",
         "lower case"),
        (_GOOD_REGIONS + "  words:\n    pet: ['(cat']\n", "invalid pattern"),
        ("  default_region: mars\n  regions:\n    home: {name: Home, emergency: '1', crisis: '2'}\n",
         "default_region 'mars' is not one of the regions"),
        ("  default_region: home\n  regions:\n    home: {name: Home, crisis: '2'}\n", "has no 'emergency'"),
        ("  default_region: home\n", "no 'regions'"),
        ("  default_region: home\n  regions:\n    home:\n      name: Home\n      emergency: 000\n      crisis: x\n",
         "must be quoted text"),
        ("  default_region: home\n  unknown_region: '{region} {where}'\n  regions:\n"
         "    home: {name: Home, emergency: '1', crisis: '2'}\n", "unknown field {where}"),
        ("  - just a list\n", "'safety' must be a mapping"),
    ],
)
def test_bad_safety_data_is_a_content_error_naming_file_and_line(
    tmp_path: Path, fixture_docs: Path, body: str, problem: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ContentError) as caught:
        Chatbot.from_paths(documents=[fixture_docs], intents=[path])
    assert caught.value.path == str(path)
    assert caught.value.line is not None
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("  default_region: home\n  regions:\n    home:\n      name: Home\n      emergency: '1'\n      crisis: ''\n",
         7, "region 'home' crisis"),
        (_GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: [a]\n"
         "      further_reading: 1\n", 10, "further_reading must be true or false"),
        (_GOOD_REGIONS + "  words:\n    pet: [cat]\n    Bad-Name: [dog]\n", 8, "word list 'Bad-Name'"),
    ],
)
def test_a_bad_safety_field_is_reported_on_its_own_line(
    tmp_path: Path, fixture_docs: Path, body: str, line: int, problem: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ContentError) as caught:
        Chatbot.from_paths(documents=[fixture_docs], intents=[path])
    assert problem in caught.value.problem
    assert caught.value.line == line


def test_a_content_error_is_one_line_on_stderr_with_status_2(
    tmp_path: Path, fixture_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, _GOOD_REGIONS + "  categories:\n    - id: x\n      response: hi\n      patterns: ['(']\n")
    status = main(["ask", "--documents", str(fixture_docs), "--intents", str(path), "hello"], out=io.StringIO())
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{path}:" in err


@pytest.mark.parametrize(
    ("expression", "words", "prefixes"),
    [
        ("help me now", {"help"}, set()),
        ("(kill|end) (my|your)self", {"kill", "end"}, set()),
        ("(just |please )?kill me", {"just", "please", "kill"}, set()),
        ("suicid\\w*|self ?harm", {"self", "selfharm"}, {"suicid"}),
        ("biologics?( drugs?)?", {"biologic", "biologics"}, set()),
        ("(?<!low )(doses?|dosing)(?! ldn)", {"dose", "doses", "dosing"}, set()),
        ("ki?l+ me", set(), {"kil", "kl"}),
        ("(?:i|im)(?: [a-z0-9]+){0,3} chest", {"i", "im"}, set()),
    ],
)
def test_anchors_are_the_beginnings_of_a_matchs_first_word(
    expression: str, words: set[str], prefixes: set[str]
) -> None:
    found = anchors(expression)
    assert found is not None
    assert (set(found.words), set(found.prefixes)) == (words, prefixes)


@pytest.mark.parametrize("expression", ["\\d+ mg", "(\\w+ )?help", "[a-z]+ help", ".elp", "(help)?"])
def test_a_pattern_that_may_begin_anywhere_has_no_anchors(expression: str) -> None:
    assert anchors(expression) is None


def test_the_gap_and_word_lists_expand_to_a_plain_regular_expression() -> None:
    words = {"pet": ("cat", "dog")}
    assert expand("feed ... {pet}", words, "f.yaml", 1) == "feed(?: [a-z0-9]+){0,3} (?:cat|dog)"
    with pytest.raises(ContentError):
        expand("feed...{pet}", words, "f.yaml", 1)


def test_rules_from_several_files_merge_and_refuse_doubles() -> None:
    first = {"default_region": "home", "regions": {"home": {"name": "H", "emergency": "1", "crisis": "2"}}}
    second = {"categories": [{"id": "x", "response": "call {emergency}", "patterns": ["help"]}]}
    rules = parse_safety([(first, "a.yaml", 1), (second, "b.yaml", 1)])
    layer = SafetyLayer(rules)
    hit = layer.check("help")
    assert hit is not None
    assert layer.reply(hit, disclaimer="d").text == "call 1"
    with pytest.raises(ContentError, match="set twice"):
        parse_safety([(first, "a.yaml", 1), ({"default_region": "home"}, "b.yaml", 3)])


_WORDS = {
    "pet": ("cat", "dogs?", "guinea pig", "(big|small) fish", "\\d+ (hens|ducks)", "pony|horse"),
    "to": ("to ", "2 "),
}


@pytest.mark.parametrize(
    "pattern",
    [
        "feed ... {pet}",
        "{pet} food",
        "({pet}|bird) food",
        "{pet}s? food",
        "(my )?{pet} ate",
        "(?:our|their) {pet}",
        "want {to}?(feed|walk) {pet}",
        "{to}?{pet}",
        "[{pet}] x",
        "how much {pet} ... should i (use|add)",
    ],
)
def test_a_word_list_is_read_like_the_expression_it_stands_for(pattern: str) -> None:
    """The analysis reads each word list once, where it is referred to; the result is the expansion's."""
    source = skeleton(pattern, _WORDS, "f.yaml", 1)
    assert Analyser(_WORDS).anchors(source) == anchors(expand(pattern, _WORDS, "f.yaml", 1))


@pytest.mark.parametrize(
    ("expression", "words", "prefixes"),
    [
        ("help me now", {"now"}, set()),
        ("how much {pet} ... should i (use|add)", {"use", "add"}, set()),
        ("(kill|end) (my|your)self", {"myself", "yourself"}, set()),
        ("(a|b) x|c (y|z) ?w", {"x", "y", "z", "yw", "zw"}, set()),
        ("{pet} (is|are) (missing|ill)", {"missing", "ill"}, set()),
        ("emergency", {"emergency"}, set()),  # no space: its own first word
        ("suicid\\w*|self ?harm", {"self", "selfharm"}, {"suicid"}),
        ("\\d+ mg", {"mg"}, set()),
        ("give {pet} ... to", {"to"}, set()),
    ],
)
def test_the_words_a_match_needs_follow_its_last_plain_space(
    expression: str, words: set[str], prefixes: set[str]
) -> None:
    found = Analyser(_WORDS).required(expression)
    assert found is not None
    assert (set(found.words), set(found.prefixes)) == (words, prefixes)


@pytest.mark.parametrize("expression", ["\\d+ ?mg", "[a-z]+ ?help", "(help|\\w+)"])
def test_no_needed_word_when_none_can_be_worked_out(expression: str) -> None:
    assert Analyser({}).required(expression) is None


def _counting_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    real = safety_patterns.compile_pattern

    def counting(pattern: str, *args: Any) -> re.Pattern[str]:
        compiled.append(pattern)
        return real(pattern, *args)

    monkeypatch.setattr(safety, "compile_pattern", counting)
    return compiled


def _fixture_rules(path: Path = SAFETY / "safety.yaml") -> safety_rules.SafetyRules:
    loaded = load_intent_file(path, frozenset({"safety"}))
    return parse_safety((value, loaded.path, line) for key, value, line in loaded.extra if key == "safety")


def test_a_curators_own_rules_are_all_compiled_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = _counting_compiles(monkeypatch)
    rules = _fixture_rules()
    assert not rules.packaged
    SafetyLayer(rules)
    expected = [pattern for category in rules.categories for pattern in category.patterns]
    expected += [pattern for category in rules.categories for pattern in category.afterwards]
    assert compiled == expected


def test_the_packaged_rules_are_compiled_when_a_message_could_first_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged file is compiled in full by the test suite, so loading it only reads its patterns."""
    monkeypatch.setattr(safety_rules, "_packaged_file", lambda: str(SAFETY / "safety.yaml"))
    compiled = _counting_compiles(monkeypatch)
    rules = _fixture_rules()
    assert rules.packaged
    layer = SafetyLayer(rules)
    assert compiled == []
    assert layer.check("how often should i water tomatoes") is None  # 'how' begins a pattern that needs 'use'
    assert compiled == []
    for _ in range(2):
        hit = layer.check("please help me now")
        assert hit is not None and hit.pattern == "help me now"
    assert compiled == ["help me now"]  # once
    assert layer.scan("nothing to see here") is None  # the reference tries every pattern
    assert sorted(compiled) == sorted(pattern for category in rules.categories for pattern in category.patterns)


def test_a_mistake_in_the_packaged_rules_is_named_when_the_pattern_is_first_needed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = "  categories:\n    - id: x\n      response: hi\n      patterns: ['help me{2,1}']\n"
    path = _write(tmp_path, _GOOD_REGIONS + bad)
    monkeypatch.setattr(safety_rules, "_packaged_file", lambda: str(path))
    layer = SafetyLayer(_fixture_rules(path))
    assert layer.check("hello there") is None
    with pytest.raises(ContentError) as caught:
        layer.check("help me")
    assert caught.value.path == str(path)
    assert "invalid pattern" in caught.value.problem


def test_the_first_messages_from_many_threads_get_the_same_answers(fixture_docs: Path) -> None:
    """Compiling on first use is shared work: threads racing for it see one result."""
    messages = ["help me now", "emergency", "how much weedkiller should i add", "can i stop the fertiliser", "hi"]
    expected = [_LAYER.check(message) for message in messages]
    layer = SafetyLayer(_fixture_rules())
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: [layer.check(m) for m in messages[i % 5 :] + messages[: i % 5]], range(40)))
    for i, result in enumerate(results):
        assert result == expected[i % 5 :] + expected[: i % 5]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_checked_without_error(text: str) -> None:
    layer = _LAYER
    hit = layer.check(text, "tomatoes")
    assert hit is None or hit.category.id in {"fixture-urgent", "fixture-advice"}


_LAYER = SafetyLayer.from_sections(
    (value, loaded.path, line)
    for loaded in [load_intent_file(SAFETY / "safety.yaml", frozenset({"safety"}))]
    for key, value, line in loaded.extra
    if key == "safety"
)
