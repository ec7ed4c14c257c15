"""The chat's colours, as data: prompt_toolkit styles them, and so does the first screen (see chat_start.py)."""

from __future__ import annotations

COLOURS = {
    "prompt": "ansicyan bold",
    "title": "bold",
    "hint": "ansibrightblack",
    "disclaimer": "italic",
    "lead": "bold",
    "quote": "",
    "source": "ansigreen",
    "footer": "ansibrightblack italic",
    "heading": "bold",
    "suggestion": "ansicyan",
    "note": "ansibrightblack",
    "echo": "ansicyan",
    "warning": "ansiyellow",
    "safety": "bold ansiyellow",
    "rule": "ansiyellow",
    "bottom-toolbar": "noreverse bg:#303030 #c0c0c0",
    "bottom-toolbar.key": "bold #e0e0e0",
    "completion-menu.completion": "bg:#303030 #d0d0d0",
    "completion-menu.completion.current": "bg:#5f8787 #ffffff",
    "completion-menu.meta.completion": "bg:#262626 #909090",
    "completion-menu.meta.completion.current": "bg:#5f8787 #ffffff",
    "auto-suggestion": "#808080",
}
"""Soft colours on the default background; quotes keep the terminal's own colour so they read best."""

PLAIN = {
    "prompt": "bold",
    "lead": "bold",
    "heading": "bold",
    "safety": "bold",
    "bottom-toolbar.key": "bold",
}
"""With NO_COLOR or --no-color: no colour at all, only bold and the terminal's reverse video."""

_ANSI_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
_SGR = {
    "bold": "1",
    "italic": "3",
    "underline": "4",
    **{f"ansi{name}": str(30 + number) for number, name in enumerate(_ANSI_COLOURS)},
    **{f"ansibright{name}": str(90 + number) for number, name in enumerate(_ANSI_COLOURS)},
}
RESET = "\x1b[0m"


def sgr(style: str) -> str:
    """The escape sequence for a style of bold/italic/underline and ANSI colour names; other words are left out.

    Enough for the first screen's roles; prompt_toolkit itself styles everything after it.
    """
    codes = [_SGR[word] for word in style.split() if word in _SGR]
    return f"\x1b[{';'.join(codes)}m" if codes else ""
