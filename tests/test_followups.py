"""Follow-ups: a conversation leans on its last topic only when a question names none of its own."""

from __future__ import annotations

import pytest

from fibrochat import Chatbot


def _leaf(bot: Chatbot, *questions: str) -> list[str]:
    conversation = bot.conversation()
    out: list[str] = []
    for question in questions:
        reply = conversation.ask(question)
        out.append(reply.citations[0].anchor if reply.kind == "answer" else reply.kind)
    return out


def test_pronoun_follow_up_uses_the_last_topic(garden_bot: Chatbot) -> None:
    assert _leaf(garden_bot, "what eats aphids", "how do i get rid of them on roses") == [
        "aphids-on-roses",
        "aphids-on-roses",
    ]


def test_follow_up_reply_says_what_it_leaned_on(garden_bot: Chatbot) -> None:
    conversation = garden_bot.conversation()
    conversation.ask("how often should i water tomatoes")
    reply = conversation.ask("and what about them?")
    assert reply.kind == "answer"
    assert "follow-up about tomatoes" in reply.text


def test_why_stays_with_the_last_section(garden_bot: Chatbot) -> None:
    assert _leaf(garden_bot, "what are the signs of overwatering", "why?") == [
        "signs-of-overwatering",
        "signs-of-overwatering",
    ]


def test_what_about_switches_topic(garden_bot: Chatbot) -> None:
    assert _leaf(garden_bot, "how do i keep slugs off my lettuce", "what about aphids?") == [
        "slugs-and-snails",
        "aphids-on-roses",
    ]


def test_greeting_after_an_answer_is_smalltalk_not_a_follow_up(garden_bot: Chatbot) -> None:
    assert _leaf(garden_bot, "what eats aphids", "hi", "hello") == ["aphids-on-roses", "smalltalk", "smalltalk"]


def test_a_new_full_question_replaces_the_topic(garden_bot: Chatbot) -> None:
    assert _leaf(garden_bot, "what eats aphids", "how often should i water tomatoes") == [
        "aphids-on-roses",
        "how-often-to-water-tomatoes",
    ]


def test_without_context_a_bare_follow_up_has_no_source(garden_bot: Chatbot) -> None:
    assert _leaf(garden_bot, "why?") == ["fallback"]


def test_reset_forgets_the_topic(garden_bot: Chatbot) -> None:
    conversation = garden_bot.conversation()
    conversation.ask("what eats aphids")
    conversation.reset()
    assert conversation.ask("why?").kind == "fallback"


def test_conversations_do_not_share_context(garden_bot: Chatbot) -> None:
    first, second = garden_bot.conversation(), garden_bot.conversation()
    first.ask("what eats aphids")
    assert second.ask("why?").kind == "fallback"
    assert first.ask("why?").citations[0].anchor == "aphids-on-roses"


def test_stateless_ask_never_leans_on_anything(garden_bot: Chatbot) -> None:
    garden_bot.ask("what eats aphids")
    assert garden_bot.ask("why?").kind == "fallback"


def test_a_question_whose_own_words_answer_it_does_not_lean(garden_bot: Chatbot) -> None:
    conversation = garden_bot.conversation()
    conversation.ask("what eats aphids")
    reply = conversation.ask("what about copper tape")
    assert reply.citations[0].anchor == "slugs-and-snails"
    assert "follow-up" not in reply.text


def test_an_out_of_scope_subject_does_not_lean_on_the_topic(garden_bot: Chatbot) -> None:
    conversation = garden_bot.conversation()
    conversation.ask("how often should i water tomatoes")
    assert conversation.ask("and what about a greenhouse?").kind == "fallback"


def test_why_stays_with_the_last_section_when_its_topic_is_a_word_most_sections_share(compost_bot: Chatbot) -> None:
    """"why not?" borrows the last topic whole; that one common word must not make it "too vague"."""
    assert compost_bot.ask("compost?").kind == "fallback"  # on its own, one word all sections share is too vague
    assert _leaf(compost_bot, "does compost feed the soil", "why not?") == ["what-compost-is", "what-compost-is"]



