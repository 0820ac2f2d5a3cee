"""Terminal tables of stored history: one article's versions, the newest across the store, all articles.

Each view is a table when the terminal is wide enough and a stacked list when it is not,
so nothing is folded letter by letter at 40 columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ..model import VersionInfo, summary_line
from .facts import Joined
from .layout import Gutter, fmt_time, minute_clash, stripped_lines
from .safe import safe_text

#: Cells in the "how much changed" bar.
BAR_CELLS = 5
#: Narrower than this, the views stack each row instead of drawing a table.
TABLE_MIN_WIDTH = 80


@dataclass(frozen=True)
class ArticleRow:
    """One tracked article as `provtrack list` shows it."""

    id: str
    url: str
    title: str | None
    versions: int
    first_fetched: str
    last_fetched: str


def changed_blocks(summary: Mapping[str, int]) -> int:
    """How many blocks a version's changes touched (every count but `unchanged`)."""
    return sum(count for kind, count in summary.items() if kind != "unchanged")


def change_bar(count: int, most: int) -> Text:
    """`▇▇▇··`: *count* relative to *most*, at least one cell for any change."""
    filled = 0 if most <= 0 or count <= 0 else min(BAR_CELLS, max(1, round(BAR_CELLS * count / most)))
    return Text.assemble(("▇" * filled, "provtrack.bar"), ("·" * (BAR_CELLS - filled), "provtrack.bar.empty"))


def _table(*columns: tuple[str, int | None], ids: Sequence[str] = (), width: int = 0) -> Table:
    """A borderless table; columns with a width never wrap, the others fold at word boundaries.

    The first column holds article *ids*, kept whole when the other flexible columns still
    get 10 cells each within *width*, because users type and copy ids.
    """
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                  header_style="provtrack.header")
    fixed = sum(w for _, w in columns if w is not None) + 2 * (len(columns) - 1)
    flexible = sum(1 for _, w in columns if w is None)
    id_width = max((cell_len(i) for i in ids), default=0)
    keep_ids = bool(ids) and fixed + id_width + 10 * (flexible - 1) <= width
    for number, (name, fixed_width) in enumerate(columns):
        if number == 0 and keep_ids:
            table.add_column(Text(name), width=id_width, overflow="fold")
        elif fixed_width is None:
            table.add_column(Text(name), overflow="fold")
        else:
            table.add_column(Text(name), width=fixed_width, no_wrap=True, overflow="ellipsis")
    return table


def _changes(info: VersionInfo) -> Text:
    if info.ref.version == 1:
        return Text("first version", style="provtrack.meta")
    text = Text(summary_line(info.summary))
    if info.reverts_to is not None:
        text.append(f" (reverted to v{info.reverts_to})", style="provtrack.tag")
    return text


def _title(info: VersionInfo) -> Text:
    """The version's title: starred when it changed, dim when it repeats the previous one."""
    if info.title_changed:
        return Text.assemble(("* ", "provtrack.changed"), safe_text(info.title or "(no title)", "provtrack.title"))
    return safe_text(info.title or "", "provtrack.meta" if info.ref.version > 1 else "")


def _title_note(versions: Sequence[VersionInfo]) -> list[RenderableType]:
    if any(v.title_changed for v in versions):
        return [Text(), Text("* title changed from the previous version", style="provtrack.meta")]
    return []


def _stamp(info: VersionInfo, *, seconds: bool = False) -> Text:
    """`v3  2026-02-05 10:20 UTC · 5e6f7a8b9c` for the stacked layout."""
    return Text.assemble(fmt_time(info.ref.fetched_at, seconds=seconds), " · ",
                         (info.ref.short_commit, "provtrack.commit"))


def _version_prefix(info: VersionInfo, width: int) -> Text:
    return Text(f"v{info.ref.version}".ljust(width), style="provtrack.version")


class LogView:
    """The versions of one article, oldest first, with what changed in each."""

    def __init__(self, article_id: str, url: str, versions: Sequence[VersionInfo], *,
                 note: str | None = None, notes: Sequence[str] = ()) -> None:
        self.article_id = article_id
        self.url = url
        self.versions = list(versions)
        #: closing lines such as "unchanged since v3 as of ..." or a suspect fetch kept as evidence
        self.notes = [n for n in (note, *notes) if n]
        #: versions fetched in the same minute would look alike without seconds
        self.seconds = minute_clash(v.ref.fetched_at for v in self.versions)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        headline = Joined([safe_text(self.article_id, "provtrack.header"), safe_text(self.url, "provtrack.url")],
                          separator="  ")
        items: list[RenderableType] = [headline, Text()]
        if not self.versions:
            items.append(Text("No versions stored.", style="provtrack.fold"))
        elif options.max_width >= max(TABLE_MIN_WIDTH, max(len(v.ref.article) for v in self.versions) + 80):
            # a table only when ids fit on one line beside the other columns; otherwise stack
            items.append(self._table())
        else:
            items.extend(self._stacked())
        items.extend(_title_note(self.versions))
        items.extend(safe_text(note, "provtrack.meta") for note in self.notes)
        yield from stripped_lines(console, options, items)

    def _bar(self, info: VersionInfo) -> Text:
        most = max((changed_blocks(v.summary) for v in self.versions if v.ref.version > 1), default=0)
        return change_bar(changed_blocks(info.summary), most) if info.ref.version > 1 else Text()

    def _table(self) -> Table:
        table = _table(("ver", 4), ("fetched (UTC)", 19 if self.seconds else 16), ("commit", 10),
                       ("changes", None), ("", BAR_CELLS), ("title", None))
        for info in self.versions:
            table.add_row(Text(f"v{info.ref.version}", style="provtrack.version"),
                          Text(fmt_time(info.ref.fetched_at, zone=False, seconds=self.seconds)),
                          Text(info.ref.short_commit, style="provtrack.commit"),
                          _changes(info), self._bar(info), _title(info))
        return table

    def _stacked(self) -> list[RenderableType]:
        width = max(len(f"v{v.ref.version}") for v in self.versions) + 2
        rows: list[RenderableType] = []
        for number, info in enumerate(self.versions):
            changes = Text.assemble(self._bar(info), " " if info.ref.version > 1 else "", _changes(info))
            rows.extend([Text()] if number else [])
            title = [_title(info)] if info.title or info.title_changed else []
            rows.append(Gutter(_version_prefix(info, width), Group(_stamp(info, seconds=self.seconds), changes,
                                                                   *title)))
        return rows


