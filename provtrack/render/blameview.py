"""Terminal views of lineage: `blame` (every block with its origin and last change) and `history` (one block's life).

Both only lay out what `provtrack.provenance` computed. Article text, ids and URLs go
through `safe_text`; version labels are shaded by age so recent text stands out.
"""

from __future__ import annotations

from collections import Counter

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..blame import Blame, BlameLine, HistoryEvent, ParagraphHistory
from ..model import SnapshotRef, duplicate_groups
from .diffview import BADGES, heading, plural, positions, word_diff
from .escapes import marker_escape
from .facts import Joined
from .layout import BLOCK_STYLES, Gutter, fmt_time, labelled, para, paras, stripped_lines
from .lines import Line, Painter, assembled, rstrip_line
from .safe import safe_text

#: Shades of a version label by age, newest first: this very version, the newest third of the
#: article's versions, the middle third, the oldest third. Older origins are dimmer.
AGE_STYLES: tuple[Style, ...] = (Style(color="green", bold=True), Style(color="yellow"), Style(), Style(dim=True))
#: Narrower than this many cells for the text, a blame row puts its gutter on a line of its own.
MIN_TEXT = 24
_EVENT_BADGES = {**BADGES, "added": "+ FIRST APPEARED", "restored": "+ RESTORED"}
_EVENT_STYLES = {"restored": "provtrack.added"}


def age_style(version: int, current: int, first: int = 1) -> Style:
    """The shade of version *version* seen from *current*, in an article whose first version is *first*."""
    if version >= current:
        return AGE_STYLES[0]
    age = (current - version) / max(current - first, 1)
    return AGE_STYLES[1] if age <= 1 / 3 else AGE_STYLES[2] if age <= 2 / 3 else AGE_STYLES[3]


def ref_line(ref: SnapshotRef, *, known_url: str | None = None, version_style: str | Style = "",
             note: str = "") -> Joined:
    """`v3 · fetched 2026-02-05 10:20 UTC · commit 4f2a9c1b3d`, plus the URL when it is not *known_url*.

    Args:
        version_style: laid over the version's style (the blame view shades `v3` by age).
        note: words that end the line (`(this version)`).
    """
    commit = Text.assemble(("commit ", "provtrack.meta"), (ref.short_commit, "provtrack.commit"))
    version = Text(f"v{ref.version}", style="provtrack.version")
    if version_style:
        version.stylize(version_style)
    parts: list[str | Text] = [version,
                               Text(f"fetched {fmt_time(ref.fetched_at)}", style="provtrack.meta"), commit]
    if ref.url and ref.url != known_url:
        parts.append(safe_text(ref.url, "provtrack.url"))
    if note:
        parts[-1] = Text.assemble(parts[-1], (f" {note}", "provtrack.meta"))
    return Joined(parts, "provtrack.meta")


def article_label(article: str, version: int, style: str = "provtrack.header") -> Text:
    """`story@v3`: the id made visible, its version in the version style (one fact: never split at `@`)."""
    label = safe_text(article, style)
    label.append(f"@v{version}", style="provtrack.version")
    return label


class _Row:
    """A gutter beside wrapped text; continuation lines repeat only the bar. Too narrow: gutter above."""

    def __init__(self, gutter: Text, bar: Text, body: Text, *, indent: int) -> None:
        self.gutter, self.bar, self.body, self.indent = gutter, bar, body, indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        bar_width = cell_len(self.bar.plain)
        width = options.max_width - self.indent - bar_width
        if width < MIN_TEXT:  # stacked: the gutter on its own line, the text under a bar
            yield from console.render(self.gutter, options)
            first = blank = Text("  ")
            width = options.max_width - 2 - bar_width
        else:
            first = Text.assemble(self.gutter, " " * (self.indent - cell_len(self.gutter.plain)))
            blank = Text(" " * self.indent)
        lines = console.render_lines(self.body, options.update(width=max(width, 1)), pad=False)
        for number, line in enumerate(lines):
            yield from (first if number == 0 else blank).render(console)
            yield from self.bar.render(console)
            yield from line
            yield Segment.line()

    def fast_lines(self, painter: Painter, width: int) -> list[Line] | None:
        """What `__rich_console__` draws, trailing whitespace stripped, in one pass (see `lines.Painter`)."""
        bar = painter.segments(self.bar)
        text_width = width - self.indent - cell_len(self.bar.plain)
        stacked = text_width < MIN_TEXT
        if stacked:
            text_width = width - 2 - cell_len(self.bar.plain)
        body = painter.lines(self.body, max(text_width, 1))
        if body is None:
            return None
        out: list[Line] = []
        if stacked:
            gutter = painter.lines(self.gutter, width)
            if gutter is None:
                return None
            out.extend(gutter)
            first = blank = [Segment("  ")]
        else:
            first = [*painter.segments(self.gutter), Segment(" " * (self.indent - cell_len(self.gutter.plain)))]
            blank = [Segment(" " * self.indent)]
        for number, line in enumerate(body):
            row = [*(first if number == 0 else blank), *bar, *line]
            out.append(row if line else rstrip_line(row))
        return out


