"""Shared fixtures: a tiny knowledge base of our own (not the curated content) for engine behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from fibrochat import Chatbot

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixture_docs() -> Path:
    return FIXTURES / "docs"


@pytest.fixture(scope="session")
def fixture_intents() -> Path:
    return FIXTURES / "intents"


@pytest.fixture(scope="session")
def garden_bot(fixture_docs: Path, fixture_intents: Path) -> Chatbot:
    """A bot over the garden fixture: small, predictable, and free of medical content."""
    return Chatbot.from_paths(documents=[fixture_docs], intents=[fixture_intents])


@pytest.fixture(scope="session")
def default_bot() -> Chatbot:
    """The packaged knowledge, for content tests only."""
    return Chatbot()


@pytest.fixture(scope="session")
def compost_bot() -> Chatbot:
    """Three sections that all share one word ("compost"): for what a too common word does."""
    folder = FIXTURES / "compost"
    return Chatbot.from_paths(documents=[folder / "docs"], intents=[folder / "intents"])
