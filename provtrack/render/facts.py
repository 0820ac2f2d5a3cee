"""Lines of facts (ids, versions, fetch times, commits, URLs) that break only where a reader would.

rich wraps at spaces and folds a word wider than the line at whatever cell the line ends
on: an article id, a `story@v3`, a URL split at an arbitrary letter cannot be read or
copied. `Joined` lays facts out for the width it is given, before rich sees them: it
breaks between facts first, then at the spaces inside one (a time such as
`2026-02-05 08:10 UTC` counts as one word), then inside a word too wide for a whole line
(a URL or path after `/`, `?` or `&`, never inside `https://`; an id after `-`, `.` or
`_`, never at `@`: `story@v3` stays joined). A piece still wider than the line is the
last resort: a URL piece breaks after `-`, `.` or `_` as an id does, and only what is
still too wide is folded at the line's end. Lines are ended with explicit newlines, so
rich and `lines.Painter` draw the same text without wrapping it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Span, Text

from .lines import Line, Painter
from .safe import safe_text

#: A fetch time as `layout.fmt_time` writes it: never broken inside, `UTC` included.
_TIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?(?: UTC)?"
_WORDS = re.compile(rf"\(?{_TIME}\)?[;,.]?|\S+")
_TIME_WORD = re.compile(_TIME)
_SPACE_PARTS = re.compile(r"\S+")
#: After `/`, `?` or `&`, but never inside or just after `//`: `https://host/` is one piece.
_URL_BREAK = re.compile(r"(?<=[/?&])(?<!//)(?!/)")
#: After a run of `-`, `.` or `_` (`host--slug` breaks after `--`), never at `@`: `id@v3` stays joined.
_ID_BREAK = re.compile(r"(?<=[-._])(?![-._])")


def _split(word: str, start: int, end: int, rule: re.Pattern[str]) -> list[tuple[int, int]]:
    """The span *start*..*end* of *word* cut at every match of *rule* inside it."""
    cuts = [start + m.start() for m in rule.finditer(word[start:end]) if 0 < m.start() < end - start]
    return list(zip([start, *cuts], [*cuts, end]))


def _fold(word: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """The span *start*..*end* of *word* in chunks of at most *width* cells (the last resort)."""
    chunks: list[tuple[int, int]] = []
    first, used = start, 0
    for position in range(start, end):
        size = cell_len(word[position])
        if position > first and used + size > width:
            chunks.append((first, position))
            first, used = position, 0
        used += size
    return [*chunks, (first, end)]


def _pieces(word: str, width: int) -> list[tuple[int, int]]:
    """Spans of the pieces a *word* wider than *width* cells breaks into, in order of preference.

    A time breaks at its spaces (the spans leave them out); a URL or path after `/`, `?`,
    `&`, then, for a piece still too wide, after `-`, `.`, `_`; anything else after `-`,
    `.`, `_`. What is still too wide is folded.
    """
    if _TIME_WORD.search(word):
        spans = [m.span() for m in _SPACE_PARTS.finditer(word)]
        rules: tuple[re.Pattern[str], ...] = ()
    else:
        spans = [(0, len(word))]
        rules = (_URL_BREAK, _ID_BREAK) if "/" in word else (_ID_BREAK,)
    for rule in rules:
        spans = [piece for a, b in spans
                 for piece in (_split(word, a, b, rule) if cell_len(word[a:b]) > width else [(a, b)])]
    return [piece for a, b in spans
            for piece in (_fold(word, a, b, width) if cell_len(word[a:b]) > width else [(a, b)])]


def word_pieces(word: str) -> list[str]:
    """*word* cut where it first breaks when wider than a line (a time at its spaces, a URL after `/`, `?`, `&`)."""
    if _TIME_WORD.search(word):
        return word.split()
    rule = _URL_BREAK if "/" in word else _ID_BREAK
    return [word[a:b] for a, b in _split(word, 0, len(word), rule)]


def _atoms(plain: str, width: int) -> Iterator[tuple[int, int]]:
    """Spans of *plain* that are never broken at *width*: each word, or each piece of a word too wide."""
    for match in _WORDS.finditer(plain):
        start, end = match.span()
        if cell_len(match.group()) <= width:
            yield start, end
        else:
            yield from ((start + a, start + b) for a, b in _pieces(match.group(), width))


def _cuts(plain: str, width: int, used: int) -> list[tuple[int, int]]:
    """Where *plain*, starting at column *used*, breaks to fit *width*: (end of a line, start of the next).

    Greedy, as rich wraps: each unbreakable piece goes on the current line if it fits there,
    else it starts the next one (the spaces before it dropped).
    """
    cuts: list[tuple[int, int]] = []
    column, previous = used, 0
    for start, end in _atoms(plain, width):
        gap, size = cell_len(plain[previous:start]), cell_len(plain[start:end])
        if column and column + gap + size > width:
            cuts.append((previous, start))
            column = size
        else:
            column += gap + size
        previous = end
    return cuts


def fit_text(text: Text, width: int, used: int = 0) -> Text:
    """*text* with newlines where it must break to fit *width* cells after *used* (itself if it fits)."""
    plain = text.plain
    if used + cell_len(plain) <= width or "\n" in plain or width < 1:
        return text
    cuts = _cuts(plain, width, used)
    if not cuts:
        return text
    out = Text()
    position = 0
    for end, start in cuts:
        out.append_text(text[position:end])
        out.append("\n")
        position = start
    out.append_text(text[position:])
    return out


def _merged(spans: list[Span]) -> list[Span]:
    """*spans* with each run of touching spans of one style made one span: fewer escape codes, same styles.

    Only neighbours in the list merge, so no span moves past another in the stacking order.
    """
    out: list[Span] = []
    for span in spans:
        if out and out[-1].style == span.style and out[-1].end == span.start:
            out[-1] = Span(out[-1].start, span.end, span.style)
        else:
            out.append(span)
    return out


class Joined:
    """Facts joined by *separator* (` · `), wrapped first between them: `fetched 2026-02-05 08:10 UTC`
    never breaks before `UTC`, and an id never splits from its `@v3`. A fact wider than the
    whole line breaks as `fit_text` breaks it. Raw strings are made visible here; Text parts
    must be safe already (`safe_text`)."""

    def __init__(self, parts: Sequence[str | Text], style: str = "", *, separator: str = " · ",
                 base: str = "") -> None:
        """*style* is that of the separators and raw-string parts; *base* lies under the whole line."""
        self.parts = [part if isinstance(part, Text) else safe_text(part, style) for part in parts if part]
        self.style = style
        self.separator = separator
        self.base = base

    def text(self, width: int) -> Text:
        """The facts laid out for *width* cells, each line ended by a newline."""
        out = Text(style=self.base)
        used = 0
        gap = cell_len(self.separator)
        mark = self.separator.rstrip()
        for number, part in enumerate(self.parts):
            size = cell_len(part.plain)
            if number and used + gap + size > width:
                # the separator ends the line (` ·`) unless that alone would overflow it
                out.append(f"{mark}\n" if used + cell_len(mark) <= width else "\n", style=self.style)
                used = 0
            elif number:
                out.append(self.separator, style=self.style)
                used += gap
            if used + size > width:
                part = fit_text(part, width, used)
                last = part.plain.rsplit("\n", 1)[-1]
                used = cell_len(last) if "\n" in part.plain else used + size
            else:
                used += size
            out.append_text(part)
        out.spans = _merged(out.spans)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """Widest piece that cannot break (as a table column's minimum), and the one-line width."""
        pieces = [cell_len(piece) for part in self.parts for word in _WORDS.findall(part.plain)
                  for piece in word_pieces(word)]
        whole = cell_len(self.text(10 ** 6).plain)
        return Measurement(min(max(pieces, default=0), whole), whole).clamp(max_width=options.max_width)

    def fast_lines(self, painter: Painter, width: int) -> list[Line] | None:
        return painter.lines(self.text(width), width)
