"""Renderables for tracking many articles: the update table, the schedule, store statistics."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.cells import cell_len
from rich.table import Table

from provtrack.render.facts import Joined
from provtrack.render.layout import Gutter, stripped_lines
from provtrack.render.safe import safe_text
from provtrack.timeutil import human, utc_iso

if TYPE_CHECKING:
    from provtrack.schedule import Due
    from provtrack.update import CheckResult

#: Narrower than this, or than an id beside the other columns, the tables stack each row instead.
TABLE_MIN_WIDTH = 80

_STYLES = {"changed": "provtrack.changed", "unchanged": "provtrack.meta", "suspect": "provtrack.tag.numbers",
           "failed": "provtrack.removed"}


class UpdateTable:
    """What `update` did: one row per article changed, suspect, failed or fetched at its canonical URL
    (any with a note), a count line for everything."""

    def __init__(self, results: Sequence[CheckResult]) -> None:
        self.results = results

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        counts = Counter(r.result for r in self.results)
        shown = [r for r in self.results if r.result != "unchanged" or r.note]
        order = {"changed": 0, "suspect": 1, "failed": 2, "unchanged": 3}
        shown.sort(key=lambda r: (order.get(r.result, 3), r.article or r.url))
        if shown and _fits(options, [r.article or r.url for r in shown], room=50):  # result, version and a detail that can hold a URL
            table = Table(box=None, show_header=True, header_style="provtrack.header", pad_edge=False)
            widest = max(len(r.article or r.url) for r in shown)
            table.add_column("result")
            table.add_column("article", min_width=widest)  # _fits left room for it on one line
            table.add_column("version", justify="right")
            table.add_column("detail")
            for r in shown:
                # ids and URLs break only where a reader would (see facts.Joined), never mid-word
                table.add_row(safe_text(r.result, style=_STYLES[r.result]), Joined([r.article or r.url]),
                              safe_text(f"v{r.version}" if r.version else "-"), Joined([r.full_detail]))
            yield table
        elif shown:
            items: list[RenderableType] = []
            for r in shown:
                label = Joined([safe_text(r.result, style=_STYLES[r.result]), f"v{r.version}" if r.version else "",
                                r.article or r.url], separator="  ")
                items.extend([label, Gutter("  ", Joined([r.full_detail], "provtrack.meta"))])
            yield from stripped_lines(console, options, items)
        suspect = f"{counts['suspect']} suspect, " if counts["suspect"] else ""
        yield safe_text(f"{counts['changed']} changed, {counts['unchanged']} unchanged, {suspect}{counts['failed']} failed "
                        f"({len(self.results)} checked)", style="provtrack.summary")


class ScheduleTable:
    """Every article's interval and next check."""

    def __init__(self, rows: Sequence[Due]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from provtrack.schedule import format_duration

        if not self.rows:
            yield safe_text("no articles", style="provtrack.meta")
            return
        rows = sorted(self.rows, key=lambda d: d.next_check)
        if not _fits(options, [d.article for d in rows], room=40):
            items: list[RenderableType] = []
            for due in rows:
                items.extend([Joined([due.article], "provtrack.header"),
                              Gutter("  ", Joined([f"every {format_duration(due.interval)} ({due.rule})",
                                                   f"next {human(utc_iso(due.next_check))}"], "provtrack.meta"))])
            yield from stripped_lines(console, options, items)
            return
        table = Table(box=None, show_header=True, header_style="provtrack.header", pad_edge=False)
        table.add_column("article", min_width=max(len(d.article) for d in rows))
        for name in ("rule", "interval", "next check"):
            table.add_column(name)
        for due in rows:
            table.add_row(Joined([due.article]), Joined([due.rule]), Joined([format_duration(due.interval)]),
                          Joined([human(utc_iso(due.next_check))]))
        yield table


def _fits(options: ConsoleOptions, ids: Sequence[str], *, room: int) -> bool:
    """Whether a table has room: at least TABLE_MIN_WIDTH, and the longest id fits beside *room* cells."""
    return options.max_width >= max(TABLE_MIN_WIDTH, max((cell_len(i) for i in ids), default=0) + room)


class StatsView:
    """`stats`: totals, then checks and failures per day."""

    def __init__(self, stats: Mapping[str, Any]) -> None:
        self.stats = stats

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        s = self.stats
        size = s["size_bytes"]
        for label, value in (("articles", s["articles"]), ("versions", s["versions"]),
                             ("size on disk", f"{size / 2**20:.1f} MiB ({size} bytes)"),
                             ("checks", s["checks"]["total"]), ("failures", s["checks"]["failed"]),
                             ("feeds", s["feeds"])):
            yield safe_text(f"{label:13} {value}")
        days = s["checks"]["by_day"]
        if days:
            table = Table(box=None, show_header=True, header_style="provtrack.header", pad_edge=False)
            for name in ("day", "checks", "changed", "unchanged", "failed"):
                table.add_column(name, justify="left" if name == "day" else "right")
            for day in days:
                table.add_row(*(safe_text(str(day[k])) for k in ("day", "checks", "created", "unchanged", "failed")))
            yield safe_text("")
            yield table
