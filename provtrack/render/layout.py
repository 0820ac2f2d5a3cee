"""Layout helpers shared by the views: a gutter renderable, timestamps, paragraph numbers, side labels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Span, Text

from ..model import Side, SnapshotRef
from .lines import Line, Painter, rstrip_line
from .safe import visible

#: Below this many columns for the body, a gutter gives up its hanging indent.
_MIN_BODY = 8
#: Block kinds drawn in their own style (emphasis in colour only)...
BLOCK_STYLES = {"title": "provtrack.title", "heading": "provtrack.heading", "caption": "provtrack.caption",
                "quote": "provtrack.quote"}
#: ...and named before their text, so every view reads without colour (`show` draws quotes behind a bar).
BLOCK_LABELS = {"title": "Title: ", "heading": "Heading: ", "caption": "Caption: ", "quote": "Quote: ",
                "list_item": "• "}


def labelled(kind: str, text: Text) -> Text:
    """*text* of a block of *kind* behind its label (`Heading: ...`); paragraphs have none."""
    label = BLOCK_LABELS.get(kind)
    if label is None:
        return text
    return Text.assemble(Text(label, style="provtrack.bullet" if kind == "list_item" else "provtrack.label"), text)


class Gutter:
    """Render *body* to the right of *prefix*; wrapped lines repeat the prefix or hang under it."""

    def __init__(self, prefix: Text | str, body: RenderableType, *, repeat: bool = False) -> None:
        # Text.render ignores the base style of a Text without spans; make the style a span
        if isinstance(prefix, str):
            self.prefix = Text(prefix)
        elif prefix.style and not prefix.spans:
            self.prefix = Text(prefix.plain, spans=[Span(0, len(prefix.plain), prefix.style)])
        elif prefix.style:
            self.prefix = Text()
            self.prefix.append_text(prefix)
        else:
            self.prefix = prefix  # never changed here, so it can be shared
        self.body = body
        self.repeat = repeat

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = cell_len(self.prefix.plain)
        width = options.max_width - indent
        if width < _MIN_BODY:  # too narrow to hang: prefix on its own line, body below
            yield from self.prefix.render(console)
            yield Segment.line()
            yield from console.render(self.body, options)
            return
        blank = Text(" " * indent)
        lines = console.render_lines(self.body, options.update(width=width), pad=False)
        for number, line in enumerate(lines):
            prefix = self.prefix if number == 0 or self.repeat else blank
            if not any(segment.text for segment in line) and not prefix.plain.strip():
                yield Segment.line()
                continue
            yield from prefix.render(console)
            yield from line
            yield Segment.line()

    def fast_lines(self, painter: Painter, width: int) -> list[Line] | None:
        """The lines `__rich_console__` draws, trailing whitespace stripped, without rich's passes."""
        indent = cell_len(self.prefix.plain)
        if width - indent < _MIN_BODY:
            return None
        body = painter.block_lines(self.body, width - indent)
        if body is None:
            return None
        first = painter.segments(self.prefix)
        blank = [Segment(" " * indent)] if indent else []
        out: list[Line] = []
        for number, line in enumerate(body):
            prefix = first if number == 0 or self.repeat else blank
            out.append([*prefix, *line] if line else rstrip_line(prefix))
        return out


def stripped_lines(console: Console, options: ConsoleOptions,
                   renderables: Iterable[RenderableType]) -> Iterator[Segment]:
    """Render *renderables* one after another, without trailing whitespace on any line.

    Text, Gutters and Groups of them are laid out by `lines.Painter` in one pass; anything
    else (tables) goes through rich.
    """
    painter = Painter(console, options)
    newline = Segment.line()
    for renderable in renderables:
        fast = painter.block_lines(renderable, options.max_width)
        if fast is not None:
            for line in fast:
                yield from line
                yield newline
            continue
        for line in console.render_lines(renderable, options, pad=False):
            yield from rstrip_line(line)
            yield newline


