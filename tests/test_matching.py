"""The matcher on the garden fixture: typos, synonyms, vague questions, out-of-scope words, bounded scoring."""

from __future__ import annotations

from pathlib import Path

from fibrochat import Chatbot


def _anchor(bot: Chatbot, question: str) -> str:
    reply = bot.ask(question)
    return reply.citations[0].anchor if reply.kind == "answer" else reply.kind


def test_a_typo_is_corrected_to_a_word_of_the_knowledge(garden_bot: Chatbot) -> None:
    assert garden_bot.index.analyzer.correct("aphdis") == "aphids"
    assert _anchor(garden_bot, "what eats aphdis") == "aphids-on-roses"


def test_an_unknown_word_is_never_corrected_into_an_out_of_scope_word(garden_bot: Chatbot) -> None:
    # "lower" is one letter from "mower", a word only the out-of-scope intent knows
    analysis = garden_bot.index.analyse("fewer aphids on lower rose shoots")
    assert "lower" in analysis.unknown
    assert not analysis.corrected


def test_a_letter_held_for_emphasis_is_read_as_the_word(garden_bot: Chatbot) -> None:
    """"hellooo" is hello said with feeling, not a typo: no English word has one letter three times in a row."""
    assert garden_bot.ask("hellooo").kind == "smalltalk"
    assert garden_bot.index.analyse("slugsss on my lettuceee").normalised == "slugs on my lettuce"  # to one or two
    assert _anchor(garden_bot, "what eats aphidsss") == "aphids-on-roses"
    assert garden_bot.index.analyse("brrr").unknown == ("brrr",)  # nothing known under it: left as it is


def test_short_words_are_left_alone(garden_bot: Chatbot) -> None:
    assert garden_bot.index.analyzer.correct("slgs") is None


def test_synonyms_fold_to_one_spelling(garden_bot: Chatbot) -> None:
    assert _anchor(garden_bot, "how often do toms need watering") == "how-often-to-water-tomatoes"


def test_words_of_the_section_itself_reach_it_without_an_intent(garden_bot: Chatbot) -> None:
    assert _anchor(garden_bot, "copper tape around pots") == "slugs-and-snails"


