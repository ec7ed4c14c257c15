"""One Chatbot shared by many threads gives the same replies as a serial run; conversations stay apart."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from fibrochat import Chatbot

THREADS = 16
ROUNDS = 12

MIXED = [
    "how often should i water tomatoes",
    "what are the signs of overwatering",
    "what eats aphids",
    "how do i keep slugs off my lettuce",
    "hello",
    "how do i build a greenhouse",
    "what is the capital of peru",
    "tomatos watr",
    "are they insects",
    "what about copper tape",
    "",
    "\x1b[31m\x00🍅",
    "x" * 3000,
    "slugs aphids tomatoes roses lettuce",
]

SCRIPTS = [
    ["what eats aphids", "are they insects", "what about slugs", "and how do i stop them"],
    ["how often should i water tomatoes", "do they like water", "hello", "and in hot weather?"],
    ["how do i keep slugs off my lettuce", "what eats them", "are they insects", "what about copper tape"],
    ["hello", "are they insects", "what eats them", "what about tomatoes"],
]


@pytest.fixture(autouse=True)
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads every few microseconds, so a race has many chances to show."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(previous)


def serial_answers(bot: Chatbot, questions: list[str]) -> dict[str, dict[str, Any]]:
    return {question: bot.ask(question).to_dict() for question in questions}


def run_script(bot: Chatbot, script: list[str]) -> list[dict[str, Any]]:
    conversation = bot.conversation()
    return [conversation.ask(question).to_dict() for question in script]


def test_shared_bot_under_mixed_load_matches_a_serial_run(garden_bot: Chatbot) -> None:
    expected = serial_answers(garden_bot, MIXED)
    work = MIXED * ROUNDS * 4
    random.Random(7).shuffle(work)
    start = threading.Barrier(THREADS)

    def worker(offset: int) -> list[tuple[str, dict[str, Any]]]:
        start.wait()
        mine = work[offset::THREADS]
        return [(question, garden_bot.ask(question).to_dict()) for question in mine]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [pair for chunk in pool.map(worker, range(THREADS)) for pair in chunk]
    assert len(results) == len(work)
    for question, reply in results:
        assert reply == expected[question], question


def test_candidates_behind_a_reply_are_the_same_in_threads(garden_bot: Chatbot) -> None:
    expected = {q: garden_bot.ask(q).candidates for q in MIXED}
    with ThreadPoolExecutor(THREADS) as pool:
        got = list(pool.map(lambda q: (q, garden_bot.ask(q).candidates), MIXED * ROUNDS))
    for question, candidates in got:
        assert candidates == expected[question], question


def test_conversations_in_threads_never_see_each_other(garden_bot: Chatbot) -> None:
    expected = [run_script(garden_bot, script) for script in SCRIPTS]
    assert len({str(replies) for replies in expected}) == len(SCRIPTS)  # the scripts really differ
    jobs = [index for index in range(len(SCRIPTS)) for _ in range(THREADS)]
    random.Random(11).shuffle(jobs)
    start = threading.Barrier(len(jobs))

    def worker(index: int) -> tuple[int, list[dict[str, Any]]]:
        start.wait()
        return index, run_script(garden_bot, SCRIPTS[index])

    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(worker, jobs))
    for index, replies in results:
        assert replies == expected[index], SCRIPTS[index]


def test_interleaved_turns_of_many_conversations(garden_bot: Chatbot) -> None:
    """Turn by turn, conversations on one bot advance side by side; each still sees only its own past."""
    expected = [run_script(garden_bot, script) for script in SCRIPTS]
    conversations = [garden_bot.conversation() for _ in SCRIPTS]
    got: list[list[dict[str, Any]]] = [[] for _ in SCRIPTS]
    for turn in range(len(SCRIPTS[0])):
        for index in reversed(range(len(SCRIPTS))):
            got[index].append(conversations[index].ask(SCRIPTS[index][turn]).to_dict())
    assert got == expected


def test_context_matters_in_these_scripts(garden_bot: Chatbot) -> None:
    """Guard for the tests above: a follow-up in a conversation differs from the same words asked alone."""
    conversation = garden_bot.conversation()
    conversation.ask("what eats aphids")
    assert conversation.ask("are they insects").to_dict() != garden_bot.ask("are they insects").to_dict()