def test_a_pronoun_question_whose_own_words_answer_it_stays_its_own(garden_bot: Chatbot) -> None:
    """"they" could be the tomatoes, but copper tape is what the slugs section is about."""
    assert _leaf(garden_bot, "how often should i water tomatoes", "do they need copper tape") == [
        "how-often-to-water-tomatoes",
        "slugs-and-snails",
    ]


_CLINIC_DOC = """---
title: Clinic Notes
source: Test fixture
note: Made up for tests.
---

## Tests

### Blood Tests

A blood test cannot show a sprain. Gout and anaemia are different: blood tests can find them.

### Gout and Anaemia

Gout gives painful joints and anaemia gives tiredness.

### Can Sprains Heal?

Most sprains heal within weeks with rest.
"""

_CLINIC_LEXICON = """intents:
  - id: gout
    questions: [what is gout]
    cites: [gout-and-anaemia]
lexicon:
  stopwords: [a, an, can, show, what, is, about, or, and, the, does, give, gives, then, why, do, with]
  followup_cues: [what about, and, then]
  swap_cues: [what about, and]
"""


@pytest.fixture(scope="module")
def clinic_bot(tmp_path_factory: pytest.TempPathFactory) -> Chatbot:
    """Two sections that both name gout: one answers "gout?", the other "can a blood test show gout?"."""
    folder = tmp_path_factory.mktemp("clinic")
    (folder / "docs").mkdir()
    (folder / "intents").mkdir()
    (folder / "docs" / "clinic.md").write_text(_CLINIC_DOC, encoding="utf-8")
    (folder / "intents" / "lexicon.yaml").write_text(_CLINIC_LEXICON, encoding="utf-8")
    return Chatbot.from_paths(documents=[folder / "docs"], intents=[folder / "intents"])


def test_what_about_asks_the_last_question_again_of_something_else(clinic_bot: Chatbot) -> None:
    assert _leaf(clinic_bot, "gout or anaemia?") == ["gout-and-anaemia"]
    assert _leaf(clinic_bot, "can a blood test show a sprain", "what about gout or anaemia?") == [
        "blood-tests",
        "blood-tests",
    ]
    assert _leaf(clinic_bot, "can a blood test show a sprain", "and gout or anaemia?") == ["blood-tests", "blood-tests"]


def test_a_swap_cue_counts_only_where_the_question_opens(clinic_bot: Chatbot) -> None:
    """"and" inside a question of its own joins two words; it does not ask the last question again."""
    assert _leaf(clinic_bot, "can a blood test show a sprain", "gout and tiredness?") == [
        "blood-tests",
        "gout-and-anaemia",
    ]


def test_what_about_keeps_the_section_its_own_words_outweigh_the_last_question_for(clinic_bot: Chatbot) -> None:
    assert _leaf(clinic_bot, "can a blood test show a sprain", "what about painful joints and tiredness?") == [
        "blood-tests",
        "gout-and-anaemia",
    ]


def test_a_question_its_own_words_answer_surely_is_new_whatever_its_cue(clinic_bot: Chatbot) -> None:
    """"then" is a follow-up cue, but "what is gout then?" is a whole question of its own."""
    assert _leaf(clinic_bot, "can a blood test show a sprain", "what is gout then?") == [
        "blood-tests",
        "gout-and-anaemia",
    ]


def test_the_follow_up_note_names_a_question_heading_without_doubled_punctuation(clinic_bot: Chatbot) -> None:
    conversation = clinic_bot.conversation()
    assert conversation.ask("do sprains heal with rest").citations[0].anchor == "can-sprains-heal"
    reply = conversation.ask("why?")
    assert "(Taking this as a follow-up about Can Sprains Heal.)" in reply.text

