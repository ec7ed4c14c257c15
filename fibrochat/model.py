"""The data fibrochat works with: immutable, so a loaded bot can be shared between threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ReplyKind = Literal["answer", "clarify", "smalltalk", "safety", "fallback"]
IntentKind = Literal["faq", "smalltalk", "safety", "unanswerable"]


@dataclass(frozen=True, slots=True)
class Passage:
    """A quotable unit: a paragraph, or a list together with the sentence that introduces it."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the passages directly under it."""

    title: str
    path: tuple[str, ...]
    anchor: str
    level: int
    line: int
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown source: its title, where it comes from, and its sections in reading order."""

    id: str
    title: str
    source: str
    note: str
    path: str
    text: str
    sections: tuple[Section, ...]

    def section(self, anchor: str) -> Section | None:
        for section in self.sections:
            if section.anchor == anchor:
                return section
        return None


@dataclass(frozen=True, slots=True)
class Intent:
    """A curated question family and how to answer it.

    faq intents cite sections (by anchor); smalltalk, safety and unanswerable intents carry a response text.
    """

    id: str
    kind: IntentKind
    questions: tuple[str, ...]
    cites: tuple[str, ...] = ()
    lead: str | None = None
    response: str | None = None
    suggestions: tuple[str, ...] = ()
    topic: str | None = None
    path: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a quote comes from: the document title, the heading path (leaf last) and the passage itself."""

    document: str
    section: tuple[str, ...]
    anchor: str
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "section": list(self.section),
            "anchor": self.anchor,
            "quote": self.quote,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """One scored possibility behind a reply, kept for `/why` and for evaluation."""

    key: str
    label: str
    score: float
    via: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What fibrochat says back. `to_dict()` is the public JSON shape."""

    kind: ReplyKind
    text: str
    citations: tuple[Citation, ...] = ()
    disclaimer: str = ""
    intent: str | None = None
    confidence: float = 0.0
    suggestions: tuple[str, ...] = ()
    lead: str | None = None
    candidates: tuple[Candidate, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "citations": [citation.to_dict() for citation in self.citations],
            "disclaimer": self.disclaimer,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Words as data: synonyms, brand expansions, stop words, topics, follow-up cues, pronouns, swap and
    comparison cues, and text speak spelled out."""

    synonyms: tuple[tuple[str, str], ...] = ()
    expansions: tuple[tuple[str, str], ...] = ()
    stopwords: frozenset[str] = frozenset()
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    followup_cues: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    pronouns: frozenset[str] = frozenset()  # words that point back at the last subject: it, they, that…
    swap_cues: frozenset[str] = frozenset()  # ask the last question again of something else: what about…
    comparison_cues: frozenset[str] = frozenset()  # single words that set two subjects side by side: vs, difference…
    text_speak: tuple[tuple[str, str], ...] = ()  # (word as typed, spelled out): read first, "who r u" as "who are you"


@dataclass(frozen=True, slots=True)
class Context:
    """What a conversation remembers between turns: small and bounded, whatever its length."""

    topic: str | None = None
    section: str | None = None
    aspect: tuple[str, ...] = ()
    turns: int = 0
    safety: str | None = None  # the safety category the last turn got: "I'll wait and see" after an emergency
