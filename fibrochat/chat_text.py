"""What the chat prints besides replies: welcome, /help, /topics, /sources, /why. Pure text, no terminal.

Every builder returns tagged lines (role, text), wrapped to the width it is given, so the chat can
colour them and the tests can read them. Wording about the knowledge comes from the loaded bot.
"""

from __future__ import annotations

from collections.abc import Sequence

from .conversation import Conversation
from .engine import ANSWER_THRESHOLD, CLARIFY_MARGIN, Chatbot
from .matching import INTENT_PREFIX, SECTION_PREFIX
from .model import Candidate, Reply
from .render import PATH_SEPARATOR, SUGGESTIONS_HEADING, Line, render_lines, wrap

COMMANDS: tuple[tuple[str, str], ...] = (
    ("/help", "what you can type, and the keys"),
    ("/topics", "the outline of what the sources cover"),
    ("/sources", "the documents the answers quote, and where they come from"),
    ("/why", "why the last reply: what matched, the top candidates and their scores"),
    ("/reset", "forget the conversation so far (follow-ups start afresh)"),
    ("/quit", "leave (Ctrl-D works too)"),
)
"""The chat's commands, in the order /help lists them."""

KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "ask"),
    ("1 2 3", "ask a numbered suggestion"),
    ("Tab", "complete a question or heading"),
    ("→", "accept the grey suggestion"),
    ("↑ ↓", "earlier questions"),
    ("Ctrl-R", "search earlier questions"),
    ("Ctrl-C", "clear the line"),
    ("Ctrl-D", "leave"),
)

WHY_CANDIDATES = 5
PROMPT_HINT = "Type a question, or /help for help. Ctrl-D leaves."


def tag(role: str, text: str, width: int | None, indent: str = "", hang: str | None = None) -> list[Line]:
    return [(role, line.rstrip()) for line in wrap(text, width, indent=indent, hang=hang)]


def example_question(bot: Chatbot) -> str | None:
    """The first curated question: an example that is sure to have an answer."""
    for intent in bot.index.intents.values():
        if intent.kind == "faq" and intent.questions:
            return intent.questions[0]
    return None


def welcome_lines(bot: Chatbot, width: int | None) -> list[Line]:
    documents = bot.knowledge.documents
    if documents:
        named = "; ".join(f"“{d.title}”, from {d.source}" if d.source else f"“{d.title}”" for d in documents)
        known = f"fibrochat answers by quoting its sources: {named}."
    else:
        known = "fibrochat has no documents loaded, so it cannot quote anything yet."
    return [
        *tag("title", known, width),
        *tag("hint", PROMPT_HINT, width),
        ("blank", ""),
        *tag("disclaimer", bot.messages.disclaimer, width),
    ]


def reply_lines(bot: Chatbot, reply: Reply, width: int | None) -> list[Line]:
    """A reply for the chat: numbered suggestions, and safety messages set apart so they cannot be missed.

    A safety message stands alone, without the treatment footer: nothing should dilute it.
    """
    footer = "" if reply.kind == "safety" else bot.messages.disclaimer_short
    lines = render_lines(reply, footer=footer, width=width, numbered=True)
    count = len(reply.suggestions)
    pick = "type 1" if count == 1 else f"type 1-{count}"
    lines = [(role, f"You could also ask ({pick}):") if text == SUGGESTIONS_HEADING else (role, text)
             for role, text in lines]
    if reply.kind == "safety":
        rule = ("rule", "━" * min(width or 40, 40))
        lines = [rule, *lines, rule]
    return lines


def help_lines(bot: Chatbot, width: int | None, history: str) -> list[Line]:
    example = example_question(bot)
    ask = f"Ask in your own words, for example: {example}" if example else "Ask in your own words."
    lines: list[Line] = [*tag("text", ask, width), ("blank", ""), ("heading", "Commands:")]
    for name, summary in COMMANDS:
        lines.extend(tag("text", f"{name:<9} {summary}", width, indent="  ", hang=" " * 12))
    lines.extend([("blank", ""), ("heading", "Keys:")])
    for key, summary in KEYS:
        lines.extend(tag("text", f"{key:<9} {summary}", width, indent="  ", hang=" " * 12))
    lines.extend([("blank", ""), *tag("note", history, width)])
    return lines


