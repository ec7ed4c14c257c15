"""The chat's look: the bottom toolbar (the few keys that matter now) and a calm colour scheme."""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.styles import Style

from .chat_theme import COLOURS, PLAIN

SEPARATOR = " · "


def toolbar_fragments(width: int, suggestions: int = 0) -> StyleAndTextTuples:
    """The keys worth knowing right now, as many as fit in `width` columns.

    When space is short the least needed go first (search, then history…), so the way out (Ctrl-D)
    and the way to help stay visible even in a narrow terminal.
    """
    keys: list[tuple[str, str, int]] = []  # key, what it does, priority (0 = kept longest)
    if suggestions:
        keys.append(("1" if suggestions == 1 else f"1-{suggestions}", "pick", 2))
    keys.extend(
        [("Tab", "complete", 3), ("↑↓", "history", 4), ("Ctrl-R", "search", 5), ("/help", "", 1), ("Ctrl-D", "quit", 0)]
    )
    chosen: set[int] = set()
    used = 1
    for position in sorted(range(len(keys)), key=lambda position: keys[position][2]):
        key, action, _ = keys[position]
        extra = len(key) + (len(action) + 1 if action else 0) + (len(SEPARATOR) if chosen else 0)
        if used + extra <= width - 1:
            chosen.add(position)
            used += extra
    fragments: StyleAndTextTuples = [("class:bottom-toolbar.text", " ")]
    for position in sorted(chosen):
        key, action, _ = keys[position]
        if len(fragments) > 1:
            fragments.append(("class:bottom-toolbar.text", SEPARATOR))
        fragments.append(("class:bottom-toolbar.key", key))
        if action:
            fragments.append(("class:bottom-toolbar.text", f" {action}"))
    return fragments


def chat_style(color: bool) -> Style:
    return Style.from_dict(COLOURS if color else PLAIN)
