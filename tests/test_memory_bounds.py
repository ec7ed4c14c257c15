"""Memory stays bounded: a conversation's context is a small fixed window, and asking never accumulates.

100,000 questions would make the suite slow; a few thousand show the same thing, because the checks are
that nothing grows from one turn to the next (context fields, conversation attributes, traced memory).
"""

from __future__ import annotations

import gc
import random
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fibrochat import Chatbot
from fibrochat.model import Context

TURNS = 2500
TRACED_TURNS = 1000  # tracemalloc makes each turn several times slower
SLACK_BYTES = 6 * 1024  # allocator noise is about 1 KB; keeping even 8 bytes a turn exceeds it

SCRIPT = [
    "what eats aphids",
    "are they insects",
    "how often should i water tomatoes",
    "what about slugs",
    "hello",
    "and in hot weather?",
    "what are the signs of overwatering",
    "tomatos watr",
    "qwzx blorp frobnicate",
    "",
    "how do i keep slugs off my lettuce and what about copper tape and aphids on roses " * 3,
]


def varied_questions(seed: int) -> Iterator[str]:
    """Endless questions, most of them never seen before: fresh words defeat any unbounded cache."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    while True:
        fresh = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
        yield f"{rng.choice(SCRIPT)} {fresh}"


def fibrochat_caches() -> list[Any]:
    """Every functools cache in fibrochat's modules (module functions and class attributes)."""
    found: dict[int, Any] = {}
    for name, module in list(sys.modules.items()):
        if name != "fibrochat" and not name.startswith("fibrochat."):
            continue
        values = list(vars(module).values())
        values += [v for cls in values if isinstance(cls, type) for v in vars(cls).values()]
        for value in values:
            if hasattr(value, "cache_info") and hasattr(value, "cache_clear"):
                found[id(value)] = value
    return list(found.values())


def settle() -> None:
    """Empty the (bounded) caches and collect garbage, so what is left is what a turn kept."""
    for cache in fibrochat_caches():
        cache.cache_clear()
    gc.collect()


def traced_growth(run: Callable[[int], None], warmup: int, turns: int) -> int:
    """Bytes still allocated after `turns` more calls than after the warm-up, bounded caches aside."""
    run(warmup)
    settle()
    tracemalloc.start()
    try:
        run(warmup)
        settle()
        before = tracemalloc.get_traced_memory()[0]
        run(turns)
        settle()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before


def test_every_cache_is_bounded(garden_bot: Chatbot) -> None:
    garden_bot.ask("how often should i water tomatoes")
    for cache in fibrochat_caches():
        maxsize = cache.cache_info().maxsize
        assert maxsize is not None and maxsize <= 1 << 17, cache


@pytest.fixture(scope="module")
def bounds(garden_bot: Chatbot) -> tuple[frozenset[str | None], frozenset[str | None]]:
    """What a context may hold: names from the knowledge (never the question's own text)."""
    topics = frozenset([None, *(name for name, _ in garden_bot.knowledge.lexicon.topics)])
    topics |= frozenset(intent.topic for intent in garden_bot.knowledge.intents)
    headings = (s.path for document in garden_bot.knowledge.documents for s in document.sections)
    topics |= frozenset(title for path in headings for title in path)
    sections = frozenset([None, *garden_bot.index.sections])
    return topics, sections


def test_context_stays_a_small_window(
    garden_bot: Chatbot, bounds: tuple[frozenset[str | None], frozenset[str | None]]
) -> None:
    topics, sections = bounds
    conversation = garden_bot.conversation()
    attributes = set(vars(conversation))
    questions = varied_questions(1)
    for turn in range(1, TURNS + 1):
        conversation.ask(next(questions))
        context = conversation.context
        assert isinstance(context, Context)
        assert context.topic in topics
        assert context.section in sections
        assert len(context.aspect) <= 4
        assert all(len(term) <= 40 for term in context.aspect)
        assert context.turns == turn
        assert len(repr(context)) < 400
    assert set(vars(conversation)) == attributes
    for value in vars(conversation).values():
        assert not isinstance(value, list | dict | set), "a conversation keeps no growing history"


def test_a_long_conversation_does_not_grow_memory(garden_bot: Chatbot) -> None:
    conversation = garden_bot.conversation()
    questions = varied_questions(2)

    def run(turns: int) -> None:
        for _ in range(turns):
            conversation.ask(next(questions))

    assert traced_growth(run, warmup=300, turns=TRACED_TURNS) < SLACK_BYTES


def test_many_fresh_questions_do_not_grow_the_bot(garden_bot: Chatbot) -> None:
    questions = varied_questions(3)

    def run(turns: int) -> None:
        for _ in range(turns):
            garden_bot.ask(next(questions))

    assert traced_growth(run, warmup=300, turns=TRACED_TURNS) < SLACK_BYTES


def test_reset_starts_from_an_empty_context(garden_bot: Chatbot) -> None:
    conversation = garden_bot.conversation()
    for question in SCRIPT * 20:
        conversation.ask(question)
    conversation.reset()
    assert conversation.context == Context()
    assert conversation.last is None