def blame_text(line: BlameLine, *, copy_of: int | None = None) -> Text:
    """A blamed block as the document view shows it: `Caption:` labelled, a duplicate flagged."""
    text = labelled(line.block.kind, safe_text(line.block.text, BLOCK_STYLES.get(line.block.kind, "")))
    if copy_of is not None:
        text.append(f" (duplicate of {para(copy_of)})", style="provtrack.duplicated")
    return text


class BlameView:
    """Every block of one version with a gutter: ¶ number, origin version, last change and edits."""

    def __init__(self, blame: Blame) -> None:
        self.blame = blame

    def _age(self, ref: SnapshotRef) -> Style:
        return age_style(ref.version, self.blame.ref.version, self.blame.first_version)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        blame = self.blame
        meta = Text("commit ", style="provtrack.meta")
        meta.append(blame.ref.short_commit, style="provtrack.commit")
        items: list[RenderableType] = [
            Joined([article_label(blame.ref.article, blame.ref.version)]),
            Joined([blame.article_url], "provtrack.url"),
            Joined([f"fetched {fmt_time(blame.ref.fetched_at)}", meta, plural(len(blame.lines), "block")],
                   "provtrack.meta"),
            Text()]
        if not blame.lines:
            items.append(Text("No blocks.", style="provtrack.fold"))
        else:
            items.append(Text("¶ paragraph · vN where its lineage began → vM its last change · ×E edits",
                              style="provtrack.meta"))
            items.append(Text())
            items.extend(self._rows())
            items.extend([Text(), self._summary(), Text(), self._versions()])
        yield from stripped_lines(console, options, items)

    def _gutters(self) -> list[Text]:
        para_width = max(len(para(line.index)) for line in self.blame.lines)
        origin_width = max(len(f"v{line.lineage.origin.version}") for line in self.blame.lines)
        gutters = []
        ages: dict[int, Style] = {}
        for line in self.blame.lines:
            lin = line.lineage
            origin, last = lin.origin.version, lin.last_changed.version
            parts: list[tuple[str, str | Style]] = [
                (para(line.index).ljust(para_width + 2), "provtrack.number"),
                (f"v{origin}".ljust(origin_width), ages.get(origin) or ages.setdefault(origin, self._age(lin.origin)))]
            if lin.last_changed != lin.origin or lin.edits:
                parts += [(" → ", "provtrack.meta"),
                          (f"v{last}", ages.get(last) or ages.setdefault(last, self._age(lin.last_changed)))]
                if lin.edits:
                    parts.append((f" ×{lin.edits}", "provtrack.meta"))
            gutters.append(assembled(parts))
        return gutters

    def _rows(self) -> list[RenderableType]:
        gutters = self._gutters()
        indent = max(cell_len(g.plain) for g in gutters) + 1
        copies: dict[int, int] = {}
        for group in duplicate_groups([line.block for line in self.blame.lines]):
            copies.update((self.blame.lines[i].index, self.blame.lines[group[0]].index) for i in group[1:])
        rows: list[RenderableType] = []
        bars: dict[int, Text] = {}  # one bar per origin version: rows share it
        for gutter, line in zip(gutters, self.blame.lines):
            origin = line.lineage.origin
            bar = bars.get(origin.version)
            if bar is None:
                bar = bars[origin.version] = assembled([("│ ", self._age(origin))])
            rows.append(_Row(gutter, bar, blame_text(line, copy_of=copies.get(line.index)), indent=indent))
        return rows

    def _summary(self) -> Text:
        origins = Counter(line.lineage.origin.version for line in self.blame.lines)
        text = Text("origins: ", style="provtrack.summary")
        for number, (version, count) in enumerate(sorted(origins.items())):
            if number:
                text.append(", ")
            text.append(f"{count} from ")
            text.append(f"v{version}", style=age_style(version, self.blame.ref.version, self.blame.first_version))
        edited = sum(1 for line in self.blame.lines if line.lineage.edits)
        if edited:
            text.append(f" · {edited} edited since they first appeared")
        return text

    def _versions(self) -> Group:
        refs = {self.blame.ref.version: self.blame.ref}
        for line in self.blame.lines:
            refs.setdefault(line.lineage.origin.version, line.lineage.origin)
            refs.setdefault(line.lineage.last_changed.version, line.lineage.last_changed)
        rows: list[RenderableType] = [Text("versions named above", style="provtrack.header")]
        for version in sorted(refs):
            ref = refs[version]
            label = ref_line(ref, known_url=self.blame.article_url, version_style=self._age(ref),
                             note="(this version)" if ref == self.blame.ref else "")
            rows.append(Gutter("  ", label))
        return Group(*rows)