def topics_lines(bot: Chatbot, width: int | None) -> list[Line]:
    """The section outline of every document, indented by heading level."""
    if not bot.knowledge.documents:
        return tag("text", "No documents are loaded.", width)
    lines: list[Line] = []
    for document in bot.knowledge.documents:
        if lines:
            lines.append(("blank", ""))
        lines.extend(tag("heading", f"Topics in “{document.title}”:", width))
        top = min((s.level for s in document.sections), default=2)
        for section in document.sections:
            indent = "  " * (section.level - top + 1)
            lines.extend(tag("text", section.title, width, indent=indent, hang=indent + "  "))
    hint = "Ask about any of these in your own words; Tab completes headings."
    lines.extend([("blank", ""), *tag("hint", hint, width)])
    return lines


def sources_lines(bot: Chatbot, width: int | None) -> list[Line]:
    if not bot.knowledge.documents:
        return tag("text", "No documents are loaded.", width)
    lines: list[Line] = [("heading", "Every answer quotes one of these, word for word:")]
    for document in bot.knowledge.documents:
        lines.extend(tag("text", f"“{document.title}”", width, indent="  ", hang="   "))
        if document.source:
            lines.extend(tag("source", f"From: {document.source}", width, indent="    ", hang="      "))
        if document.note:
            lines.extend(tag("note", f"Note: {document.note}", width, indent="    ", hang="      "))
        sections = sum(1 for s in document.sections if s.passages)
        lines.extend(tag("note", f"{sections} sections with text", width, indent="    "))
    return lines


def why_lines(conversation: Conversation, question: str | None, width: int | None) -> list[Line]:
    """For the last reply: what kind it was, what matched, the top candidates and their scores."""
    reply = conversation.last
    if reply is None or question is None:
        return tag("text", "Nothing to explain yet: ask a question first.", width)
    lines: list[Line] = [*tag("heading", f"Why that reply to “{question}”:", width)]
    summary = f"{reply.kind}, confidence {reply.confidence:.2f}"
    if reply.intent:
        summary += f", intent {reply.intent}"
    lines.extend(tag("text", summary, width, indent="  "))
    lines.extend(tag("text", _verdict(reply), width, indent="  ", hang="  "))
    if reply.candidates:
        heading = f"Top candidates (an answer needs {ANSWER_THRESHOLD:.2f}):"
        lines.extend(tag("heading", heading, width, indent="  "))
        lines.extend(_candidate_lines(reply.candidates[:WHY_CANDIDATES], width))
    topic = conversation.context.topic
    context = f"Follow-ups now lean on the topic “{topic}”." if topic else "No topic is held for follow-ups."
    lines.extend(tag("note", context, width, indent="  ", hang="  "))
    return lines


def _verdict(reply: Reply) -> str:
    if reply.kind == "safety":
        return "Caught by the safety check, which runs before any search."
    if reply.kind == "answer" and reply.citations:
        where = PATH_SEPARATOR.join(reply.citations[0].section)
        return f"Answered from “{where}”, the best candidate."
    if reply.kind == "clarify":
        return f"The two best candidates were within {CLARIFY_MARGIN} of each other, so I asked which."
    if reply.kind == "smalltalk":
        return "Matched a small-talk question."
    if not reply.candidates:
        return "No words of the question matched anything in the sources."
    return f"No source scored {ANSWER_THRESHOLD:.2f} or more, so there was no answer."


def _candidate_lines(candidates: Sequence[Candidate], width: int | None) -> list[Line]:
    lines: list[Line] = []
    for candidate in candidates:
        label = f"{candidate.score:.2f}  {_label(candidate)}"
        lines.extend(tag("text", label, width, indent="    ", hang=" " * 10))
        lines.extend(tag("note", _via(candidate.via), width, indent=" " * 10, hang=" " * 12))
    return lines


def _label(candidate: Candidate) -> str:
    if candidate.key.startswith(INTENT_PREFIX):
        return f"intent {candidate.key[len(INTENT_PREFIX):]}"
    if candidate.key.startswith(SECTION_PREFIX) and not candidate.label:
        return candidate.key[len(SECTION_PREFIX):]
    return candidate.label


def _via(via: str) -> str:
    if via.startswith(INTENT_PREFIX):
        intent, _, example = via[len(INTENT_PREFIX):].partition(": ")
        return f"via intent {intent}: “{example}” (as analysed)" if example else f"via intent {intent}"
    if via == "section words":
        return "via the section's own words"
    return f"via {via}"