class StoreLogView:
    """The newest versions across all articles, newest first."""

    def __init__(self, versions: Sequence[VersionInfo], *, title: str = "Newest versions") -> None:
        self.versions = list(versions)
        self.title = title
        by_article: dict[str, list[str]] = {}
        for info in self.versions:
            by_article.setdefault(info.ref.article, []).append(info.ref.fetched_at)
        #: two versions of one article fetched in the same minute would look alike without seconds
        self.seconds = any(minute_clash(stamps) for stamps in by_article.values())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        items: list[RenderableType] = [safe_text(self.title, "provtrack.header"), Text()]
        if not self.versions:
            items.append(Text("No versions stored.", style="provtrack.fold"))
        elif options.max_width >= max(TABLE_MIN_WIDTH, max(len(v.ref.article) for v in self.versions) + 80):
            # a table only when ids fit on one line beside the other columns; otherwise stack
            table = _table(("article", None), ("ver", 4), ("fetched (UTC)", 19 if self.seconds else 16),
                           ("commit", 10), ("changes", None), ("title", None),
                           ids=[v.ref.article for v in self.versions], width=options.max_width)
            for info in self.versions:
                table.add_row(safe_text(info.ref.article), Text(f"v{info.ref.version}", style="provtrack.version"),
                              Text(fmt_time(info.ref.fetched_at, zone=False, seconds=self.seconds)),
                              Text(info.ref.short_commit, style="provtrack.commit"), _changes(info), _title(info))
            items.append(table)
        else:
            for number, info in enumerate(self.versions):
                label = safe_text(info.ref.article, "provtrack.header")
                label.append(f"@v{info.ref.version}", style="provtrack.version")
                items.extend([Text()] if number else [])
                items.append(Joined([label]))
                title = [_title(info)] if info.title or info.title_changed else []
                items.append(Gutter("  ", Group(_stamp(info, seconds=self.seconds), _changes(info), *title)))
        items.extend(_title_note(self.versions))
        yield from stripped_lines(console, options, items)


#: longer lists than this print one line per article (tens of thousands of rows stay fast)
LONG_LIST = 200


class ArticleListView:
    """Every tracked article with its version count and fetch range."""

    def __init__(self, rows: Sequence[ArticleRow]) -> None:
        self.rows = list(rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        items: list[RenderableType] = []
        if len(self.rows) > LONG_LIST:
            yield self._lines()
            return
        if not self.rows:
            items.append(Text("No articles tracked yet.", style="provtrack.fold"))
        elif options.max_width >= max(TABLE_MIN_WIDTH, max(len(row.id) for row in self.rows) + 80):
            # a table only when ids fit on one line beside the other columns; otherwise stack
            table = _table(("article", None), ("versions", 8), ("first (UTC)", 16), ("last (UTC)", 16),
                           ("title / url", None), ids=[row.id for row in self.rows],
                           width=options.max_width)
            for row in self.rows:
                table.add_row(safe_text(row.id, "provtrack.header"), Text(str(row.versions)),
                              Text(fmt_time(row.first_fetched, zone=False)),
                              Text(fmt_time(row.last_fetched, zone=False)), self._title_url(row))
            items.append(table)
        else:
            for number, row in enumerate(self.rows):
                label = Joined([safe_text(row.id, "provtrack.header"),
                                Text(f"{row.versions} version{'' if row.versions == 1 else 's'}",
                                     style="provtrack.meta")], "provtrack.meta", separator="  ")
                if row.versions == 1:
                    span = [Text(f"fetched {fmt_time(row.first_fetched)}")]
                else:
                    span = [Text(f"first {fmt_time(row.first_fetched)}"), Text(f"last  {fmt_time(row.last_fetched)}")]
                items.extend([Text()] if number else [])
                items.extend([label, Gutter("  ", Group(*span, self._title_url(row)))])
        yield from stripped_lines(console, options, items)

    def _lines(self) -> Text:
        """One line per article, cut at the width: `id  12 versions  last 2026-02-05 16:20  title`."""
        lines = []
        for row in self.rows:
            line = safe_text(row.id, "provtrack.header")
            line.append(f"  {row.versions} version{'' if row.versions == 1 else 's'}  "
                        f"last {fmt_time(row.last_fetched, zone=False)}  ", style="provtrack.meta")
            line.append_text(safe_text(row.title or row.url, "provtrack.title" if row.title else "provtrack.url"))
            lines.append(line)
        text = Text("\n").join(lines)
        text.no_wrap, text.overflow = True, "ellipsis"
        return text

    @staticmethod
    def _title_url(row: ArticleRow) -> Group:
        lines = [safe_text(row.title, "provtrack.title")] if row.title else []
        return Group(*lines, Joined([row.url], "provtrack.url"))
