"""Renderables for tracking many articles: the update table, the schedule, store statistics."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from provtrack.render.safe import safe_text
from provtrack.timeutil import human, utc_iso

if TYPE_CHECKING:
    from provtrack.schedule import Due
    from provtrack.update import CheckResult

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
        if shown:
            table = Table(box=None, show_header=True, header_style="provtrack.header", pad_edge=False)
            table.add_column("result")
            table.add_column("article", overflow="fold")
            table.add_column("version", justify="right")
            table.add_column("detail", overflow="fold")
            order = {"changed": 0, "suspect": 1, "failed": 2, "unchanged": 3}
            for r in sorted(shown, key=lambda r: (order.get(r.result, 3), r.article or r.url)):
                table.add_row(safe_text(r.result, style=_STYLES[r.result]), safe_text(r.article or r.url),
                              safe_text(f"v{r.version}" if r.version else "-"), safe_text(r.full_detail))
            yield table
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
        table = Table(box=None, show_header=True, header_style="provtrack.header", pad_edge=False)
        for name in ("article", "rule", "interval", "next check"):
            table.add_column(name, overflow="fold")
        for due in sorted(self.rows, key=lambda d: d.next_check):
            table.add_row(safe_text(due.article), safe_text(due.rule), safe_text(format_duration(due.interval)),
                          safe_text(human(utc_iso(due.next_check))))
        yield table


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
