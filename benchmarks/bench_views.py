"""How long do the rich terminal views take to draw a very long article?

Builds, in memory, a fictional blame of N short paragraphs (default 60,000) over 10 versions
(every tenth paragraph edited, some captions, quotes and duplicates) and a diff of the same
article with a change every 7 paragraphs (changed words, additions, removals, moves) and
folded context, then renders `BlameView`, `DiffView` (inline and side by side) and
`HistoryView`-free `DocumentView` into a StringIO console, as `provtrack blame`/`diff`/`show`
print them, without colour and with truecolor, once with provtrack's own line layout
(`render.lines`) and once with it turned off (rich lays out everything), and checks the two
outputs are identical. Prints the median wall time of --repeat runs and the output size.
No store, no git: only drawing is measured.

    python benchmarks/bench_views.py [--paragraphs N] [--width W] [--repeat R]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from rich.console import Console

from provtrack.blame import Blame, BlameLine, Lineage
from provtrack.model import Block, Change, Diff, Document, Side, SnapshotRef
from provtrack.render.blameview import BlameView
from provtrack.render.diffview import DiffView
from provtrack.render.docview import DocumentView
from provtrack.render.lines import Painter
from provtrack.render.theme import THEME

URL = "https://news.example/2026/02/05/long-live-blog"
ARTICLE = "news.example--long-live-blog-0a1b2c3d"


def ref(version: int) -> SnapshotRef:
    return SnapshotRef(ARTICLE, version, f"{version:02d}" * 20, f"2026-02-05T{version:02d}:00:00+00:00", URL)


def paragraph(n: int) -> str:
    return f"Update {n}: crews reported {n % 97} new readings from station {n % 13} at the river gauge."


def kind(n: int) -> str:
    return "caption" if n % 50 == 3 else "quote" if n % 50 == 7 else "heading" if n % 200 == 0 else "paragraph"


def make_blame(count: int) -> Blame:
    refs = [ref(v) for v in range(1, 11)]
    lines = []
    for n in range(count):
        origin = refs[n % 10 // 3]
        last = refs[min(9, n % 10)] if n % 10 == 0 else origin
        text = paragraph(n) if n % 500 != 499 else paragraph(n - 1)
        lines.append(BlameLine(n, Block(kind(n), text), Lineage(origin, last, 1 if n % 10 == 0 else 0)))
    return Blame(refs[-1], URL, tuple(lines))


def make_diff(count: int) -> Diff:
    old = [Block(kind(n), paragraph(n)) for n in range(count)]
    new = list(old)
    changes = []
    for n in range(0, count, 7):
        if n % 21 == 0:
            text = paragraph(n).replace("new readings", "fresh readings")
            new[n] = Block(kind(n), text)
            changes.append(Change("changed", kind(n), (n,), (n,), old[n].text, text, 0.9, ("numbers",),
                                  (("=", f"Update {n}: crews reported {n % 97} "), ("-", "new"), ("+", "fresh"),
                                   ("=", f" readings from station {n % 13} at the river gauge.")), introduced_in=ref(9),
                                  origin=ref(1)))
        elif n % 21 == 7:
            changes.append(Change("moved", kind(n), (n,), (n,), old[n].text, old[n].text, 1.0,
                                  words=(("=", old[n].text),), introduced_in=ref(10)))
        else:
            new[n] = Block("paragraph", f"Inserted note {n}: the count is provisional and will be revised.")
            changes.append(Change("added", "paragraph", (), (n,), None, new[n].text, introduced_in=ref(10)))
            changes.append(Change("removed", kind(n), (n,), (), old[n].text, None, introduced_in=ref(10)))
    diff_side = Side(URL, "a" * 64, ref(1).fetched_at, ref(1), "Long live blog")
    return Diff(diff_side, Side(URL, "b" * 64, ref(10).fetched_at, ref(10), "Long live blog"), tuple(old), tuple(new),
                tuple(changes))


def draw(view: object, width: int, color: str | None) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=color, force_terminal=color is not None,  # type: ignore[arg-type]
                      theme=THEME, highlight=False, emoji=False, markup=False)
    console.print(view)
    return console.file.getvalue()  # type: ignore[attr-defined]


def timed(make: Callable[[], object], width: int, color: str | None, repeat: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = draw(make(), width, color)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=60_000)
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    blame, diff = make_blame(args.paragraphs), make_diff(args.paragraphs)
    doc = Document(diff.new_blocks)
    views = {"blame": lambda: BlameView(blame), "diff inline": lambda: DiffView(diff, context=2),
             "diff side by side": lambda: DiffView(diff, context=2, layout="side-by-side"),
             "show": lambda: DocumentView(doc, blocks_only=True)}
    print(f"{args.paragraphs} paragraphs, {args.width} columns, median of {args.repeat}")
    print("provtrack: the views as shipped; rich layout: the same views with provtrack's line layout")
    print("turned off (every Text, gutter and column laid out by rich's console.render_lines)")
    print(f"{'view':20} {'colour':10} {'provtrack s':>12} {'rich layout s':>14} {'speed-up':>9} {'output MB':>10} same")
    rich_only = Painter.block_lines
    for name, make in views.items():
        for color in (None, "truecolor"):
            fast, out = timed(make, args.width, color, args.repeat)
            Painter.block_lines = lambda self, renderable, width: None  # type: ignore[method-assign]
            try:
                slow, reference = timed(make, args.width, color, args.repeat)
            finally:
                Painter.block_lines = rich_only  # type: ignore[method-assign]
            print(f"{name:20} {color or 'none':10} {fast:12.2f} {slow:14.2f} {slow / fast:8.1f}x "
                  f"{len(out) / 1e6:10.1f} {'yes' if out == reference else 'NO'}")


if __name__ == "__main__":
    main()
