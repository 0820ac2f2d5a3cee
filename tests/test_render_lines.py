"""The fast line layout (`render.lines`) draws exactly what rich draws, wherever it is used."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, Group
from rich.style import Style
from rich.text import Span, Text

from provtrack.render.layout import Gutter
from provtrack.render.lines import Painter, divide, rstrip_line
from provtrack.render.sidebyside import Columns
from provtrack.render.theme import THEME

STYLES = ["", "bold", "provtrack.added", "provtrack.removed", "provtrack.meta", "italic red", "provtrack.escape"]
WORDS = st.sampled_from(["a", "the", "60,000", "river", "Überschwemmung", "東京", "👩‍🚒", "مرحبا", "x" * 45,
                         "end.", "“quoted”", "-", "\u200b", "naïve", "a-very-long-hyphenated-compound-word"])
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", " \n", "\n\n"])


@st.composite
def texts(draw: st.DrawFn) -> Text:
    words = draw(st.lists(WORDS, min_size=0, max_size=40))
    plain = ""
    for word in words:
        plain += word + draw(SEPARATORS)
    plain = plain if draw(st.booleans()) else plain.strip()
    spans = []
    if plain:
        if draw(st.booleans()):  # one after another, as Text.append builds them
            cuts = sorted(set(draw(st.lists(st.integers(0, len(plain)), max_size=8))) | {0, len(plain)})
            spans = [Span(a, b, draw(st.sampled_from(STYLES))) for a, b in zip(cuts, cuts[1:])]
        else:  # overlapping spans
            for _ in range(draw(st.integers(0, 5))):
                a = draw(st.integers(0, len(plain)))
                b = draw(st.integers(a, len(plain)))
                spans.append(Span(a, b, draw(st.sampled_from(STYLES))))
    return Text(plain, style=draw(st.sampled_from(STYLES)), spans=spans)


def console(width: int, colour: bool) -> Console:
    return Console(file=io.StringIO(), width=width, theme=THEME, color_system="truecolor" if colour else None,
                   force_terminal=colour, legacy_windows=False)


def rich_lines(con: Console, renderable: object, width: int) -> list[list]:
    options = con.options.update(width=width)
    return [rstrip_line(line) for line in con.render_lines(renderable, options, pad=False)]  # type: ignore[arg-type]


def same(a: list[list], b: list[list]) -> bool:
    """Equal as drawn: the same characters in the same styles (segment boundaries may differ)."""
    def cells(lines: list[list]) -> list[list[tuple[str, object]]]:
        return [[(ch, seg.style or Style.null()) for seg in line for ch in seg.text] for line in lines]
    return cells(a) == cells(b)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c  d-東👩\u200b"), max_size=60), st.integers(1, 30))
def test_divide_breaks_where_rich_breaks(text: str, width: int) -> None:
    from rich._wrap import divide_line
    assert divide(text, width) == divide_line(text, width)


@settings(max_examples=300, deadline=None)
@given(texts(), st.integers(1, 130), st.booleans())
def test_text_is_laid_out_as_rich_lays_it_out(text: Text, width: int, colour: bool) -> None:
    con = console(width, colour)
    fast = Painter(con, con.options).lines(text, width)
    if fast is not None:
        assert same(fast, rich_lines(con, text, width))


@settings(max_examples=200, deadline=None)
@given(texts(), texts(), st.integers(20, 130), st.booleans(), st.booleans())
def test_gutters_and_groups_are_laid_out_as_rich_lays_them_out(prefix: Text, body: Text, width: int,
                                                               repeat: bool, colour: bool) -> None:
    prefix = Text(prefix.plain.replace("\n", " ")[:12], style=prefix.style)
    con = console(width, colour)
    for renderable in (Gutter(prefix, body, repeat=repeat), Group(body, Gutter(prefix, body))):
        fast = Painter(con, con.options).block_lines(renderable, width)
        if fast is not None:
            assert same(fast, rich_lines(con, renderable, width))


@settings(max_examples=200, deadline=None)
@given(texts(), texts(), st.integers(20, 200), st.booleans())
def test_side_by_side_columns_are_drawn_as_the_table_draws_them(left: Text, right: Text, width: int,
                                                                  colour: bool) -> None:
    con = console(width, colour)
    columns = Columns(left, right)
    fast = columns.fast_lines(Painter(con, con.options), width)
    if fast is not None:
        assert same(fast, rich_lines(con, columns.table(), width))


def test_the_fast_path_is_taken_for_ordinary_article_text() -> None:
    """Without this, the property tests above could pass by always falling back to rich."""
    con = console(80, True)
    painter = Painter(con, con.options)
    text = Text("Crews reported 60,000 readings from the river gauge at Quillan Bay on Tuesday night. " * 4,
                spans=[Span(15, 21, "provtrack.added")])
    assert painter.lines(text, 80) is not None
    assert painter.block_lines(Gutter(Text("¶12  ", style="provtrack.number"), text), 80) is not None
    assert Columns(text, text).fast_lines(painter, 120) is not None


def _bench_views():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_views.py"
    spec = importlib.util.spec_from_file_location("bench_views", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _drawn(view: object, width: int, colour: bool) -> str:
    con = Console(file=io.StringIO(), width=width, theme=THEME, color_system="truecolor" if colour else None,
                  force_terminal=colour, legacy_windows=False, highlight=False, emoji=False, markup=False)
    con.print(view)
    return con.file.getvalue()  # type: ignore[attr-defined]


def test_whole_views_draw_the_same_with_and_without_the_fast_layout(monkeypatch) -> None:
    """blame, diff (inline and side by side) and show, fictional text with curly quotes, CJK and
    long words, at narrow and wide widths, in colour and not: byte for byte what rich draws."""
    from provtrack.model import Block, Document
    from provtrack.render.blameview import BlameView
    from provtrack.render.diffview import DiffView
    from provtrack.render.docview import DocumentView

    bench = _bench_views()
    blame, diff = bench.make_blame(120), bench.make_diff(120)
    extra = (Block("paragraph", "“We will rebuild,” said Mayor Ines Okafor of Quillan Bay — 東京 sent 60,000 "
                                "sandbags and a-very-long-hyphenated-compound-word-that-must-fold-somewhere."),
             Block("caption", "Flood barriers at the harbour wall \u00ab\u00a0Porto\u00a0\u00bb, 2026."))
    diff = type(diff)(diff.old, diff.new, diff.old_blocks, diff.new_blocks + extra, diff.changes)
    views = [lambda: BlameView(blame), lambda: DiffView(diff, context=2),
             lambda: DiffView(diff, context=2, layout="side-by-side"),
             lambda: DocumentView(Document(diff.new_blocks), blocks_only=True)]
    for width in (40, 83, 160):
        for colour in (False, True):
            fast = [_drawn(make(), width, colour) for make in views]
            with monkeypatch.context() as patch:
                patch.setattr(Painter, "block_lines", lambda self, renderable, width: None)
                slow = [_drawn(make(), width, colour) for make in views]
            assert fast == slow
