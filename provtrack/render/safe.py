"""Make untrusted text harmless for a terminal: controls and bidi overrides become visible escapes."""

from __future__ import annotations

from rich.text import Text

from .escapes import UNSAFE, escape_char, visible

__all__ = ["safe_text", "visible"]


def safe_text(text: str, style: str = "") -> Text:
    """A rich Text of *text* made visible; never parsed as markup. Escapes get `provtrack.escape`."""
    if UNSAFE.search(text) is None:  # the common case: nothing to escape
        return Text(text, style=style)
    result = Text(style=style)
    pos = 0
    for match in UNSAFE.finditer(text):
        if match.start() > pos:
            result.append(text[pos:match.start()])
        result.append(escape_char(match.group()), style="provtrack.escape")
        pos = match.end()
    if pos < len(text):
        result.append(text[pos:])
    return result
