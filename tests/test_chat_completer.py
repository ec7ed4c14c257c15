"""Typing help and the toolbar, tested directly: completions, grey suggestions, the keys shown."""

from __future__ import annotations

import pytest
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory

from fibrochat import Chatbot
from fibrochat.chat_completer import ChatAutoSuggest, ChatCompleter, QuestionBank, as_question
from fibrochat.chat_text import COMMANDS
from fibrochat.chat_toolbar import toolbar_fragments


@pytest.fixture(scope="module")
def bank(garden_bot: Chatbot) -> QuestionBank:
    return QuestionBank(garden_bot)


def completions(bank: QuestionBank, typed: str, *, tab: bool = False) -> list[str]:
    event = CompleteEvent(text_inserted=not tab, completion_requested=tab)
    found = ChatCompleter(bank).get_completions(Document(typed, len(typed)), event)
    return [completion.text for completion in found]


def test_completions_replace_the_whole_line(bank: QuestionBank) -> None:
    document = Document("tomato", 6)
    found = list(ChatCompleter(bank).get_completions(document, CompleteEvent(completion_requested=True)))
    assert found and all(completion.start_position == -6 for completion in found)


def test_curated_questions_are_offered_by_any_word(bank: QuestionBank) -> None:
    assert completions(bank, "tomat")[0] == "How often should I water tomatoes?"
    assert "What eats aphids?" in completions(bank, "eats")


def test_matching_forgives_typos(bank: QuestionBank) -> None:
    assert "How do I get rid of aphids on roses?" in completions(bank, "aphdis")
    assert "How do I keep slugs off my lettuce?" in completions(bank, "letuce")


def test_section_titles_are_offered_as_headings(bank: QuestionBank) -> None:
    assert "Slugs and Snails" in completions(bank, "snail")
    entry = next(e for e in bank.complete("snail") if e.text == "Slugs and Snails")
    assert entry.meta == "heading"


def test_only_answerable_questions_are_offered(bank: QuestionBank) -> None:
    offered = completions(bank, "greenhouse", tab=True) + completions(bank, "hello", tab=True)
    assert offered == []


def test_at_most_two_questions_of_one_intent(bank: QuestionBank) -> None:
    groups = [entry.group for entry in bank.complete("water")]
    assert all(groups.count(group) <= 2 for group in groups)


def test_short_input_waits_for_tab(bank: QuestionBank) -> None:
    assert completions(bank, "ap") == []
    assert completions(bank, "ap", tab=True)


def test_tab_on_an_empty_line_lists_a_first_question_per_topic(bank: QuestionBank) -> None:
    assert completions(bank, "") == []
    assert completions(bank, "", tab=True) == [
        "How often should I water tomatoes?",
        "What are the signs of overwatering?",
        "How do I get rid of aphids on roses?",
        "How do I keep slugs off my lettuce?",
    ]


def test_commands_complete_after_a_slash(bank: QuestionBank) -> None:
    assert completions(bank, "/") == [name for name, _ in COMMANDS]
    assert completions(bank, "/to") == ["/topics"]
    assert completions(bank, "/x") == []


def test_numbers_get_no_completions(bank: QuestionBank) -> None:
    assert completions(bank, "12", tab=True) == []


def test_grey_suggestion_continues_a_curated_question(bank: QuestionBank) -> None:
    suggest = ChatAutoSuggest(bank)
    buffer = Buffer(history=InMemoryHistory())
    found = suggest.get_suggestion(buffer, Document("how often", 9))
    assert found is not None and found.text == " should I water tomatoes?"
    assert suggest.get_suggestion(buffer, Document("zzz", 3)) is None
    assert suggest.get_suggestion(buffer, Document("/to", 3)) is None


def test_grey_suggestion_prefers_an_earlier_question(bank: QuestionBank) -> None:
    history = InMemoryHistory()
    history.append_string("how often do slugs come out")
    buffer = Buffer(history=history)
    found = ChatAutoSuggest(bank).get_suggestion(buffer, Document("how often", 9))
    assert found is not None and found.text == " do slugs come out"


def test_grey_suggestion_never_mixes_case_inside_a_word(garden_bot: Chatbot) -> None:
    bank = QuestionBank(garden_bot)
    assert bank.continuation("How of") == "ten should I water tomatoes?"
    assert bank.continuation("how oF") is None


def test_as_question_capitalises_and_keeps_acronyms() -> None:
    assert as_question("what is ldn", {"ldn": "LDN"}) == "What is LDN?"
    assert as_question("can i   water daily.") == "Can I water daily."


# -- toolbar ----------------------------------------------------------------------------------------------


def toolbar_text(width: int, suggestions: int = 0) -> str:
    return "".join(fragment[1] for fragment in toolbar_fragments(width, suggestions))


def test_toolbar_shows_the_keys_that_matter() -> None:
    text = toolbar_text(80)
    for key in ("Tab", "↑↓", "Ctrl-R", "/help", "Ctrl-D quit"):
        assert key in text
    assert "pick" not in text


def test_toolbar_mentions_numbers_only_when_there_are_suggestions() -> None:
    assert "1-3 pick" in toolbar_text(80, 3)
    assert " 1 pick" in toolbar_text(80, 1)


@pytest.mark.parametrize("width", [14, 30, 50, 80, 120])
def test_toolbar_fits_and_always_shows_how_to_leave(width: int) -> None:
    text = toolbar_text(width, 3)
    assert len(text) < width
    assert "Ctrl-D quit" in text


def test_toolbar_keys_are_styled_apart_from_their_words() -> None:
    styles = {fragment[0] for fragment in toolbar_fragments(80)}
    assert styles == {"class:bottom-toolbar.key", "class:bottom-toolbar.text"}