class HistoryView:
    """The life of one block: where it began, then every version where its lineage changed, oldest first."""

    def __init__(self, history: ParagraphHistory) -> None:
        self.history = history

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        history = self.history
        title = Joined([Text(f"history of {para(history.index)} (index {history.index}) of", style="provtrack.header"),
                        article_label(history.ref.article, history.ref.version)], separator=" ")
        lin = history.lineage
        facts = [f"origin v{lin.origin.version}"]
        if lin.last_changed != lin.origin:
            facts.append(f"last change v{lin.last_changed.version}")
        facts.append(plural(lin.edits, "edit") if lin.edits else "no edits")
        items: list[RenderableType] = [title, Joined([history.article_url], "provtrack.url"),
                                       Joined(facts, "provtrack.provenance"),
                                       Gutter("  ", labelled(history.block.kind, safe_text(
                                           marker_escape(history.block.text),
                                           BLOCK_STYLES.get(history.block.kind, ""))))]
        groups: list[list[HistoryEvent]] = []
        for event in history.events:
            if groups and groups[-1][0].ref == event.ref:
                groups[-1].append(event)
            else:
                groups.append([event])
        for group in groups:
            items.append(Text())
            items.append(ref_line(group[0].ref, known_url=history.article_url))
            for event in group:
                items.extend(self._event(event))
        items.append(Text())
        items.append(Text(f"{plural(len(history.events), 'event')} in {plural(len(groups), 'version')} · "
                          "¶ numbers count each version's blocks from 1", style="provtrack.meta"))
        yield from stripped_lines(console, options, items)

    def _event(self, event: HistoryEvent) -> list[RenderableType]:
        change = event.change
        style = _EVENT_STYLES.get(event.kind, f"provtrack.{event.kind}")
        badge = Text(_EVENT_BADGES[event.kind], style=style)
        badge.stylize("provtrack.badge")
        badge.append("  ")
        where = f"was {paras(change.old_indices)}" if event.kind == "removed" else positions(change)
        body = heading(change, where)
        parts: list[RenderableType] = [Gutter(badge, body)]
        parts.extend(self._event_text(event, style))
        if event.kind == "restored" and event.restored_from is not None:
            restored = (f"last present in v{event.restored_from.version} "
                        f"({fmt_time(event.restored_from.fetched_at)}); same origin as then")
            parts.append(Gutter("  ", Joined([restored], "provtrack.provenance")))
        return parts

    @staticmethod
    def _event_text(event: HistoryEvent, style: str) -> list[RenderableType]:
        change = event.change
        if event.kind in ("added", "restored", "duplicated"):
            return [Gutter(Text("+ ", style=style), safe_text(marker_escape(change.new_text or ""), style),
                           repeat=True)]
        if event.kind == "removed" and change.kind == "removed":
            return [Gutter(Text("- ", style=style), safe_text(marker_escape(change.old_text or ""), style),
                           repeat=True)]
        rows: list[RenderableType] = []
        if event.kind == "removed":
            rows.append(Gutter("  ", Text(f"its text was {change.kind} here into other text:", style="provtrack.meta")))
        if change.words is not None and any(op != "=" for op, _ in change.words):
            rows.append(Gutter("  ", word_diff(change.words, paragraph_marks=change.kind in ("split", "merged"))))
        elif change.old_text != change.new_text and change.words is None:
            rows.append(Gutter(Text("- ", style="provtrack.removed"),
                               safe_text(marker_escape(change.old_text or ""), "provtrack.removed"), repeat=True))
            rows.append(Gutter(Text("+ ", style="provtrack.added"),
                               safe_text(marker_escape(change.new_text or ""), "provtrack.added"), repeat=True))
        return rows