def test_out_of_scope_examples_decline_with_their_own_response(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("which lawn mower is best")
    assert reply.kind == "fallback"
    assert reply.intent == "garden-out-of-scope"
    assert reply.text.startswith("My guide does not cover that.")
    assert not reply.citations


def test_unrelated_questions_fall_back_with_suggestions(garden_bot: Chatbot) -> None:
    reply = garden_bot.ask("what is the capital of peru")
    assert reply.kind == "fallback"
    assert reply.suggestions


def test_smalltalk_made_of_stop_words_is_matched_on_the_whole_text(garden_bot: Chatbot) -> None:
    assert garden_bot.ask("good morning").kind == "smalltalk"


def test_text_speak_is_spelled_out_before_the_question_is_read(garden_bot: Chatbot) -> None:
    assert garden_bot.ask("hlo").kind == "smalltalk"
    assert garden_bot.ask("gd mornin").kind == "smalltalk"
    assert garden_bot.index.analyzer.spell_out("gd mornin to you") == "good morning to you"


def test_every_fixture_example_reaches_its_own_intent(garden_bot: Chatbot) -> None:
    for intent in garden_bot.knowledge.intents:
        for question in intent.questions:
            reply = garden_bot.ask(question)
            if intent.kind == "faq":
                assert reply.kind == "answer", question
                assert reply.citations[0].anchor == intent.cites[0].split("#")[-1], question
            elif intent.kind in ("smalltalk", "unanswerable"):
                assert reply.intent == intent.id, question


def test_confidence_is_higher_for_an_exact_example_than_for_a_loose_match(garden_bot: Chatbot) -> None:
    exact = garden_bot.ask("how often should i water tomatoes")
    loose = garden_bot.ask("tomato leaves and watering in hot weather")
    assert exact.kind == loose.kind == "answer"
    assert exact.confidence > loose.confidence


STORY = "My aunt has grown tomatoes for thirty years and never had a bad crop."


def test_a_story_around_a_question_is_answered_from_its_question_sentence(garden_bot: Chatbot) -> None:
    """The story's words drown the question; its question sentence, with the subject the story named, does not."""
    reply = garden_bot.ask(f"{STORY} How often?")
    assert reply.kind == "answer"
    assert reply.citations[0].anchor == "how-often-to-water-tomatoes"


def test_a_story_whose_question_is_out_of_scope_still_declines(garden_bot: Chatbot) -> None:
    assert garden_bot.ask(f"{STORY} What is the best lawn mower?").intent == "garden-out-of-scope"
    assert garden_bot.ask(f"{STORY} Where do you buy seed potatoes?").kind == "fallback"
    assert garden_bot.ask(f"{STORY} She is very proud.").kind == "fallback"  # no question sentence


def test_a_story_that_reads_out_of_scope_is_answered_when_its_question_sentence_answers_better(
    garden_bot: Chatbot,
) -> None:
    """Greenhouses and mowers are out of scope, but they are the story; the question is about overwatering."""
    story = "I keep reading about how to build a greenhouse and the best lawn mower to buy."
    assert garden_bot.ask(story).intent == "garden-out-of-scope"
    reply = garden_bot.ask(f"{story} What are the signs of overwatering?")
    assert reply.citations[0].anchor == "signs-of-overwatering"


def test_a_story_whose_question_sentence_is_smalltalk_gets_the_smalltalk_reply(garden_bot: Chatbot) -> None:
    """"Are you an AI? I'd rather know first." asks who is answering; the rest is only why."""
    reply = garden_bot.ask("We moved house in March and the boxes are still everywhere. Hello?")
    assert reply.kind == "smalltalk"
    assert reply.intent == "hello"


def test_a_one_sentence_story_is_answered_from_its_question_clause(garden_bot: Chatbot) -> None:
    """No sentence of its own and no question mark: the last clause that opens like a question, with the subject."""
    story = "my neighbour moved in last spring and her whole veg patch was ruined by slugs overnight"
    reply = garden_bot.ask(f"{story}, what keeps them away from lettuce")
    assert reply.kind == "answer"
    assert reply.citations[0].anchor == "slugs-and-snails"
    assert garden_bot.ask(f"{story}, which was sad").kind == "fallback"  # a clause that asks nothing finds nothing


def test_a_greeting_before_a_question_does_not_hide_the_question(garden_bot: Chatbot) -> None:
    assert garden_bot.ask("hi! how often should i water tomatoes?").citations[0].anchor == "how-often-to-water-tomatoes"
    assert garden_bot.ask("hi overwatering").citations[0].anchor == "signs-of-overwatering"
    assert garden_bot.ask("hello! slugs").citations[0].anchor == "slugs-and-snails"


def test_a_greeting_followed_only_by_words_the_knowledge_does_not_know_is_a_greeting(garden_bot: Chatbot) -> None:
    assert garden_bot.ask("hello my dear friend").kind == "smalltalk"
    assert garden_bot.ask("good morning everybody").kind == "smalltalk"
    assert garden_bot.ask("hello, how do i build a greenhouse").intent == "garden-out-of-scope"


def test_a_curated_question_that_comes_down_to_one_common_word_is_answered(compost_bot: Chatbot) -> None:
    assert compost_bot.ask("what is compost").citations[0].anchor == "what-compost-is"
    assert compost_bot.ask("compost").kind == "fallback"  # the bare word still asks for more


def test_a_greeting_followed_by_a_remark_that_asks_nothing_is_a_greeting(garden_bot: Chatbot) -> None:
    assert garden_bot.ask("hello, my tomatoes are doing well this year").intent == "hello"
    assert garden_bot.ask("hello, my tomatoes are doing well this year?").kind == "fallback"  # asks: no source
    assert garden_bot.ask("hello, what is a greenhouse").intent == "garden-out-of-scope"


def test_every_greeting_a_message_opens_with_is_set_aside_at_once(garden_bot: Chatbot) -> None:
    assert garden_bot.index.after_smalltalk("hi hello good morning what eats aphids") == "what eats aphids"
    assert garden_bot.index.after_smalltalk("hello") is None
    assert garden_bot.index.after_smalltalk("what eats aphids") is None
    assert garden_bot.ask("hi " * 300 + "what eats aphids").citations[0].anchor == "aphids-on-roses"


def test_a_headings_list_number_is_not_one_of_its_words(tmp_path: Path) -> None:
    """"4. Pruning" is the fourth step; "thx 4 the help" must not find it through "4"."""
    (tmp_path / "steps.md").write_text(
        "---\ntitle: Steps\nsource: Test fixture\nnote: Made up for tests.\n---\n\n"
        "## 4. Pruning\n\nCut old stems in March.\n\n## Feeding\n\nFeed the roses in spring.\n",
        encoding="utf-8",
    )
    bot = Chatbot.from_paths(documents=[tmp_path], intents=[])
    assert [s.key for s in bot.index.rank(bot.index.analyse("4"))] == []
    assert _anchor(bot, "cut old stems march") == "4-pruning"
