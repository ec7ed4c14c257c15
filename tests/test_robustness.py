"""Whatever a person types (or a curator writes), fibrochat answers without breaking or leaking escape codes."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fibrochat import Chatbot, Reply
from fibrochat.cli import main
from fibrochat.engine import MAX_QUESTION_CHARS
from fibrochat.render import json_line, render_reply
from fibrochat.text import printable

KINDS = {"answer", "clarify", "smalltalk", "safety", "fallback"}
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # everything but tab and newline that a terminal obeys

HOSTILE = {
    "empty": "",
    "blank": " \t\n  \r\n ",
    "one char": "a",
    "one digit": "7",
    "punctuation": "?!?...",
    "control chars": "\x01\x02\x07\x08 tomatoes \x7f\x9b",
    "ansi escapes": "\x1b[31mhow often\x1b[0m should i \x1b]0;pwned\x07water \x1b[2Jtomatoes",
    "emoji": "🍅🍅 how often should i water tomatoes 💧",
    "emoji only": "🍅💧🐌",
    "rtl": "كم مرة يجب أن أسقي الطماطم",
    "rtl override": "\u202ehow often should i water tomatoes\u202c",
    "mixed scripts": "how often 水 should i water томаты tomatoes",
    "cjk": "番茄多久浇一次水",
    "lone surrogates": "\ud800how often\udfff water tomatoes \udc80",
    "nul": "how often\x00should i water\x00tomatoes",
    "only nul": "\x00\x00\x00",
    "zero width": "\u200b\u200c\u200d\ufeff",
    "combining marks": "\u0301\u0301\u0301",
    "fullwidth": "ｈｏｗ ｏｆｔｅｎ ｓｈｏｕｌｄ ｉ ｗａｔｅｒ ｔｏｍａｔｏｅｓ",
    "ligature": "ﬁnd aphids",
    "max codepoint": "\U0010ffff",
    "long word": "x" * 5000,
    "many words": "tomatoes " * 500,
    "quotes": "“how often” should i ‘water’ tomatoes",
    "html": "<script>alert('x')</script> aphids",
    "format string": "{0} {limit} %s %(x)s aphids",
    "yaml": "- id: x\n  kind: faq\n!!python/object:os.system",
}

VOCABULARY = [
    "how", "often", "water", "tomatoes", "tomato", "aphids", "roses", "slugs", "snails", "lettuce", "signs",
    "overwatering", "yellow", "leaves", "soil", "ladybirds", "copper", "tape", "hello", "hi", "what", "about",
    "it", "them", "they", "and", "greenhouse", "lawn", "mower", "?", "watr", "tomatos", "aphid", "why",
]
JUNK = ["\x1b[31m", "\x00", "\u202e", "😀", "\ud800", "\r\n", "\t", "؟", "é", "ﬁ", "\x9b", "'", "“", "-", "{}"]

any_text = st.text(st.characters(exclude_categories=()), max_size=300)  # surrogates and controls included
word_salad = st.lists(st.sampled_from(VOCABULARY + JUNK), max_size=14).map(" ".join)
glued = st.lists(st.sampled_from(VOCABULARY + JUNK), max_size=10).map("".join)
questions = st.one_of(any_text, word_salad, glued)


def check_reply(bot: Chatbot, reply: Reply) -> None:
    """A valid Reply: known kind, readable text, JSON-serialisable, every quote verbatim in its document."""
    assert isinstance(reply, Reply)
    assert reply.kind in KINDS
    assert isinstance(reply.text, str) and reply.text.strip()
    assert 0.0 <= reply.confidence <= 1.0
    data = reply.to_dict()
    assert json.loads(json.dumps(data)) == data
    json.dumps(data, ensure_ascii=True).encode("ascii")
    reply.text.encode("utf-8")  # no lone surrogates leak into a reply
    documents = {document.title: document for document in bot.knowledge.documents}
    for citation in reply.citations:
        assert citation.quote in documents[citation.document].text
    if reply.kind in ("answer", "clarify"):
        assert reply.disclaimer


def check_printable(text: str) -> None:
    assert not UNSAFE.search(text), repr(text)


# -- chosen inputs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", list(HOSTILE.values()), ids=list(HOSTILE))
def test_any_input_gets_a_valid_reply(garden_bot: Chatbot, question: str) -> None:
    reply = garden_bot.ask(question)
    check_reply(garden_bot, reply)
    check_printable(render_reply(reply, footer=garden_bot.messages.disclaimer_short))
    check_printable(render_reply(reply, width=40, numbered=True))
    check_printable(json_line(reply.to_dict()))


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "?!?", "🍅💧", "\x00\x00", "\u200b"])
def test_nothing_to_read_asks_for_a_question(garden_bot: Chatbot, question: str) -> None:
    reply = garden_bot.ask(question)
    assert reply.kind == "fallback"
    assert reply.text == garden_bot.messages.empty
    assert reply.suggestions


@pytest.mark.parametrize("question", ["كم مرة يجب أن أسقي الطماطم", "番茄多久浇一次水", "Как поливать помидоры"])
def test_words_we_cannot_read_get_the_honest_fallback(garden_bot: Chatbot, question: str) -> None:
    reply = garden_bot.ask(question)
    assert reply.kind == "fallback"
    assert reply.text.startswith(garden_bot.messages.fallback)


def test_noise_around_a_question_does_not_hide_it(garden_bot: Chatbot) -> None:
    for question in (HOSTILE["ansi escapes"], HOSTILE["nul"], HOSTILE["lone surrogates"], HOSTILE["fullwidth"]):
        reply = garden_bot.ask(question)
        assert reply.kind == "answer", question
        assert reply.citations[0].anchor == "how-often-to-water-tomatoes"


def test_one_megabyte_is_cut_with_a_note(garden_bot: Chatbot) -> None:
    note = garden_bot.messages.truncated.format(limit=MAX_QUESTION_CHARS)
    reply = garden_bot.ask("how often should i water tomatoes " * 30_000)  # about 1 MB
    check_reply(garden_bot, reply)
    assert note in reply.text
    huge = garden_bot.ask("x" * 1_000_000)
    check_reply(garden_bot, huge)
    assert note in huge.text


def test_the_limit_counts_what_was_typed_not_padding(garden_bot: Chatbot) -> None:
    note = garden_bot.messages.truncated.format(limit=MAX_QUESTION_CHARS)
    padded = " " * 5000 + "how often should i water tomatoes" + "\n" * 5000
    reply = garden_bot.ask(padded)
    assert note not in reply.text
    assert reply == garden_bot.ask("how often should i water tomatoes")


def test_a_question_just_over_the_limit_is_still_answered(garden_bot: Chatbot) -> None:
    question = "how often should i water tomatoes " + "please " * (MAX_QUESTION_CHARS // 7)
    assert len(question.strip()) > MAX_QUESTION_CHARS
    reply = garden_bot.ask(question)
    check_reply(garden_bot, reply)
    assert garden_bot.messages.truncated.format(limit=MAX_QUESTION_CHARS) in reply.text


@pytest.mark.parametrize("bad", [None, b"how often should i water tomatoes", 42, ["tomatoes"], object()])
def test_a_question_must_be_text(garden_bot: Chatbot, bad: object) -> None:
    with pytest.raises(TypeError, match="question must be a str"):
        garden_bot.ask(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="question must be a str"):
        garden_bot.conversation().ask(bad)  # type: ignore[arg-type]


# -- property tests ---------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=questions)
def test_ask_never_breaks(garden_bot: Chatbot, question: str) -> None:
    reply = garden_bot.ask(question)
    check_reply(garden_bot, reply)
    assert garden_bot.ask(question) == reply
    check_printable(render_reply(reply, footer="footer", width=60))
    check_printable(json_line(reply.to_dict()))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=st.lists(questions, min_size=1, max_size=8))
def test_conversation_never_breaks(garden_bot: Chatbot, turns: list[str]) -> None:
    conversation = garden_bot.conversation()
    for question in turns:
        reply = conversation.ask(question)
        check_reply(garden_bot, reply)
        assert conversation.last is reply
        check_printable(render_reply(reply))


@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_printable_leaves_nothing_a_terminal_obeys(text: str) -> None:
    check_printable(printable(text))


def test_printable_keeps_text_and_drops_sequences() -> None:
    assert printable("a\x1b[1;31mred\x1b[0m b") == "ared b"
    assert printable("x\x1b]8;;http://e.vil\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"
    assert printable("bell\x07 csi\x9b2J") == "bell csi2J"
    assert printable("line\r\nnext\rthird\tcol") == "line\nnext\nthird\tcol"
    assert printable("“LDN’s” é 水 🍅") == "“LDN’s” é 水 🍅"
    assert printable("\u202eevil\u202c \u2066isolated\u2069") == "evil isolated"  # bidi overrides reorder lines


# -- hostile knowledge ------------------------------------------------------------------------------------

EVIL_DOC = """\
---
title: "Evil \\e[2J Guide"
---

