"""The provtrack colour theme and the one way to build a console that uses it."""

from __future__ import annotations

import os
from collections.abc import Mapping
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
    # commands to copy
    "provtrack.command": "bold",
}

THEME = Theme(STYLES)

COLOR_CHOICES = ("auto", "always", "never")
#: FORCE_COLOR values that do not force colour (as Node, pytest and others read them).
_NOT_FORCING = frozenset({"", "0", "false", "no", "off"})


def color_environ(environ: Mapping[str, str] | None = None) -> tuple[dict[str, str], bool]:
    """The environment rich should see for `--color auto`, and whether colour is off by NO_COLOR.

    NO_COLOR (set to anything non-empty, https://no-color.org) wins over FORCE_COLOR; a
    FORCE_COLOR of `0`, `false`, `no` or `off` does not force colour.
    """
    env = dict(os.environ if environ is None else environ)
    no_color = env.get("NO_COLOR", "") != ""
    if no_color or env.get("FORCE_COLOR", "").strip().lower() in _NOT_FORCING:
        env.pop("FORCE_COLOR", None)
    return env, no_color


def make_console(*, color: str = "auto", file: IO[str] | None = None, width: int | None = None,
                 stderr: bool = False) -> Console:
    """A console with the provtrack theme that never interprets markup, emoji or highlighting.

    Args:
        color: "auto" (rich's detection; NO_COLOR turns every style off and beats FORCE_COLOR, see
            `color_environ`), "always" or "never".
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
    env, no_color = color_environ()
    if no_color:  # no SGR at all, bold and dim included: only the terminal's own rendering
        return build(no_color=True, color_system=None, _environ=env)
    return build(_environ=env)
