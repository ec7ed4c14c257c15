"""Typing help for the chat: fuzzy Tab completion and grey as-you-type suggestions.

Both draw on the curated questions (faq intents) and the section titles, so what is offered is
something the sources answer. `QuestionBank` does the ranking with rapidfuzz and knows nothing of
the terminal; the prompt_toolkit classes below are thin adapters around it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from prompt_toolkit.auto_suggest import AutoSuggest, AutoSuggestFromHistory, Suggestion
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document as PromptDocument
from rapidfuzz import fuzz

from .chat_commands import is_number
from .chat_text import COMMANDS
from .engine import Chatbot
from .text import REQUEST_WORDS, normalise

MIN_TYPED = 3
"""Characters typed before suggestions appear on their own (Tab always offers them)."""

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_LONE_I = re.compile(r"\bi\b(?!\.)")
_WORD = re.compile(r"\b[A-Za-z][A-Za-z0-9]+\b")


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing that can be offered: the text to insert, and what it is."""

    text: str
    words: tuple[str, ...]
    normalised: str
    group: str
    rank: int
    meta: str = ""


class QuestionBank:
    """The curated questions and section titles, ranked against what has been typed so far."""

    def __init__(self, bot: Chatbot, *, limit: int = 10, per_group: int = 2) -> None:
        self.limit = limit
        self.per_group = per_group
        acronyms = _acronyms(bot)
        entries: dict[str, Entry] = {}
        self.starters: list[Entry] = []
        for intent in bot.index.intents.values():
            if intent.kind != "faq":
                continue
            for position, question in enumerate(intent.questions):
                first = normalise(question).split()[:1]
                if position and (not first or first[0] not in REQUEST_WORDS):
                    continue  # keyword-style examples ("ldn fibro pain") read badly as suggestions
                entry = _entry(as_question(question, acronyms), intent.id, 0 if position == 0 else 1)
                if entry.normalised and entry.normalised not in entries:
                    entries[entry.normalised] = entry
                    if position == 0:
                        self.starters.append(entry)
        for key, (_, section) in bot.index.sections.items():
            entry = _entry(section.title, key, 2, meta="heading")
            if entry.normalised and entry.normalised not in entries:
                entries[entry.normalised] = entry
        self.entries = tuple(entries.values())
        postings: dict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(self.entries):
            for word in set(entry.words):
                postings[word].append(position)
        self._postings = dict(postings)

    def complete(self, typed: str) -> list[Entry]:
        """The best entries for what has been typed: fuzzy per word, so "naltr" finds naltrexone."""
        query = normalise(typed).split()
        if not query:
            return []
        word_scores = [self._word_matches(word) for word in query]
        weights = [max(len(word), 2) for word in query]
        # the word being typed must match: it is where the person is heading
        candidates = {position for word in word_scores[-1] for position in self._postings[word]}
        prefix = " ".join(query)
        scored: list[tuple[float, int, int, Entry]] = []
        for position in candidates:
            entry = self.entries[position]
            words = set(entry.words)
            total = sum(
                weight * max((matches.get(word, 0.0) for word in words), default=0.0)
                for weight, matches in zip(weights, word_scores, strict=True)
            )
            score = total / sum(weights)
            if entry.normalised.startswith(prefix):
                score += 0.2
            if score >= 0.55:
                scored.append((score, entry.rank, len(entry.text), entry))
        scored.sort(key=lambda item: (-item[0], item[1], item[2]))
        chosen: list[Entry] = []
        per_group: dict[str, int] = defaultdict(int)
        for _, _, _, entry in scored:
            if per_group[entry.group] < self.per_group:
                per_group[entry.group] += 1
                chosen.append(entry)
            if len(chosen) == self.limit:
                break
        return chosen

    def continuation(self, typed: str) -> str | None:
        """The rest of a question that starts exactly as typed (for the grey suggestion), or None."""
        if len(typed.strip()) < MIN_TYPED:
            return None
        lowered = typed.lower()
        best = min(
            (
                entry
                for entry in self.entries
                if len(entry.text) > len(typed)
                and entry.text.lower().startswith(lowered)
                and entry.text[len(typed) - 1] == typed[-1]  # "what is l" must not become "what is lDN?"
            ),
            key=lambda entry: (entry.rank, len(entry.text)),
            default=None,
        )
        return best.text[len(typed) :] if best is not None else None

    def _word_matches(self, typed: str) -> dict[str, float]:
        """Known words close to one typed word: exact 1.0, a prefix a little less, a typo less again."""
        matches: dict[str, float] = {}
        for word in self._postings:
            if word == typed:
                matches[word] = 1.0
            elif len(typed) >= 2 and word.startswith(typed):
                matches[word] = 0.9 + 0.1 * len(typed) / len(word)
            elif len(typed) >= 4 and word[0] == typed[0]:  # a typo rarely hits the first letter
                similarity = max(fuzz.ratio(typed, word), fuzz.ratio(typed, word[: len(typed)])) / 100
                if similarity >= 0.8:
                    matches[word] = 0.8 * similarity
        return matches


class ChatCompleter(Completer):
    """Tab completion: commands after "/", otherwise curated questions and headings."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank

    def get_completions(
        self, document: PromptDocument, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        typed = document.text_before_cursor
        stripped = typed.strip()
        start = -len(typed)
        if stripped.startswith("/"):
            for name, summary in COMMANDS:
                if name.startswith(stripped.lower()):
                    yield Completion(name, start_position=start, display_meta=summary)
            return
        if is_number(stripped) and stripped:
            return
        if not stripped:
            if complete_event.completion_requested:
                yield from (Completion(entry.text, start_position=start) for entry in self.bank.starters)
            return
        if len(stripped) < MIN_TYPED and not complete_event.completion_requested:
            return
        for entry in self.bank.complete(stripped):
            if entry.text != stripped:
                yield Completion(entry.text, start_position=start, display_meta=entry.meta or None)


class ChatAutoSuggest(AutoSuggest):
    """Grey text after the cursor: an earlier question first, else a curated one that starts the same way."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank
        self.history = AutoSuggestFromHistory()

    def get_suggestion(self, buffer: Buffer, document: PromptDocument) -> Suggestion | None:
        if document.text.startswith("/") or not document.is_cursor_at_the_end:
            return None
        earlier = self.history.get_suggestion(buffer, document)
        if earlier is not None and earlier.text:
            return earlier
        rest = self.bank.continuation(document.text)
        return Suggestion(rest) if rest else None


def as_question(text: str, acronyms: dict[str, str] | None = None) -> str:
    """A curated example as a person would type it: capitalised, acronyms in capitals, a question mark."""
    text = _LONE_I.sub("I", " ".join(text.split()))
    if acronyms:
        text = _WORD.sub(lambda match: acronyms.get(match.group().lower(), match.group()), text)
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(("?", ".", "!")) else text + "?"


def _entry(text: str, group: str, rank: int, meta: str = "") -> Entry:
    normalised = normalise(text)
    return Entry(text, tuple(normalised.split()), normalised, group, rank, meta)


def _acronyms(bot: Chatbot) -> dict[str, str]:
    """Words the knowledge writes in capitals (LDN, JAK), so lower-case examples can be shown that way."""
    texts: Iterable[str] = (
        *(passage.text for _, section in bot.index.sections.values() for passage in section.passages),
        *(title for _, section in bot.index.sections.values() for title in section.path),
    )
    found: dict[str, str] = {}
    for text in texts:
        for word in _ACRONYM.findall(text):
            found.setdefault(word.lower(), word)
    return found
