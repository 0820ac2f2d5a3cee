"""Fast line layout for long views: rich Text wrapped straight into lines of segments.

`console.render_lines` runs rich's whole machinery per renderable (options, measuring,
Text.divide copies, a second split of the segments), and the views nest it: a blame of
60,000 paragraphs spent most of its time there. `Painter.lines` gives the same lines, with
trailing whitespace stripped as `layout.stripped_lines` strips it, in one pass over the text:
rich's own word-wrap rule (`rich._wrap.divide_line`, reimplemented with `len` for text whose
characters are all one cell wide), and rich's own style stacking per span. Anything it does
not know how to lay out (tables, tabs, justified or cropped text) returns None, and the
caller falls back to rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from math import ceil
from typing import Any, Protocol

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

try:  # rich's own test for "every character is one cell wide" (Latin, Greek, Cyrillic, box drawing)
    from rich.cells import _is_single_cell_widths as _single_cells
except ImportError:  # pragma: no cover - older or newer rich
    def _single_cells(text: str) -> bool:
        return text.isascii() and text.isprintable()

Line = list[Segment]
_WORD = re.compile(r"\s*\S+\s*")


class FastLines(Protocol):
    """A renderable that can lay itself out with a `Painter` (None: use rich)."""

    def fast_lines(self, painter: Painter, width: int) -> list[Line] | None: ...


def divide(text: str, width: int) -> list[int]:
    """Offsets to break *text* at to fit *width* cells: exactly `rich._wrap.divide_line(text, width)`."""
    if not _single_cells(text):
        return divide_line(text, width)
    if len(text) <= width:
        return []
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += end - start
        elif length > width:  # fold the word across lines, as rich does
            pieces = range(start, end, width)
            for number, piece in enumerate(pieces):
                if piece:
                    breaks.append(piece)
                if number == len(pieces) - 1:
                    offset = end - piece
        elif offset and start:
            breaks.append(start)
            offset = end - start
    return breaks


class Painter:
    """Styles looked up once per render, and Text laid out as lines of segments."""

    def __init__(self, console: Console, options: ConsoleOptions | None = None) -> None:
        self.console = console
        self._styles: dict[Any, Style] = {}
        self._combined: dict[tuple[Style, ...], Style] = {}
        self._layered: dict[tuple[Style, str | Style], Style] = {}
        # options that change how Text wraps: the fast path only knows the defaults
        self.plain_options = options is None or (options.justify in (None, "default", "left")
                                                 and options.overflow in (None, "fold") and not options.no_wrap)

    def style(self, name: str | Style | None) -> Style:
        cached = self._styles.get(name)
        if cached is None:
            if not name:
                cached = Style.null()
            elif isinstance(name, Style):
                cached = name
            else:
                cached = self.console.get_style(name, default=Style.null())
            self._styles[name] = cached
        return cached

    def _combine(self, styles: tuple[Style, ...]) -> Style:
        cached = self._combined.get(styles)
        if cached is None:
            cached = self._combined[styles] = Style.combine(styles)
        return cached

    def _over(self, base: Style, name: str | Style) -> Style:
        key = (base, name)
        cached = self._layered.get(key)
        if cached is None:
            cached = self._layered[key] = self._combine((base, self.style(name)))
        return cached

    def runs(self, text: Text) -> list[tuple[int, int, Style]]:
        """(start, end, style) runs covering *text*, styles stacked as `Text.render` stacks them."""
        plain = text.plain
        base = self.style(text.style)
        spans = text.spans
        if not spans:
            return [(0, len(plain), base)]
        end = 0
        for span in spans:
            if span.start < end or span.end < span.start:
                break
            end = span.end
        else:  # spans one after another, as appending builds them: each over the base style
            runs: list[tuple[int, int, Style]] = []
            position = 0
            for start, stop, name in spans:
                if start > position:
                    runs.append((position, start, base))
                if stop > start:
                    runs.append((start, stop, self._over(base, name)))
                position = stop
            if position < len(plain):
                runs.append((position, len(plain), base))
            return runs
        styles = [base, *(self.style(span.style) for span in spans)]
        events = sorted([(0, False, 0), *((s.start, False, i) for i, s in enumerate(spans, 1)),
                         *((s.end, True, i) for i, s in enumerate(spans, 1)), (len(plain), True, 0)],
                        key=lambda e: (e[0], e[1]))
        stack: list[int] = []
        runs = []  # overlapping spans: the general stacking of `Text.render`
        for (offset, leaving, index), (following, _, _) in zip(events, events[1:]):
            if leaving:
                stack.remove(index)
            else:
                stack.append(index)
            if following > offset:
                runs.append((offset, following, self._combine(tuple(styles[i] for i in sorted(stack)))))
        return runs

    def segments(self, text: Text) -> Line:
        """*text* on one line, as segments (no wrapping)."""
        return [Segment(text.plain[a:b], style) for a, b, style in self.runs(text) if b > a]

    def lines(self, text: Text, width: int, *, keep_spaces: bool = False) -> list[Line] | None:
        """*text* wrapped to *width* cells, each line without trailing whitespace; None if rich must do it.

        With *keep_spaces*, a line keeps the spaces it ends with up to *width* cells, as rich's
        `Text.wrap` leaves them (a table cell draws them in their style).
        """
        if (width < 1 or text.no_wrap or text.overflow not in (None, "fold") or text.justify not in
                (None, "default", "left") or not self.plain_options):
            return None
        plain = text.plain
        if "\t" in plain or (width < 2 and not _single_cells(plain)):  # rich crops a wide character
            return None
        runs = self.runs(text)
        out: list[Line] = []
        run = 0
        position = 0
        for paragraph in plain.split("\n"):
            bounds = [0, *divide(paragraph, width), len(paragraph)]
            single = _single_cells(paragraph)
            for a, b in zip(bounds, bounds[1:]):
                start = position + a
                stripped = len(paragraph[a:b].rstrip())
                # rich's Text.rstrip_end counts characters, not cells; a line too wide is cropped below
                end = start + (max(stripped, min(b - a, width)) if keep_spaces else stripped)
                line: Line = []
                while run < len(runs) and runs[run][1] <= start:
                    run += 1
                scan = run
                while scan < len(runs) and runs[scan][0] < end:
                    first, last, style = runs[scan]
                    if min(last, end) > max(first, start):
                        line.append(Segment(plain[max(first, start):min(last, end)], style))
                    if last > end:
                        break
                    scan += 1
                if not single and sum(cell_len(segment.text) for segment in line) > width:
                    return None  # rich measures some sequences (ZWJ emoji) by segment, wider than it wrapped them
                out.append(line)
            position += len(paragraph) + 1
        return out

    def block_lines(self, renderable: Any, width: int) -> list[Line] | None:
        """Lines of a Text, a Group of laid-out renderables, or anything with `fast_lines`; None: use rich."""
        if isinstance(renderable, Text):
            return self.lines(renderable, width)
        fast: Callable[[Painter, int], list[Line] | None] | None = getattr(renderable, "fast_lines", None)
        if fast is not None:
            return fast(self, width)
        if isinstance(renderable, Group):
            out: list[Line] = []
            for child in renderable.renderables:
                lines = self.block_lines(child, width)
                if lines is None:
                    return None
                out.extend(lines)
            return out
        return None


def assembled(parts: Iterable[tuple[str, str | Style]]) -> Text:
    """A Text of (string, style) parts built in one go (`Text.append` copies and cleans each part).

    For strings provtrack generates only: article text goes through `safe.safe_text`.
    """
    plain: list[str] = []
    spans: list[Span] = []
    offset = 0
    for string, style in parts:
        if string:
            if style:
                spans.append(Span(offset, offset + len(string), style))
            plain.append(string)
            offset += len(string)
    return Text("".join(plain), spans=spans)


def rstrip_line(line: Sequence[Segment]) -> Line:
    """*line* without trailing whitespace (control segments kept)."""
    out = list(line)
    while out and not out[-1].control and not out[-1].text.rstrip():
        out.pop()
    if out and not out[-1].control:
        last = out[-1]
        out[-1] = Segment(last.text.rstrip(), last.style)
    return out


def columns(painter: Painter, left: Text, right: Text, width: int, divider: Segment) -> list[Line] | None:
    """Two ratio-1 columns as rich's borderless two-column Table (`sidebyside`) draws them, or None.

    Each column gets half of the width less the divider (the left one the odd cell) and a cell
    of padding beside the divider; a word wider than its column is left to rich.
    """
    if left.style or right.style:  # the table pads a cell in its text's style
        return None
    total = width - 1
    left_width = ceil(total / 2)
    right_width = total - left_width
    for text, column in ((left, left_width), (right, right_width)):
        words = text.plain.split()
        if column < 2 or (words and max(cell_len(w) for w in words) + 1 > column):
            return None
    left_lines = painter.lines(left, left_width - 1, keep_spaces=True)
    right_lines = painter.lines(right, right_width - 1, keep_spaces=True)
    if left_lines is None or right_lines is None:
        return None
    rows = max(len(left_lines), len(right_lines))
    out: list[Line] = []
    for number in range(rows):
        left_line = left_lines[number] if number < len(left_lines) else []
        right_line = right_lines[number] if number < len(right_lines) else []
        used = sum(cell_len(s.text) for s in left_line)
        line = [*left_line, Segment(" " * (left_width - used)), divider]
        if right_line:
            line += [Segment(" "), *right_line]
        out.append(rstrip_line(line))
    return out
