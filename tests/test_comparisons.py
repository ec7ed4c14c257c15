"""Comparisons: a question that sets two subjects side by side is answered from each one's own section."""

from __future__ import annotations

from fibrochat import Chatbot


def _anchors(bot: Chatbot, question: str) -> list[str]:
    return [citation.anchor for citation in bot.ask(question).citations]


def test_two_subjects_side_by_side_get_a_quote_each_first_named_first(garden_bot: Chatbot) -> None:
    assert _anchors(garden_bot, "aphids vs slugs") == ["aphids-on-roses", "slugs-and-snails"]
    assert _anchors(garden_bot, "slugs versus aphids") == ["slugs-and-snails", "aphids-on-roses"]


def test_the_reply_says_it_sets_them_side_by_side(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("what's the difference between slugs and aphids")
    assert reply.kind == "answer"
    assert reply.text.startswith("(Side by side: what my sources say about slugs, then about aphids.)")
    assert reply.lead is None  # a lead restates one passage; two are quoted


def test_one_subject_or_no_comparison_word_is_an_ordinary_question(garden_bot: Chatbot) -> None:
    assert _anchors(garden_bot, "aphids vs ladybirds") == ["aphids-on-roses"]
    assert len(_anchors(garden_bot, "do slugs eat aphids")) == 1
