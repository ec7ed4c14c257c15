"""Reply → plain text for a terminal or a pipe: quotes, a source line per section, a compact disclaimer.

Everything printed passes through `printable`, so neither a question nor a knowledge file can send
escape sequences to the terminal.
"""

from __future__ import annotations

import textwrap

from .model import Citation, Reply
from .text import printable


def source_line(citation: Citation) -> str:
    return "Source: " + " › ".join((citation.document, *citation.section))


def wrap(text: str, width: int | None, indent: str = "") -> list[str]:
    """Wrap each line to `width` (None: leave as is); list items hang under their first word."""
    text = printable(text)
    if not width:
        return [indent + line for line in text.split("\n")]
    lines: list[str] = []
    for line in text.split("\n"):
        hang = indent + ("  " if line.startswith(("- ", "* ")) else "")
        lines.extend(textwrap.wrap(line, max(width, 20), initial_indent=indent, subsequent_indent=hang) or [indent])
    return lines


def quote_lines(reply: Reply, width: int | None) -> list[str]:
    """The quoted passages, each section's source line after its last passage."""
    out: list[str] = []
    for position, citation in enumerate(reply.citations):
        out.extend(wrap(citation.quote, width - 2 if width else None, indent="  "))
        following = reply.citations[position + 1] if position + 1 < len(reply.citations) else None
        if following is None or (following.document, following.section) != (citation.document, citation.section):
            out.extend(wrap(source_line(citation), width))
        out.append("")
    return out


def render_reply(reply: Reply, *, footer: str = "", width: int | None = None, numbered: bool = False) -> str:
    """The reply as a person reads it: lead, quotes with sources, footer; or the plain text of other kinds."""
    out: list[str] = []
    if reply.kind == "answer":
        for part in reply.text.split("\n\n"):
            if part.startswith("(") and part.endswith(")"):
                out.extend(wrap(part, width))
        if reply.lead:
            out.extend([*wrap(reply.lead, width), ""])
        out.extend(quote_lines(reply, width))
        if footer:
            out.extend(wrap(footer, width))
        if reply.suggestions:
            out.extend(["", "You could also ask:"])
    elif reply.kind == "clarify":
        out.extend(wrap(reply.text.split("\n", 1)[0], width))
    else:
        text = reply.text
        if reply.suggestions and reply.kind == "fallback":
            text = "\n".join(line for line in text.split("\n") if not line.startswith("- "))
        out.extend(wrap(text, width))
    for number, suggestion in enumerate(reply.suggestions, 1):
        marker = f"{number}." if numbered else "-"
        out.extend(wrap(f"{marker} {suggestion}", width, indent="  "))
    if reply.kind in ("clarify", "safety") and footer:
        out.extend(["", *wrap(footer, width)])
    return "\n".join(line.rstrip() for line in out).strip("\n")
