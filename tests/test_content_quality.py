"""The curated fibromyalgia content (the packaged knowledge): it must do what it claims, measured.

Engine behaviour is tested on the garden fixture elsewhere; these tests are about the content in
intents/ and fibrochat/data/, so they fail when a curated question stops reaching its section.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fibrochat import Chatbot
from fibrochat.evaluation import Report, evaluate, format_report, load_cases
from fibrochat.lint import format_findings, lint
from fibrochat.matching import SECTION_PREFIX
from fibrochat.model import Reply

DEV_SET = Path(__file__).parent / "data" / "dev.yaml"
"""A copy of ../shared/eval/dev.yaml: a measuring set only; its questions never go into intents/."""

# Issue 4's targets on the dev set.
SECTION_RIGHT = 0.97
FALLBACK_RIGHT = 0.95
FOLLOWUP_RIGHT = 0.90
SMALLTALK_RIGHT = 1.0
WRONGLY_DECLINED = 0.02


def _got(reply: Reply) -> str:
    if reply.citations:
        return f"{reply.kind}: {reply.citations[0].section[-1]}"
    return f"{reply.kind} ({reply.intent})" if reply.intent else reply.kind


def test_every_faq_example_reaches_its_own_section(default_bot: Chatbot) -> None:
    """Issue 2's hard requirement: every curated example question reaches its own intent."""
    misses: list[str] = []
    faq = [intent for intent in default_bot.knowledge.intents if intent.kind == "faq"]
    assert faq
    for intent in faq:
        document, section = default_bot.index.sections[SECTION_PREFIX + intent.cites[0]]
        for question in intent.questions:
            reply = default_bot.ask(question)
            first = reply.citations[0] if reply.citations else None
            if not (
                reply.kind == "answer"
                and first is not None
                and (first.document, first.anchor) == (document.title, section.anchor)
            ):
                misses.append(
                    f"{intent.path}: {intent.id}: {question!r} → {_got(reply)}, not {section.title!r}"
                )
    assert not misses, "\n".join(misses)


def test_every_smalltalk_example_gets_its_own_reply(default_bot: Chatbot) -> None:
    misses = [
        f"{intent.id}: {question!r} → {_got(reply)}"
        for intent in default_bot.knowledge.intents
        if intent.kind == "smalltalk"
        for question in intent.questions
        if (reply := default_bot.ask(question)).kind != "smalltalk" or reply.intent != intent.id
    ]
    assert not misses, "\n".join(misses)


def test_thanks_after_an_answer_is_thanks_unless_it_asks_more(default_bot: Chatbot) -> None:
    """'that' in "ta, that's useful" is not a follow-up; "thanks! and how does it work?" is one."""
    conversation = default_bot.conversation()
    conversation.ask("what is humira for")
    assert conversation.ask("ta, that's useful").intent == "thanks"
    conversation = default_bot.conversation()
    conversation.ask("what is LDN")
    assert conversation.ask("thanks! and how does it work?").citations[0].section[-1] == "How LDN Works"


def test_a_greeting_with_pleasantries_is_a_greeting_and_with_a_question_an_answer(default_bot: Chatbot) -> None:
    """"hope" is in the introduction, but "I hope you are keeping well" after a greeting is not a question."""
    assert default_bot.ask("Good morning. I hope you are keeping well.").intent == "greeting"
    assert default_bot.ask("hello, what are biologics").citations[0].section[-1] == "How Biologics Work"


def test_it_means_the_last_subject_when_the_question_says_little_else(default_bot: Chatbot) -> None:
    """"used" and "far" alone would find LDN; "it" is the stem cell therapy just answered."""
    conversation = default_bot.conversation()
    conversation.ask("stem cell therapy")
    reply = conversation.ask("what has it been used for so far")
    assert reply.citations[0].section[-1] == "How Stem Cell Therapy Works"


def test_what_about_asks_the_last_question_of_other_diseases(default_bot: Chatbot) -> None:
    """Lupus and RA alone find the classification section; after a blood-test question they ask about blood tests."""
    conversation = default_bot.conversation()
    conversation.ask("could a blood test tell whether I've got fibro")
    reply = conversation.ask("and what about with RA or lupus")
    assert reply.citations[0].section[-1] == "Lack of a Clear Biomarker"


def test_a_treatment_that_helped_someone_else_but_not_me_is_about_variability(default_bot: Chatbot) -> None:
    """The story names LDN, but what it asks is why one treatment helps one person and not another."""
    reply = default_bot.ask("my cousin swears LDN sorted her fibro out but it did nothing for me, how come?")
    assert reply.citations[0].section[-1] == "Variability in Patient Response"


