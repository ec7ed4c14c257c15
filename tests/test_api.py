"""The public library API on the garden fixture: the names, the Reply shape, and the promises every reply keeps."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fibrochat
from fibrochat import Chatbot, Citation, ContentError, Conversation, FibrochatError, Reply
from fibrochat.model import Context

REPLY_KEYS = {"kind", "text", "citations", "disclaimer", "intent", "confidence", "suggestions"}
CITATION_KEYS = {"document", "section", "anchor", "quote"}
KINDS = {"answer", "clarify", "smalltalk", "safety", "fallback"}

QUESTIONS = [
    "how often should i water tomatoes",
    "what are the signs of overwatering",
    "what eats aphids",
    "how do i keep slugs off my lettuce",
    "hello",
    "how do i build a greenhouse",
    "what is the capital of peru",
    "tomato",
    "slugs aphids tomatoes",
    "",
]


def check_reply(bot: Chatbot, reply: Reply) -> None:
    """The promises every reply keeps, whatever was asked."""
    data = reply.to_dict()
    assert set(data) == REPLY_KEYS
    assert data["kind"] in KINDS
    assert isinstance(data["text"], str) and data["text"].strip()
    assert isinstance(data["disclaimer"], str)
    assert data["intent"] is None or isinstance(data["intent"], str)
    assert isinstance(data["confidence"], float) and 0.0 <= data["confidence"] <= 1.0
    assert isinstance(data["suggestions"], list) and all(isinstance(s, str) and s for s in data["suggestions"])
    assert isinstance(data["citations"], list)
    for citation in data["citations"]:
        assert set(citation) == CITATION_KEYS
        assert isinstance(citation["document"], str)
        assert isinstance(citation["section"], list) and all(isinstance(s, str) for s in citation["section"])
        assert isinstance(citation["anchor"], str) and isinstance(citation["quote"], str)
    assert json.loads(json.dumps(data)) == data
    if reply.kind in ("answer", "clarify"):
        assert reply.disclaimer.strip(), "answers and clarifications always carry the disclaimer"
        assert reply.citations
    if reply.kind in ("smalltalk", "safety", "fallback"):
        assert not reply.citations
    check_quotes(bot, reply)


def check_quotes(bot: Chatbot, reply: Reply) -> None:
    """Every quote stands word for word in the document and section it names."""
    documents = {document.title: document for document in bot.knowledge.documents}
    for citation in reply.citations:
        document = documents[citation.document]
        assert citation.quote in document.text
        section = document.section(citation.anchor)
        assert section is not None
        assert section.path == citation.section
        assert citation.quote in [passage.text for passage in section.passages]


# -- names ------------------------------------------------------------------------------------------------


def test_public_names() -> None:
    assert set(fibrochat.__all__) >= {"Chatbot", "Citation", "ContentError", "Conversation", "FibrochatError", "Reply"}
    assert isinstance(fibrochat.__version__, str) and fibrochat.__version__
    assert issubclass(ContentError, FibrochatError)


def test_import_does_not_load_prompt_toolkit() -> None:
    code = "import sys, fibrochat; print('prompt_toolkit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- asking -----------------------------------------------------------------------------------------------


def test_ask_answers_with_a_cited_quote(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("how often should i water tomatoes?")
    assert reply.kind == "answer"
    assert reply.intent == "tomato-watering"
    first = reply.citations[0]
    assert isinstance(first, Citation)
    assert first.document == "A Small Guide to Garden Plants"
    assert first.section == ("Watering", "How Often to Water Tomatoes")
    assert first.anchor == "how-often-to-water-tomatoes"
    assert first.quote == "Tomatoes need deep watering about twice a week, more often in hot weather."
    assert first.quote in reply.text
    assert reply.text.startswith("Tomatoes need deep watering about twice a week.")  # the curated lead
    check_reply(garden_bot, reply)


def test_to_dict_has_exactly_the_contract_shape(garden_bot: Chatbot) -> None:
    data = garden_bot.ask("what eats aphids").to_dict()
    assert list(data) == ["kind", "text", "citations", "disclaimer", "intent", "confidence", "suggestions"]
    assert data["kind"] == "answer"
    assert data["citations"] == [
        {
            "document": "A Small Guide to Garden Plants",
            "section": ["Pests", "Aphids on Roses"],
            "anchor": "aphids-on-roses",
            "quote": "Aphids are small sap-sucking insects that cluster on new rose shoots. Ladybirds eat them.",
        }
    ]
    assert data["intent"] == "aphids"
    assert type(data["confidence"]) is float


def test_smalltalk_and_fallback_have_no_citations(garden_bot: Chatbot) -> None:
    hello = garden_bot.ask("hello")
    assert (hello.kind, hello.intent, hello.citations) == ("smalltalk", "hello", ())
    unknown = garden_bot.ask("what is the capital of peru")
    assert (unknown.kind, unknown.citations, unknown.intent) == ("fallback", (), None)
    assert unknown.suggestions


def test_unanswerable_intent_falls_back_with_its_own_response(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("how do i build a greenhouse")
    assert reply.kind == "fallback"
    assert reply.intent == "garden-out-of-scope"
    assert reply.text.startswith("My guide does not cover that.")
    assert reply.suggestions == ("How often should I water tomatoes?",)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_reply_keeps_the_contract(garden_bot: Chatbot, question: str) -> None:
    check_reply(garden_bot, garden_bot.ask(question))


def test_every_example_question_reaches_its_own_intent(garden_bot: Chatbot) -> None:
    for intent in garden_bot.knowledge.intents:
        for question in intent.questions:
            reply = garden_bot.ask(question)
            assert reply.intent == intent.id, (question, reply.kind, reply.intent)
            check_reply(garden_bot, reply)


def test_every_answer_carries_the_disclaimer(garden_bot: Chatbot) -> None:
    questions = [q for intent in garden_bot.knowledge.intents for q in intent.questions] + QUESTIONS
    kinds = set()
    for question in questions:
        reply = garden_bot.ask(question)
        kinds.add(reply.kind)
        if reply.kind in ("answer", "clarify"):
            assert reply.disclaimer == garden_bot.messages.disclaimer
    assert "answer" in kinds


def test_ask_is_stateless(garden_bot: Chatbot) -> None:
    garden_bot.ask("what eats aphids")
    assert garden_bot.ask("why?") == garden_bot.ask("why?")
    assert garden_bot.ask("why?").kind == "fallback"  # nothing to lean on without a conversation


def test_replies_are_immutable(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("what eats aphids")
    with pytest.raises(AttributeError):
        reply.kind = "fallback"  # type: ignore[misc]


# -- conversations ----------------------------------------------------------------------------------------


def test_conversation_keeps_context_for_follow_ups(garden_bot: Chatbot) -> None:
    conv = garden_bot.conversation()
    assert isinstance(conv, Conversation)
    assert conv.ask("what eats aphids").intent == "aphids"
    follow_up = conv.ask("are they insects")
    assert follow_up.kind == "answer"
    assert follow_up.citations[0].anchor == "aphids-on-roses"
    check_reply(garden_bot, follow_up)
    assert conv.last is follow_up


def test_reset_forgets_the_context(garden_bot: Chatbot) -> None:
    conv = garden_bot.conversation()
    conv.ask("what eats aphids")
    conv.reset()
    assert conv.context == Context()
    assert conv.last is None
    assert conv.ask("why?") == garden_bot.ask("why?")


def test_conversations_are_independent(garden_bot: Chatbot) -> None:
    first, second = garden_bot.conversation(), garden_bot.conversation()
    first.ask("what eats aphids")
    assert second.ask("why?").kind == "fallback"
    assert first.ask("why?").kind == "answer"


# -- None = packaged, [] = none ---------------------------------------------------------------------------


def test_no_intents_answers_from_section_words(fixture_docs: Path) -> None:
    bot = Chatbot.from_paths(documents=[fixture_docs], intents=[])
    assert bot.knowledge.intents == ()
    reply = bot.ask("copper tape slugs snails lettuce")
    assert reply.kind == "answer"
    assert reply.intent is None
    assert reply.citations[0].anchor == "slugs-and-snails"
    check_reply(bot, reply)


def test_no_knowledge_at_all_only_falls_back() -> None:
    bot = Chatbot.from_paths(documents=[], intents=[])
    for question in QUESTIONS:
        reply = bot.ask(question)
        assert reply.kind == "fallback"
        check_reply(bot, reply)


def test_intents_citing_absent_documents_are_refused(fixture_intents: Path) -> None:
    with pytest.raises(ContentError, match="no documents are loaded"):
        Chatbot.from_paths(documents=[], intents=[fixture_intents])


def test_none_means_the_packaged_knowledge(fixture_docs: Path) -> None:
    packaged = Chatbot.from_paths(documents=None, intents=[])
    assert len(packaged.knowledge.documents) >= 1
    assert all(document.id != "garden" for document in packaged.knowledge.documents)
    assert packaged.knowledge.intents == ()
    mine = Chatbot.from_paths(documents=[fixture_docs], intents=[])
    assert [document.id for document in mine.knowledge.documents] == ["garden"]


def test_paths_may_be_str_or_path_and_a_single_path_is_one_path(fixture_docs: Path, fixture_intents: Path) -> None:
    as_str = Chatbot.from_paths(documents=[str(fixture_docs)], intents=[str(fixture_intents / "garden.yaml")])
    single = Chatbot.from_paths(documents=str(fixture_docs), intents=fixture_intents)  # type: ignore[arg-type]
    question = "how often should i water tomatoes"
    assert as_str.ask(question) == single.ask(question)
    assert as_str.ask(question).intent == "tomato-watering"
