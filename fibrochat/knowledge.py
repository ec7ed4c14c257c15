"""Load documents and intents together and check that they fit: every cited anchor exists, ids are unique.

The result is one immutable Knowledge value, so a bot is either fully loaded or not at all.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .errors import ContentError
from .model import Document, Intent, Lexicon
from .resources import documents_folder, intents_folder

if TYPE_CHECKING:
    from pathlib import Path

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything a bot answers from."""

    documents: tuple[Document, ...]
    intents: tuple[Intent, ...]
    lexicon: Lexicon
    extra: tuple[tuple[str, Any, str, int | None], ...] = ()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading makes many objects that all live on: the cyclic collector would only rescan them, so pause it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _to_oldest_generation()
        if was_enabled:
            gc.enable()


def _to_oldest_generation() -> None:
    """Move every object to the oldest generation without scanning it. Otherwise the first allocation after
    loading starts a young collection that scans all that loading made (a tenth of a second at 100,000
    passages), only to move it there. freeze() then unfreeze() moves the collector's lists and nothing else;
    skipped when the program has frozen objects of its own, which unfreeze() would release."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def load_knowledge(
    documents: Sequence[PathLike] | PathLike | None = None,
    intents: Sequence[PathLike] | PathLike | None = None,
    *,
    extra_keys: frozenset[str] = frozenset(),
) -> Knowledge:
    """Load Markdown documents and YAML intents; None means the packaged ones, [] means none."""
    with gc_paused():
        return _load(documents, intents, extra_keys)


def _load(
    documents: Sequence[PathLike] | PathLike | None,
    intents: Sequence[PathLike] | PathLike | None,
    extra_keys: frozenset[str],
) -> Knowledge:
    # the loaders bring PyYAML and pathlib with them: imported here, as a bot restored from the snapshot needs neither
    from .documents import load_documents
    from .intents import check_unique_ids, load_intent_file, merge_lexicons, yaml_files

    document_paths, intent_paths = _locations(documents, intents)
    docs = load_documents(document_paths) if document_paths else ()
    files = [load_intent_file(path, extra_keys) for path in yaml_files(intent_paths)] if intent_paths else []
    check_unique_ids(files)
    anchors = _answerable_anchors(docs)
    resolved = tuple(_resolve_cites(intent, anchors, bool(docs)) for file in files for intent in file.intents)
    extra = tuple((key, value, file.path, line) for file in files for key, value, line in file.extra)
    return Knowledge(docs, resolved, merge_lexicons([file.lexicon for file in files]), extra)


def content_files(
    documents: Sequence[PathLike] | PathLike | None, intents: Sequence[PathLike] | PathLike | None
) -> list[tuple[str, str]]:
    """(name, path) of every file load_knowledge(documents, intents) reads, in its order; names hold full paths."""
    from .documents import markdown_files
    from .intents import yaml_files

    document_paths, intent_paths = _locations(documents, intents)
    return [
        *((f"documents/{path.resolve()}", str(path)) for path in markdown_files(document_paths)),
        *((f"intents/{path.resolve()}", str(path)) for path in yaml_files(intent_paths)),
    ]


def _locations(
    documents: Sequence[PathLike] | PathLike | None, intents: Sequence[PathLike] | PathLike | None
) -> tuple[list[Path], list[Path]]:
    """The document and intents locations to read: None means the packaged folder, [] means none."""
    return (
        as_paths(documents_folder() if documents is None else documents),
        as_paths(intents_folder() if intents is None else intents),
    )


def as_paths(values: Sequence[PathLike] | PathLike) -> list[Path]:
    """Paths from a list; a single path is one path (a str is a Sequence, and each letter is not a file)."""
    from pathlib import Path

    if isinstance(values, str | os.PathLike):
        return [Path(values)]
    return [Path(value) for value in values]


def _answerable_anchors(documents: tuple[Document, ...]) -> dict[str, list[str]]:
    """anchor → ids of the documents where a section with text has it."""
    anchors: dict[str, list[str]] = {}
    for document in documents:
        for section in document.sections:
            if section.passages:
                anchors.setdefault(section.anchor, []).append(document.id)
    return anchors


def _resolve_cites(intent: Intent, anchors: dict[str, list[str]], loaded_any: bool) -> Intent:
    """Turn each cited anchor into "<document id>#<anchor>", or fail naming the intent's file and line."""
    resolved: list[str] = []
    for cite in intent.cites:
        doc_id, _, anchor = cite.rpartition("#")
        matches = [f"{found}#{anchor}" for found in anchors.get(anchor, ()) if not doc_id or found == doc_id]
        if not matches:
            known = "" if loaded_any else " (no documents are loaded)"
            problem = f"intent {intent.id!r} cites {cite!r}, which no section has{known}"
            raise ContentError(intent.path, intent.line, problem)
        if len(matches) > 1:
            raise ContentError(
                intent.path,
                intent.line,
                f"intent {intent.id!r} cites {cite!r}, found in several documents: write it as '<document>#{anchor}'",
            )
        resolved.append(matches[0])
    cites = tuple(resolved)
    # cites that already name their document stay as they are: keep the intent, as replace() costs more than a look
    return intent if cites == intent.cites else replace(intent, cites=cites)