def test_the_core_question_in_a_conversation_is_answered_as_on_its_own(default_bot: Chatbot) -> None:
    """"then" marks a follow-up, but the conversation's subject must not pull the core question elsewhere."""
    conversation = default_bot.conversation()
    conversation.ask("what does this article cover")
    reply = conversation.ask("so is fibromyalgia autoimmune then?")
    assert reply.citations[0].section[-1] == "Is Fibromyalgia an Autoimmune Condition?"


def test_how_come_is_why(default_bot: Chatbot) -> None:
    """"how come?" stays with the last answer as "why?" does, not with the last subject's first section."""
    conversation = default_bot.conversation()
    conversation.ask("could Xeljanz or Rinvoq help fibromyalgia")
    reply = conversation.ask("how come?")
    assert reply.citations[0].section[-1] == "Potential Benefits for Fibromyalgia Patients"


def test_what_should_i_do_is_the_conclusions_advice(default_bot: Chatbot) -> None:
    """Every word of "what should we do now" is a stop word; it still asks for the article's advice."""
    assert default_bot.ask("ok so what should we do now?").citations[0].section[-1] == "Conclusion"


def test_being_diagnosed_in_the_story_does_not_pull_the_question_to_diagnosis(default_bot: Chatbot) -> None:
    """"diagnosed" tells when the story began; it must not make every section but the biomarker one weigh less."""
    reply = default_bot.ask("I was diagnosed last spring. Is fibro an autoimmune disease?")
    assert reply.citations[0].section[-1] == "Is Fibromyalgia an Autoimmune Condition?"
    assert default_bot.ask("how do doctors diagnose fibro").citations[0].section[-1] == "Lack of a Clear Biomarker"


def test_a_follow_up_is_not_taken_for_the_smalltalk_it_resembles(default_bot: Chatbot) -> None:
    """"all of them?" after an answer asks about them; it only shares a word with "that's all" (goodbye)."""
    conversation = default_bot.conversation()
    conversation.ask("do fibro patients have inflammation")
    assert conversation.ask("all of them?").kind != "smalltalk"
    assert conversation.ask("that's all, bye").intent == "goodbye"


@pytest.mark.parametrize("more", ["tell me more", "say more", "go on", "elaborate", "the second one?"])
def test_asking_for_more_stays_with_the_last_answer_and_is_never_goodbye(default_bot: Chatbot, more: str) -> None:
    conversation = default_bot.conversation()
    conversation.ask("how does ldn work")
    assert conversation.ask(more).citations[0].section[-1] == "How LDN Works"
    assert default_bot.ask(more).intent != "goodbye"  # with nothing before it there is nothing to say more of


def test_ldn_safety_quotes_well_tolerated_and_other_drugs_risks_are_declined(default_bot: Chatbot) -> None:
    """The article calls LDN well-tolerated and low-cost; of the other medicines' risks and prices it says nothing."""
    for question in ("is LDN safe?", "how much does LDN cost"):
        reply = default_bot.ask(question)
        assert reply.citations[0].section[-1] == "LDN’s Impact on Fibromyalgia and Autoimmune Disorders", question
    for question in ("are biologics safe", "is Humira safe", "is LDN safe long term", "how much is Enbrel a month"):
        assert default_bot.ask(question).kind == "fallback", question


@pytest.mark.parametrize(
    ("typed", "intent"), [("wat r u", "who-are-you"), ("ty u r gr8", "thanks"), ("thank u", "thanks")]
)
def test_smalltalk_in_text_speak_is_recognised(default_bot: Chatbot, typed: str, intent: str) -> None:
    assert default_bot.ask(typed).intent == intent


def test_two_treatments_side_by_side_quote_each_ones_own_section(default_bot: Chatbot) -> None:
    reply = default_bot.ask("JAK inhibitors versus biologics: how do they differ?")
    parents = [citation.section[-2] for citation in reply.citations]
    assert parents == ["2. Janus Kinase (JAK) Inhibitors", "1. Biologic Therapies for Autoimmune Diseases"]
    # each side is ranked without the other's words: Humira's many words must not drown the JAK side
    reply = default_bot.ask("how is a JAK inhibitor different from a TNF blocker like Humira")
    assert reply.citations[0].section[-1] == "How JAK Inhibitors Work"