## Red \x1b[31mTomatoes\x1b[0m

Water \x1b]0;owned\x07tomatoes twice a week.\x9b2J Ring the bell\x07 now.
"""

EVIL_INTENTS = """\
intents:
  - id: evil-tomatoes
    questions: [how often should i water red tomatoes]
    cites: [red-tomatoes]
    lead: "Twice a week. \\e[5m"
    suggestions: ["\\e]0;title\\a What else?"]
  - id: evil-hello
    kind: smalltalk
    questions: [hello]
    response: "Hi \\e[2J\\x9b1m there"
"""


@pytest.fixture(scope="module")
def evil_bot(tmp_path_factory: pytest.TempPathFactory) -> Chatbot:
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil.md").write_text(EVIL_DOC, encoding="utf-8")
    (folder / "evil.yaml").write_text(EVIL_INTENTS, encoding="utf-8")
    return Chatbot.from_paths(documents=[folder / "evil.md"], intents=[folder / "evil.yaml"])


def test_knowledge_cannot_inject_escape_sequences(evil_bot: Chatbot) -> None:
    for question in ("how often should i water red tomatoes", "hello", "ring the bell", "nothing here"):
        reply = evil_bot.ask(question)
        check_reply(evil_bot, reply)
        check_printable(render_reply(reply, footer=evil_bot.messages.disclaimer_short))
        check_printable(render_reply(reply, width=30, numbered=True))
        line = json_line(reply.to_dict())
        check_printable(line)
        assert json.loads(line) == reply.to_dict()
    answer = evil_bot.ask("how often should i water red tomatoes")
    assert answer.kind == "answer"
    assert "\x1b" in answer.citations[0].quote  # the data keeps the bytes; only printing makes them harmless


def test_cli_output_is_clean_for_hostile_knowledge(evil_bot: Chatbot, tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "evil.md").write_text(EVIL_DOC, encoding="utf-8")
    (folder / "evil.yaml").write_text(EVIL_INTENTS, encoding="utf-8")
    knowledge = ["--documents", str(folder / "evil.md"), "--intents", str(folder / "evil.yaml")]
    for extra in ([], ["--json"]):
        out = io.StringIO()
        assert main(["ask", *knowledge, *extra, "how often should i water red tomatoes \x1b[2J"], out=out) == 0
        check_printable(out.getvalue().replace("\n", ""))


# -- piped stdin ------------------------------------------------------------------------------------------


def test_piped_stdin_with_invalid_utf8_and_garbage(
    fixture_docs: Path, fixture_intents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fibrochat.batch")
    raw = (
        b"how often should i water tomatoes\n"
        b"\xff\xfe\xc3\x28 broken \x80 bytes\n"
        b"\x1b[2J\x00\x07\n"
        b"\n"
        + "🍅 كم مرة \u202e".encode()
        + b"\n"
        + b"y" * 200_000
        + b"\r\nwhat eats aphids"
    )
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    for extra in ([], ["--json"]):
        stdin.seek(0)
        out = io.StringIO()
        status = main(["--documents", str(fixture_docs), "--intents", str(fixture_intents), *extra], out=out)
        assert status == 0
        check_printable(out.getvalue().replace("\n", ""))
        if extra:
            lines = out.getvalue().splitlines()
            assert len(lines) == 6  # the blank line is skipped
            replies = [json.loads(line) for line in lines]
            assert replies[0]["kind"] == "answer"
            assert replies[-1]["intent"] == "aphids"
