"""`provtrack demo`: what was snapshotted, the log, the diff, the blame, the trace count, and commands to go on with.

Commands are printed whole on lines of their own, never wrapped, so they can be copied
(print the view with `crop=False`); the store in them is quoted for a shell, and a
temporary store is never named in one.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..demo import DemoResult
from .blameview import BlameView
from .diffview import DiffView
from .escapes import visible
from .facts import Joined
from .layout import Gutter, fmt_time, stripped_lines
from .logview import LogView
from .safe import safe_text

#: Where to suggest keeping a demo store when the demo ran in a temporary one.
SUGGESTED_STORE = "ledger-demo"


class Command:
    """One shell command on a line of its own: never wrapped or cut, even past the width."""

    def __init__(self, argv: Sequence[str], *, prompt: str = "  ") -> None:
        self.line = prompt + visible(" ".join(shlex.quote(arg) for arg in argv))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment(self.line, console.get_style("provtrack.command", default=Style()))
        yield Segment.line()


@dataclass(frozen=True)
class TraceCount:
    """What `trace` found in the aggregator's copy of the story."""

    article: str
    blocks: int
    elsewhere: int
    own: int


def short_names(ids: Sequence[str]) -> dict[str, str]:
    """Each id's site name (`valleyledger` for `valleyledger.example--...`) when it is a unique prefix, else the id."""
    names = {}
    for article in ids:
        short = article.split(".", 1)[0].split("--", 1)[0]
        unique = short and sum(1 for other in ids if other.startswith(short)) == 1
        names[article] = short if unique else article
    return names


class DemoView:
    """The whole demo report; *store* is the kept store's path, or None for a temporary one."""

    def __init__(self, result: DemoResult, trace: TraceCount, *, store: str | None) -> None:
        self.result = result
        self.trace = trace
        self.store = store

    def _cli(self, *args: str) -> list[str]:
        return ["provtrack", *(["--store", self.store] if self.store is not None else []), *args]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        result, trace = self.result, self.trace
        names = short_names([result.article, trace.article])
        article, copy = names[result.article], names[trace.article]
        last = result.log[-1].ref.version
        where = "a temporary store (deleted when the demo ends)" if self.store is None else self.store
        items: list[RenderableType] = [
            safe_text(f"Snapshotted {len(result.snapshots)} versions of a fictional article into {where}:",
                      "provtrack.header")]
        for snap in result.snapshots:
            items.append(Gutter("  ", Joined([f"v{snap.ref.version}", fmt_time(snap.ref.fetched_at),
                                              snap.ref.short_commit, Path(snap.location).name], separator="  ")))
        items += [Text(), LogView(result.article, result.url, result.log), Text()]
        items += self._step("diff", article, "v1", f"v{last}")
        items += [DiffView(result.diff, context=1), Text()]
        items += self._step("blame", article)
        items += [BlameView(result.blame), Text()]
        items += self._step("trace", copy)
        items.append(Text(f"A fictional aggregator's copy of the story: {trace.elsewhere} of its {trace.blocks} "
                          f"blocks were found earlier in the Ledger's article, {trace.own} appear nowhere else in "
                          "the store (`trace` shows which)."))
        items.append(Text())
        if self.store is None:
            items.append(Text("That store was temporary and is deleted now. To keep one and explore it, run:",
                              style="provtrack.meta"))
            items += [Command(["provtrack", "demo", "--store", SUGGESTED_STORE]),
                      Command(["provtrack", "--store", SUGGESTED_STORE, "log", article])]
        else:
            items.append(Text("Explore the store:", style="provtrack.meta"))
            items += [Command(self._cli(*args)) for args in (
                ("log", article), ("show", f"{article}@v1"), ("blame", article), ("history", article, "14 people"),
                ("diff", article, "v1", f"v{last}", "--side-by-side"), ("trace", copy), ("browse", article))]
        for item in items:  # commands go out whole; print the view with crop=False so they stay so
            if isinstance(item, Command):
                yield from console.render(item, options)
            else:
                yield from stripped_lines(console, options, [item])

    def _step(self, *args: str) -> list[RenderableType]:
        """The command that shows the next part, or just its name when the store is temporary."""
        if self.store is None:
            return [Text(f"provtrack {args[0]}:", style="provtrack.meta")]
        return [Command(self._cli(*args), prompt="$ ")]
