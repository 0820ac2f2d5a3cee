"""The provtrack colour theme and the one way to build a console that uses it."""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console
from rich.theme import Theme

STYLES: dict[str, str] = {
    # change kinds: badges, gutters and whole-block text
    "provtrack.added": "green",
    "provtrack.removed": "red",
    "provtrack.changed": "yellow",
    "provtrack.moved": "cyan",
    "provtrack.duplicated": "magenta",
    "provtrack.split": "blue",
    "provtrack.merged": "blue",
    "provtrack.badge": "bold",
    # word-level diff inside a block
    "provtrack.word.added": "bold green",
    "provtrack.word.removed": "red strike",
    # change tags
    "provtrack.tag": "dim",
    "provtrack.tag.numbers": "bold yellow",
    "provtrack.tag.quotes": "bold magenta",
    "provtrack.tag.cosmetic": "dim italic",
    # framing
    "provtrack.header": "bold",
    "provtrack.meta": "dim",
    "provtrack.label": "dim",
    "provtrack.kind": "italic",
    "provtrack.position": "bold",
    "provtrack.fold": "dim italic",
    "provtrack.context": "dim",
    "provtrack.provenance": "dim cyan",
    "provtrack.summary": "bold",
    "provtrack.escape": "reverse",
    "provtrack.commit": "yellow",
    "provtrack.version": "bold",
    "provtrack.url": "blue",
    "provtrack.time": "",
    "provtrack.bar": "cyan",
    "provtrack.bar.empty": "dim",
    # article blocks
    "provtrack.title": "bold",
    "provtrack.heading": "bold",
    "provtrack.caption": "italic",
    "provtrack.quote": "italic",
    "provtrack.quote.gutter": "dim",
    "provtrack.bullet": "bold",
    "provtrack.number": "dim",
}

THEME = Theme(STYLES)

COLOR_CHOICES = ("auto", "always", "never")


def make_console(*, color: str = "auto", file: IO[str] | None = None, width: int | None = None,
                 stderr: bool = False) -> Console:
    """A console with the provtrack theme that never interprets markup, emoji or highlighting.

    Args:
        color: "auto" (rich's detection, honouring NO_COLOR and FORCE_COLOR), "always" or "never".
    """
    if color not in COLOR_CHOICES:
        raise ValueError(f"color must be one of {COLOR_CHOICES}, not {color!r}")

    def build(**extra: Any) -> Console:
        return Console(file=file, width=width, stderr=stderr, theme=THEME, highlight=False,
                       emoji=False, markup=False, **extra)

    if color == "never":
        return build(no_color=True, color_system=None)
    if color == "always":
        # An explicit request beats NO_COLOR and TERM=dumb: fall back to 16 colours if detection finds none.
        console = build(force_terminal=True, no_color=False)
        if console.color_system is None:
            console = build(force_terminal=True, no_color=False, color_system="standard")
        return console
    return build()
