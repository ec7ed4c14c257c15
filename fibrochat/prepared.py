"""Everything a bot derives from its knowledge at load, as one value: built once, or restored from the snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from .comparisons import Comparisons
from .followups import FollowUps
from .knowledge import Knowledge, gc_paused
from .matching import SECTION_PREFIX, Index
from .messages import Messages, build_messages, parse_messages
from .model import Intent
from .safety import SafetyLayer

EXTRA_KEYS = frozenset({"messages", "safety"})
"""Top-level keys an intents file may hold beside intents and lexicon."""
MAX_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Prepared:
    """The indexes and look-up tables of one knowledge base; the safety layer is for the default region."""

    knowledge: Knowledge
    messages: Messages
    index: Index
    followups: FollowUps
    comparisons: Comparisons
    safety: SafetyLayer
    primary_intents: dict[str, Intent]  # section key → the first FAQ intent that cites it
    starting_points: tuple[str, ...]  # where suggestions come from when nothing near was found
    siblings: dict[str, tuple[str, ...]]  # section key → the first few others under the same parent heading
    labels: dict[str, str]  # section key → its heading path, for `/why`


def prepare(knowledge: Knowledge) -> Prepared:
    """Build the indexes of `knowledge`: the work of a load, done once."""
    with gc_paused():  # all that is made here lives on: the cyclic collector would only rescan it
        return _prepare(knowledge)


def _prepare(knowledge: Knowledge) -> Prepared:
    messages = build_messages(
        [parse_messages(value, path, line) for key, value, path, line in knowledge.extra if key == "messages"]
    )
    index = Index(knowledge.documents, knowledge.intents, knowledge.lexicon)
    primary_intents: dict[str, Intent] = {}
    for intent in knowledge.intents:
        if intent.kind == "faq":
            primary_intents.setdefault(SECTION_PREFIX + intent.cites[0], intent)
    # curated questions first, then headings
    starting_points = tuple(dict.fromkeys([*primary_intents, *index.sections]))[:MAX_SUGGESTIONS]
    by_parent: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    group_of: dict[str, list[str]] = {}  # section key → the keys under the same parent heading, itself included
    for key, (document, section) in index.sections.items():
        group_of[key] = by_parent.setdefault((document.id, section.path[:-1]), [])
        group_of[key].append(key)
    siblings = {  # all a suggestion needs
        key: tuple(k for k in group[: MAX_SUGGESTIONS + 1] if k != key) for key, group in group_of.items()
    }
    labels = {key: " › ".join(section.path) for key, (_, section) in index.sections.items()}
    safety = SafetyLayer.from_sections(  # the packaged safety rules when the knowledge has none
        [(value, path, line) for key, value, path, line in knowledge.extra if key == "safety"],
        known_words=index.analyzer.surface,
    )
    return Prepared(
        knowledge=knowledge,
        messages=messages,
        index=index,
        followups=FollowUps(
            index, knowledge.lexicon.followup_cues, knowledge.lexicon.pronouns, knowledge.lexicon.swap_cues
        ),
        comparisons=Comparisons(index, knowledge.lexicon.comparison_cues),
        safety=safety,
        primary_intents=primary_intents,
        starting_points=starting_points,
        siblings=siblings,
        labels=labels,
    )
