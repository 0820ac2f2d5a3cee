"""The side-by-side body of one change: the old block(s) on the left, the new on the right."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from ..model import Change, Diff
from .escapes import marker_escape
from .layout import paras
from .lines import Line, Painter, columns
from .safe import safe_text

#: What an empty side says, per change kind.
_ABSENT = {"added": "(not in the old version)", "removed": "(not in the new version)"}


def block_texts(diff: Diff, change: Change, *, new: bool) -> list[str]:
    """The block texts of one side of a change, one per block where the indices allow."""
    blocks = diff.new_blocks if new else diff.old_blocks
    indices = change.new_indices if new else change.old_indices
    if indices and all(0 <= i < len(blocks) for i in indices):
        return [blocks[i].text for i in indices]
    text = change.new_text if new else change.old_text
    return [text] if text else []


def side_words(words: tuple[tuple[str, str], ...], *, new: bool) -> Text:
    """One side of a word diff: kept words plus this side's own, marked `[-gone-]` or `{+added+}`.

    A paragraph break inside a split or merge starts a new paragraph in the column.
    """
    own = "+" if new else "-"
    out = Text()
    mine = [(op, segment) for op, segment in words if op in ("=", own)]
    for number, (op, segment) in enumerate(mine):
        if op == "=":
            _append(out, marker_escape(segment, before_marker=number < len(mine) - 1), "")
        elif not segment.strip():
            _append(out, segment, "")  # a space or paragraph break: the column's layout shows it
        else:
            inner = marker_escape(segment, inside=own)
            marked = f"{{+{inner}+}}" if new else f"[-{inner}-]"
            _append(out, marked, "provtrack.word.added" if new else "provtrack.word.removed")
    return out


def _append(out: Text, segment: str, style: str) -> None:
    for number, piece in enumerate(segment.split("\n\n")):
        if number:
            out.append("\n\n")
        out.append_text(safe_text(piece, style))


def _texts(texts: list[str], style: str) -> Text:
    """Whole blocks of one side (article text, marker-like sequences escaped as in the word diff)."""
    out = Text()
    for number, text in enumerate(texts):
        if number:
            out.append("\n\n")
        out.append_text(safe_text(marker_escape(text), style))
    return out


def _label(text: str, style: str) -> Text:
    return Text(text, style=style)


def side_by_side(change: Change, diff: Diff) -> RenderableType:
    """Two columns, `old ¶N` and `new ¶M`, each with its side's text; a rule between them."""
    old_where = f"old {paras(change.old_indices)}" if change.old_indices else "old"
    new_where = f"new {paras(change.new_indices)}" if change.new_indices else "new"
    if change.kind == "duplicated":
        old_where += " (the original)"
    kind_style = f"provtrack.{change.kind}"
    if change.kind == "added":
        old: Text = _label(_ABSENT["added"], "provtrack.fold")
        new = _texts(block_texts(diff, change, new=True), kind_style)
    elif change.kind == "removed":
        old = _texts(block_texts(diff, change, new=False), kind_style)
        new = _label(_ABSENT["removed"], "provtrack.fold")
    elif change.words is not None and any(op != "=" for op, _ in change.words):
        old, new = side_words(change.words, new=False), side_words(change.words, new=True)
    elif change.words is not None or change.old_text == change.new_text:
        old = _texts(block_texts(diff, change, new=False), "")
        new = _texts(block_texts(diff, change, new=True), kind_style if change.kind == "duplicated" else "")
    else:
        old = _texts(block_texts(diff, change, new=False), "provtrack.removed")
        new = _texts(block_texts(diff, change, new=True), "provtrack.added")
    return Columns(Text.assemble(_label(old_where, "provtrack.position"), "\n", old),
                   Text.assemble(_label(new_where, "provtrack.position"), "\n", new))


class Columns:
    """Two halves with a rule between them: a borderless rich Table, drawn without one when it can be."""

    def __init__(self, left: Text, right: Text) -> None:
        self.left, self.right = left, right

    def table(self) -> Table:
        table = Table(box=box.MINIMAL, show_header=False, show_edge=False, pad_edge=False, expand=True,
                      padding=(0, 1), border_style="provtrack.meta")
        table.add_column(ratio=1, overflow="fold")
        table.add_column(ratio=1, overflow="fold")
        table.add_row(self.left, self.right)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table()

    def fast_lines(self, painter: Painter, width: int) -> list[Line] | None:
        """The table's lines (see `lines.columns`); None when a word is too wide for its half."""
        return columns(painter, self.left, self.right, width, Segment("│", painter.style("provtrack.meta")))