def fmt_time(stamp: str | None, *, zone: bool = True, seconds: bool = False) -> str:
    """`2026-02-05T10:20:00+00:00` -> `2026-02-05 10:20 UTC`; unparseable stamps are returned visible.

    Args:
        zone: append ` UTC`; tables leave it out and name the zone in the column header.
        seconds: `10:20:07`, for lists where two times share a minute (see `minute_clash`).
    """
    if not stamp:
        return "unknown time"
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # 3.10 does not read "Z"
    except ValueError:
        return visible(stamp)
    shape = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    if moment.tzinfo is None:
        return moment.strftime(shape)
    utc = moment.astimezone(timezone.utc).strftime(shape)
    return f"{utc} UTC" if zone else utc


def minute_clash(stamps: Iterable[str | None]) -> bool:
    """Whether two different *stamps* read the same to the minute, so a list of them needs seconds."""
    by_minute: dict[str, str] = {}
    for stamp in stamps:
        if not stamp:
            continue
        minute = fmt_time(stamp)
        exact = fmt_time(stamp, seconds=True)
        if by_minute.setdefault(minute, exact) != exact:
            return True
    return False


def time_key(stamp: str | None) -> datetime:
    """A sort key for a timestamp: unknown or unreadable times sort first."""
    try:
        moment = datetime.fromisoformat((stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def para(index: int) -> str:
    """Human paragraph number of a 0-based block index: 0 -> `¶1`."""
    return f"¶{index + 1}"


def paras(indices: tuple[int, ...] | list[int]) -> str:
    """`¶3, ¶4` for a run of 0-based indices."""
    return ", ".join(para(i) for i in indices)


def ref_parts(ref: SnapshotRef) -> list[str]:
    """`story@v3`, `fetched 2026-02-05 10:20 UTC`, `commit 4f2a9c1b3d` (raw, not yet made visible)."""
    return [ref.label, f"fetched {fmt_time(ref.fetched_at)}", f"commit {ref.short_commit}"]


def side_parts(side: Side) -> list[str]:
    """Identity of one compared side beyond its location: snapshot label, fetch time, commit or hash."""
    if side.ref is not None:
        return ref_parts(side.ref)
    parts = [f"sha256 {side.sha256[:12]}"]
    if side.fetched_at:
        parts.append(f"fetched {fmt_time(side.fetched_at)}")
    return parts


def side_label(side: Side) -> str:
    """Short name of a side: `story@v3` for snapshots, the location for ad-hoc sources."""
    return side.ref.label if side.ref is not None else side.location


def provenance_lines(introduced_in: SnapshotRef | None, origin: SnapshotRef | None, *,
                     known_url: str | None = None, known_article: str | None = None) -> list[str]:
    """`introduced in v3 · 2026-02-05 10:20 UTC · 4f2a9c1b3d`, plus an `origin` line if different.

    The URL is added only where it differs from *known_url* (the one the header already
    names), and the article id where it differs from *known_article*.
    """
    return [" · ".join(parts) for parts in provenance_parts(introduced_in, origin, known_url=known_url,
                                                              known_article=known_article)]


def provenance_parts(introduced_in: SnapshotRef | None, origin: SnapshotRef | None, *,
                     known_url: str | None = None, known_article: str | None = None) -> list[list[str]]:
    """The facts of each `provenance_lines` line, for a `Joined` that wraps only between them."""
    lines = []
    if introduced_in is not None:
        lines.append(_ref_brief("introduced in", introduced_in, known_url, known_article))
    if origin is not None and origin != introduced_in:
        lines.append(_ref_brief("origin", origin, known_url, known_article))
    return lines


def _ref_brief(lead: str, ref: SnapshotRef, known_url: str | None, known_article: str | None = None) -> list[str]:
    name = f"v{ref.version}" if known_article in (None, ref.article) else f"{ref.article}@v{ref.version}"
    parts = [f"{lead} {name}", fmt_time(ref.fetched_at), ref.short_commit]
    return parts if ref.url == known_url else [*parts, ref.url]
