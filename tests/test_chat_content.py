"""The chat over the packaged fibromyalgia content (content tests: they follow the curated files)."""

from __future__ import annotations

import io

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from fibrochat import Chatbot
from fibrochat.chat_completer import QuestionBank
from fibrochat.repl import run_session


def test_is_fibromyalgia_autoimmune_shows_its_source(default_bot: Chatbot) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("is fibromyalgia autoimmune?\r\x04")
        assert run_session(default_bot, input=pipe, output=DummyOutput(), out=out) == 0
    text = " ".join(out.getvalue().split())
    assert "Source: " in text
    assert " › Is Fibromyalgia an Autoimmune Condition?" in text
    assert "1. " in text  # numbered suggestions follow the answer


def test_naltr_offers_the_ldn_questions(default_bot: Chatbot) -> None:
    offered = [entry.text for entry in QuestionBank(default_bot).complete("naltr")]
    assert offered
    assert all("naltrexone" in text.lower() or "ldn" in text.lower() for text in offered[:5])


def test_welcome_names_the_packaged_source(default_bot: Chatbot) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("\x04")
        run_session(default_bot, input=pipe, output=DummyOutput(), out=out)
    welcome = " ".join(out.getvalue().split())
    for document in default_bot.knowledge.documents:
        assert document.title in welcome
