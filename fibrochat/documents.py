"""Markdown → Document: front matter, a section tree with stable anchors, and quotable passages.

Only the Markdown a curator needs is understood: optional `---` front matter (title, source, note),
ATX headings (`#` … `######`), paragraphs, and `-`, `*`, `+` or `1.` lists. A paragraph that ends in a
colon and is followed by a list forms one passage with it, so the quote keeps the sentence that
introduces the list. Passage text is an exact slice of the file, so quotes stand word for word in it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from .errors import ContentError
from .model import Document, Passage, Section
from .text import slug

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\S")
_FRONT_KEYS = {"title", "source", "note", "url"}
MAX_FILE_BYTES = 16 * 2**20
"""Knowledge files are text written by people; anything bigger is a mistake (or /dev/zero)."""
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C when available: faster
_FRONT_KEY = re.compile(r"^([^\s#:][^:]*?)[ \t]*:(?:[ \t]|$)")


def read_text(path: Path) -> str:
    """Read a knowledge file as UTF-8, turning every failure into a ContentError."""
    try:
        with path.open("rb") as file:
            # as much as the file holds (asking for more would allocate it), and never all of /dev/zero or a
            # mistaken 4 GB file; the rest only if it holds more (a device, or it grew meanwhile)
            expected = min(os.fstat(file.fileno()).st_size, MAX_FILE_BYTES)
            raw = file.read(expected + 1)
            if len(raw) > expected:
                raw += file.read(MAX_FILE_BYTES + 1 - len(raw))
    except FileNotFoundError:
        raise ContentError(str(path), None, "no such file") from None
    except IsADirectoryError:
        raise ContentError(str(path), None, "is a folder, expected a file") from None
    except PermissionError:
        raise ContentError(str(path), None, "permission denied") from None
    except OSError as error:
        raise ContentError(str(path), None, error.strerror or "cannot be read") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(str(path), None, f"larger than {MAX_FILE_BYTES // 2**20} MB: not a knowledge file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(str(path), line, "not valid UTF-8 text") from None
    return _unix_newlines(text)


def _unix_newlines(text: str) -> str:
    """The text with CR LF and lone CR line ends made LF: most files have none, and one look for a CR is cheaper
    than two replacements that find nothing."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _front_matter(lines: list[str], where: str) -> tuple[dict[str, str], int]:
    """Parse a leading `---` block of a file's lines; return its fields and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise ContentError(where, 1, "front matter opened with '---' is never closed")
    try:
        data = yaml.load("\n".join(lines[1:end]), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or error
        raise ContentError(where, line, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ContentError(where, 2, "front matter must be 'key: value' lines")
    key_lines: dict[str, list[int]] = {}
    for number in range(1, end):
        key_match = _FRONT_KEY.match(lines[number])
        if key_match:
            key_lines.setdefault(key_match.group(1), []).append(number + 1)
    for name, found in key_lines.items():
        if len(found) > 1:
            problem = f"duplicate front matter key {name!r} (first on line {found[0]})"
            raise ContentError(where, found[1], problem)
    fields: dict[str, str] = {}
    for key, value in data.items():
        line = key_lines.get(str(key), [2])[0]
        if key not in _FRONT_KEYS:
            allowed = ", ".join(sorted(_FRONT_KEYS))
            raise ContentError(where, line, f"unknown front matter key {key!r} (allowed: {allowed})")
        if not isinstance(value, str) or not value.strip():
            raise ContentError(where, line, f"front matter {key!r} must be a non-empty text (quote it)")
        fields[str(key)] = value.strip()
    return fields, end + 1


def parse_markdown(text: str, *, where: str, doc_id: str) -> Document:
    """Parse Markdown text into a Document; `where` names the file in errors."""
    text = _unix_newlines(text)
    lines = text.split("\n")
    front, start = _front_matter(lines, where)

    headings: list[tuple[int, int, str]] = []  # (line index, level, title)
    # only a line that starts with "#" may be a heading: the pattern is tried on those alone
    for index in [index for index in range(start, len(lines)) if lines[index].startswith("#")]:
        match = _HEADING.match(lines[index])
        if match:
            headings.append((index, len(match.group(1)), match.group(2).strip()))
    if not headings:
        raise ContentError(where, None, "no headings: a document needs '#' headings to divide it in sections")

    title = front.get("title")
    if title is None and sum(1 for _, level, _ in headings if level == 1) == 1 and headings[0][1] == 1:
        title = headings[0][2]
    skip_title_heading = title is not None and headings[0][1] == 1 and headings[0][2] == title
    if title is None:
        title = doc_id

    sections: list[Section] = []
    stack: list[tuple[int, tuple[str, ...]]] = []  # (level, heading path) of the open headings
    used_anchors: set[str] = set()
    for position, (index, level, heading) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        passages = _passages(lines, index + 1, end)
        if position == 0 and skip_title_heading:
            if passages:
                sections.append(_section(heading, (heading,), level, index, passages, used_anchors))
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        path = (*stack[-1][1], heading) if stack else (heading,)
        stack.append((level, path))
        sections.append(_section(heading, path, level, index, passages, used_anchors))

    if not any(section.passages for section in sections):
        raise ContentError(where, None, "no text under any heading: nothing to quote")
    return Document(
        id=doc_id,
        title=title,
        source=front.get("source", ""),
        note=front.get("note", ""),
        path=where,
        text=text,
        sections=tuple(sections),
    )


def _section(
    heading: str, path: tuple[str, ...], level: int, index: int, passages: tuple[Passage, ...],
    used_anchors: set[str],
) -> Section:
    base = anchor = slug(heading)
    number = 2
    while anchor in used_anchors:  # "Foo", "Foo", "Foo 2" → foo, foo-2, foo-2-2: never two sections alike
        anchor = f"{base}-{number}"
        number += 1
    used_anchors.add(anchor)
    return Section(title=heading, path=path, anchor=anchor, level=level, line=index + 1, passages=passages)


def _passages(lines: list[str], begin: int, end: int) -> tuple[Passage, ...]:
    """Split the lines between two headings into passages (blocks separated by blank lines)."""
    merged: list[tuple[int, int]] = []
    index = begin
    while index < end:
        if not lines[index].strip():
            index += 1
            continue
        first = index
        while index < end and lines[index].strip():
            index += 1
        if merged and _introduces_list(lines, *merged[-1]) and _LIST_ITEM.match(lines[first]):
            merged[-1] = (merged[-1][0], index)
        else:
            merged.append((first, index))
    return tuple(Passage(text="\n".join(lines[first:last]).strip(), line=first + 1) for first, last in merged)


def _introduces_list(lines: list[str], first: int, last: int) -> bool:
    """Whether a block ends in a colon and is not itself a list, so a list after it belongs to it."""
    return lines[last - 1].rstrip().endswith(":") and not _LIST_ITEM.match(lines[first])


def load_document(path: Path) -> Document:
    """Load one Markdown file."""
    return parse_markdown(read_text(path), where=str(path), doc_id=path.stem)


def markdown_files(paths: list[Path]) -> list[Path]:
    """Markdown files named directly, and every `*.md` file (sorted) inside folders."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.is_file())
            if not found:
                raise ContentError(str(path), None, "folder holds no Markdown (*.md) documents")
            files.extend(found)
        elif not path.exists():
            raise ContentError(str(path), None, "no such file or folder")
        else:
            files.append(path)
    return files


def load_documents(paths: list[Path]) -> tuple[Document, ...]:
    """Load Markdown files, and every `*.md` file (sorted) inside folders."""
    documents = [load_document(file) for file in markdown_files(paths)]
    seen: dict[str, str] = {}
    for document in documents:
        if document.id in seen:
            problem = f"document id {document.id!r} also used by {seen[document.id]}"
            raise ContentError(document.path, None, problem)
        seen[document.id] = document.path
    return tuple(documents)