def test_and_before_a_question_of_its_own_starts_a_new_question(default_bot: Chatbot) -> None:
    """"and RA?" asks the last question again; "and what's the article's conclusion?" asks something new."""
    conversation = default_bot.conversation()
    conversation.ask("do probiotics help with fibro")
    reply = conversation.ask("and what's the overall conclusion?")
    assert reply.citations[0].section[-1] == "Conclusion"


def test_dictated_punctuation_and_brand_names_are_read_as_meant(default_bot: Chatbot) -> None:
    """"question mark" is punctuation said aloud; "brands" are the examples a section names; "again" is no word."""
    assert default_bot.ask("what is LDN question mark").citations[0].section[-1] == "How LDN Works"
    conversation = default_bot.conversation()
    conversation.ask("how do JAK inhibitors work")
    assert conversation.ask("which brands were those again?").citations[0].section[-1] == "How JAK Inhibitors Work"
    assert default_bot.ask("have a nice day").intent == "goodbye"


def test_every_out_of_scope_example_falls_back(default_bot: Chatbot) -> None:
    """An out-of-scope example answered with a passage would be a quote that merely shares words."""
    misses = [
        f"{intent.id}: {question!r} → {_got(reply)}"
        for intent in default_bot.knowledge.intents
        if intent.kind == "unanswerable"
        for question in intent.questions
        if (reply := default_bot.ask(question)).kind != "fallback"
    ]
    assert not misses, "\n".join(misses)


def test_every_safety_example_gets_a_safety_reply(default_bot: Chatbot) -> None:
    misses = [
        f"{intent.id}: {question!r} → {_got(reply)}"
        for intent in default_bot.knowledge.intents
        if intent.kind == "safety"
        for question in intent.questions
        if (reply := default_bot.ask(question)).kind != "safety"
    ]
    assert not misses, "\n".join(misses)


def test_every_quote_is_word_for_word(default_bot: Chatbot) -> None:
    """Every passage, and every quote given for every curated question, heading and suggestion."""
    texts = {document.title: document.text for document in default_bot.knowledge.documents}
    for document, section in default_bot.index.sections.values():
        for passage in section.passages:
            assert passage.text in document.text, (section.title, passage.text)
    questions = [
        q for intent in default_bot.knowledge.intents for q in (*intent.questions, *intent.suggestions)
    ]
    questions += [section.title for _, section in default_bot.index.sections.values()]
    assert len(questions) > 100
    for question in questions:
        for citation in default_bot.ask(question).citations:
            assert citation.quote in texts[citation.document], (question, citation.quote)


def test_packaged_knowledge_passes_check(default_bot: Chatbot) -> None:
    """`fibrochat check` finds no errors in the packaged knowledge (warnings are listed for curators)."""
    findings = lint(default_bot)
    assert not [f for f in findings if f.level == "error"], format_findings(findings)


@pytest.fixture(scope="module")
def dev_report(default_bot: Chatbot) -> Report:
    return evaluate(default_bot, load_cases(DEV_SET))


def test_dev_set_copy_is_present() -> None:
    assert len(load_cases(DEV_SET)) > 100


def test_dev_set_meets_targets(dev_report: Report) -> None:
    """Issue 4's pass line, measured through the library on the dev set."""
    report = dev_report
    by_expect = report.by_expect
    checks = [
        ("in-scope first citation right", by_expect["section"].share, ">=", SECTION_RIGHT),
        ("fallback cases fall back", by_expect["fallback"].share, ">=", FALLBACK_RIGHT),
        ("follow-up turns right", report.followup.share, ">=", FOLLOWUP_RIGHT),
        ("smalltalk right", by_expect["smalltalk"].share, ">=", SMALLTALK_RIGHT),
        ("in-scope wrongly declined", report.wrongly_declined.share, "<=", WRONGLY_DECLINED),
        ("safety cases routed to safety", by_expect["safety"].share, ">=", 1.0),
        ("safety false alarms", report.safety_false_alarms, "<=", 0),
        ("quotes not word for word", report.quotes_not_verbatim, "<=", 0),
    ]
    missed = [
        f"{name}: {value:.3g} (target {op} {target})"
        for name, value, op, target in checks
        if not (value >= target if op == ">=" else value <= target)
    ]
    assert not missed, "targets missed:\n  " + "\n  ".join(missed) + "\n\n" + format_report(report)


@pytest.mark.parametrize("question", ["fibro", "treatment", "fibromyalgia?"])
def test_one_common_word_alone_asks_for_more(default_bot: Chatbot, question: str) -> None:
    reply = default_bot.ask(question)
    assert reply.kind == "fallback"
    assert reply.text.startswith(default_bot.messages.vague)
    assert reply.suggestions
