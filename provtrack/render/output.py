"""Deliver a view: to the terminal (through a pager when it is long) and to HTML or SVG exports.

Exports are rendered by a second, recording console of the same width, so the file shows
exactly what the terminal shows, in colour even when the terminal gets none.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich._export_format import CONSOLE_SVG_FORMAT
from rich.console import Console, RenderableType

from ..errors import ProvtrackError
from .escapes import visible
from .pager import page
from .theme import THEME

#: rich's SVG template fetches a web font; an evidence file must not reach out to the network.
SVG_FORMAT = re.sub(r"@font-face \{\{.*?\}\}\s*", "", CONSOLE_SVG_FORMAT, flags=re.DOTALL)


@dataclass(frozen=True)
class ViewOutput:
    """Where a view goes besides the terminal, and whether a long one may be paged."""

    pager: bool = True
    export_html: str | None = None
    export_svg: str | None = None
    title: str = "provtrack"


def deliver(console: Console, renderable: RenderableType, output: ViewOutput = ViewOutput()) -> None:
    """Print *renderable* on *console* (paged when long on a terminal) and write the requested exports."""
    if output.export_html or output.export_svg:
        _export(console.width, renderable, output)
    if not (output.pager and _on_terminal(console)):
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    text = captured.get()
    if text.count("\n") < console.height:
        console.file.write(text)
        console.file.flush()
    else:
        page(text, out=console.file)


def _on_terminal(console: Console) -> bool:
    """A real terminal on both ends: `--color always | cat` must not start a pager."""
    if console.file is not sys.stdout:
        return False
    try:
        return sys.stdout.isatty() and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def recording_console(width: int) -> Console:
    """A console that records styled output of *width* cells for `export_html` / `export_svg`."""
    return Console(file=io.StringIO(), width=width, record=True, force_terminal=True, color_system="truecolor",
                   theme=THEME, highlight=False, emoji=False, markup=False, legacy_windows=False)


def export_html(renderable: RenderableType, *, width: int) -> str:
    """A self-contained HTML page (styles inline in a <style> block) of *renderable*."""
    recorder = recording_console(width)
    recorder.print(renderable)
    return recorder.export_html(inline_styles=False)


def export_svg(renderable: RenderableType, *, width: int, title: str = "provtrack") -> str:
    """A self-contained SVG picture of *renderable* as a terminal of *width* columns shows it."""
    recorder = recording_console(width)
    recorder.print(renderable)
    return recorder.export_svg(title=visible(title), code_format=SVG_FORMAT)


def _export(width: int, renderable: RenderableType, output: ViewOutput) -> None:
    if output.export_html:
        write_atomic(output.export_html, export_html(renderable, width=width))
    if output.export_svg:
        write_atomic(output.export_svg, export_svg(renderable, width=width, title=output.title))


def write_atomic(path: str, text: str) -> None:
    """Write *text* to *path* whole or not at all (a temporary file renamed into place)."""
    target = Path(path)
    if target.is_dir():
        raise ProvtrackError(f"cannot write export {visible(path)}: it is a directory")
    try:
        handle, temp = tempfile.mkstemp(prefix=".provtrack-", suffix=".tmp", dir=target.parent or Path("."))
    except OSError as exc:
        raise ProvtrackError(f"cannot write export {visible(path)}: {exc.strerror or exc}") from None
    try:
        os.fchmod(handle, 0o644)  # an export is a document to share, not a secret
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ProvtrackError(f"cannot write export {visible(path)}: {exc.strerror or exc}") from None
