"""The terminal view of a Diff: header, changes in new-document order, folded context, summary."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ..model import Block, Change, Diff, Side, summary_line
from .escapes import marker_escape
from .facts import Joined
from .layout import Gutter, labelled, para, paras, provenance_parts, side_parts, stripped_lines
from .safe import safe_text
from .sidebyside import block_texts, side_by_side

#: Badge per change kind; the marker reads without colour.
BADGES: dict[str, str] = {
    "added": "+ ADDED", "removed": "- REMOVED", "changed": "~ CHANGED", "moved": "> MOVED",
    "duplicated": "= DUPLICATED", "split": "/ SPLIT", "merged": "& MERGED",
}
_TAG_STYLES = {"numbers", "quotes", "cosmetic"}
#: Kinds whose texts are several blocks joined by a blank line.
_MULTI = {"split", "merged"}
#: The layouts of the diff view; "auto" is side by side from SIDE_BY_SIDE_WIDTH columns.
LAYOUTS = ("inline", "side-by-side", "auto")
SIDE_BY_SIDE_WIDTH = 160


@dataclass(frozen=True)
class _Entry:
    """One slot of the body: a shown change, or a new block that is unchanged (or only cosmetically)."""

    change: Change | None = None
    index: int = -1
    cosmetic: bool = False


def plural(count: int, word: str) -> str:
    """`1 paragraph`, `2 paragraphs`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def word_diff(words: tuple[tuple[str, str], ...], *, paragraph_marks: bool = False) -> Text:
    """Inline word diff with git's plain markers: `[-removed-]{+added+}`, styled as well.

    Article text that looks like a marker is escaped (`\\[-12-\\]`), so only real edits read as edits.
    """
    out = Text()
    last = len(words) - 1
    for number, (op, segment) in enumerate(words):
        if paragraph_marks:
            segment = segment.replace("\n\n", "¶")
        if op == "-":
            out.append_text(safe_text(f"[-{marker_escape(segment, inside='-')}-]", "provtrack.word.removed"))
        elif op == "+":
            out.append_text(safe_text(f"{{+{marker_escape(segment, inside='+')}+}}", "provtrack.word.added"))
        else:
            out.append_text(safe_text(marker_escape(segment, before_marker=number < last)))
    return out


def change_header(change: Change, new_blocks: tuple[Block, ...] = ()) -> Gutter:
    """`~ CHANGED  paragraph · ¶2 [numbers, quotes]`."""
    badge = Text(BADGES[change.kind], style=f"provtrack.{change.kind}")
    badge.stylize("provtrack.badge")
    badge.append("  ")
    return Gutter(badge, heading(change, positions(change, new_blocks)))


def heading(change: Change, where: str) -> Text:
    """`paragraph · ¶2 [numbers, quotes]`: block kind, position and tags of a change."""
    body = Text()
    body.append_text(safe_text(change.block_kind.replace("_", " "), "provtrack.kind"))
    body.append(" · ")
    body.append(where, style="provtrack.position")
    if change.tags:
        body.append(" [", style="provtrack.tag")
        for number, tag in enumerate(change.tags):
            if number:
                body.append(", ", style="provtrack.tag")
            body.append_text(safe_text(tag, f"provtrack.tag.{tag}" if tag in _TAG_STYLES else "provtrack.tag"))
        body.append("]", style="provtrack.tag")
    return body


def positions(change: Change, new_blocks: tuple[Block, ...] = ()) -> str:
    """Where the change sits, in 1-based paragraph numbers (`old ¶2 → new ¶3`, `moved from ¶3 to ¶7`).

    A duplicate names its original in the new version when *new_blocks* shows where it is.
    """
    old, new = change.old_indices, change.new_indices
    if change.kind == "added" or (not old and change.kind != "duplicated"):
        return paras(new)
    if change.kind == "removed" or not new:
        return f"was {paras(old)}"
    if change.kind == "moved":
        return f"moved from {paras(old)} to {paras(new)}"
    if change.kind == "duplicated":
        return f"{paras(new)}, copy of {_original(change, new_blocks)}"
    if old == new:
        return paras(new)
    return f"old {paras(old)} → new {paras(new)}"


def _original(change: Change, new_blocks: tuple[Block, ...]) -> str:
    """The block a duplicate copies: its first twin in the new version, else its old position."""
    if change.new_indices and max(change.new_indices) < len(new_blocks):
        key = new_blocks[change.new_indices[0]].key
        twin = next((i for i in _positions_of(new_blocks).get(key, ()) if i not in change.new_indices), None)
        if twin is not None:
            return para(twin)
    return f"old {paras(change.old_indices)}" if change.old_indices else "an earlier block"


_POSITIONS: list[tuple[tuple[Block, ...], dict[str, list[int]]]] = []


def _positions_of(blocks: tuple[Block, ...]) -> dict[str, list[int]]:
    """Block key -> its indices in *blocks*, for the last block tuple asked about (a view asks about one)."""
    if not _POSITIONS or _POSITIONS[0][0] is not blocks:
        positions: dict[str, list[int]] = defaultdict(list)
        for index, block in enumerate(blocks):
            positions[block.key].append(index)
        _POSITIONS[:] = [(blocks, dict(positions))]
    return _POSITIONS[0][1]


def is_shown(change: Change, *, show_cosmetic: bool = False, only: frozenset[str] | None = None) -> bool:
    """Whether a view lists *change* (`Change.shown`)."""
    return change.shown(show_cosmetic=show_cosmetic, only=only)


def body_entries(diff: Diff, *, show_cosmetic: bool = False, only: frozenset[str] | None = None) -> list[_Entry]:
    """Shown changes and untouched new blocks in new-document order; removals after their anchor.

    Blocks of changes left out (cosmetic, or not among *only*) are entries flagged `cosmetic`:
    they fold as "without shown changes", never as "unchanged".
    """
    first: dict[int, Change] = {}
    covered: set[int] = set()
    cosmetic: set[int] = set()
    after: dict[int, list[Change]] = defaultdict(list)
    anchors = _anchors(diff)
    # before[o]: the latest new position anchored by an old block before o (where a removal of o goes)
    before = [-1] * (len(diff.old_blocks) + 1)
    for o in range(len(diff.old_blocks)):
        before[o + 1] = max(before[o], anchors.get(o, -1))
    for change in diff.changes:
        if not is_shown(change, show_cosmetic=show_cosmetic, only=only):
            cosmetic.update(change.new_indices)
        elif change.new_indices:
            first[min(change.new_indices)] = change
            covered.update(change.new_indices)
        else:
            old = min(change.old_indices, default=0)
            after[before[min(max(old, 0), len(diff.old_blocks))]].append(change)
    entries = [_Entry(change=c) for c in after[-1]]
    for index in range(len(diff.new_blocks)):
        if index in first:
            entries.append(_Entry(change=first[index]))
        elif index not in covered:
            entries.append(_Entry(index=index, cosmetic=index in cosmetic))
        entries.extend(_Entry(change=c) for c in after[index])
    return entries


def _anchors(diff: Diff) -> dict[int, int]:
    """Old index -> new index for blocks that kept their relative place (to anchor removals)."""
    anchors: dict[int, int] = {}
    old_touched: set[int] = set()
    new_touched: set[int] = set()
    for change in diff.changes:
        new_touched.update(change.new_indices)
        if change.kind != "duplicated":  # its old index names the original, which stays
            old_touched.update(change.old_indices)
        if change.kind in ("changed", "split", "merged") and change.new_indices:
            for old in change.old_indices:
                anchors[old] = max(change.new_indices)
    old_rest = [i for i in range(len(diff.old_blocks)) if i not in old_touched]
    new_rest = [i for i in range(len(diff.new_blocks)) if i not in new_touched]
    old_blocks, new_blocks = diff.old_blocks, diff.new_blocks
    if len(old_rest) == len(new_rest) and all(
            old_blocks[o].text == new_blocks[n].text or old_blocks[o].key == new_blocks[n].key
            for o, n in zip(old_rest, new_rest)):
        anchors.update(zip(old_rest, new_rest))  # the differ's unchanged blocks: one in-order chain
        return anchors
    old_keys, new_keys = [old_blocks[i].key for i in old_rest], [new_blocks[i].key for i in new_rest]
    if len(old_keys) * len(new_keys) > _MATCHER_LIMIT:  # difflib is quadratic on long runs of alike blocks
        anchors.update((old_rest[a], new_rest[b]) for a, b in _in_order_pairs(old_keys, new_keys))
        return anchors
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            anchors[old_rest[a + k]] = new_rest[b + k]
    return anchors


#: Above this many key comparisons `_anchors` pairs blocks greedily instead of with difflib.
_MATCHER_LIMIT = 4_000_000


def _in_order_pairs(old_keys: list[str], new_keys: list[str]) -> list[tuple[int, int]]:
    """Equal keys paired in order, greedily: each old key takes the next unused equal new key after the last."""
    where: dict[str, list[int]] = defaultdict(list)
    for b, key in enumerate(new_keys):
        where[key].append(b)
    cursor: dict[str, int] = {}
    pairs = []
    last = -1
    for a, key in enumerate(old_keys):
        spots = where.get(key)
        if not spots:
            continue
        k = bisect_right(spots, last, lo=cursor.get(key, 0))
        if k < len(spots):
            pairs.append((a, spots[k]))
            last = spots[k]
            cursor[key] = k + 1
    return pairs


def ordered_changes(diff: Diff, *, show_cosmetic: bool = False, only: frozenset[str] | None = None) -> list[Change]:
    """The shown changes in the order the terminal view lists them."""
    return [e.change for e in body_entries(diff, show_cosmetic=show_cosmetic, only=only) if e.change is not None]


class DiffView:
    """A whole diff for the terminal, folded around changes like `git diff -U<context>`.

    Args:
        layout: "inline" (one column, `[-old-]{+new+}` words), "side-by-side" (old | new
            columns), or "auto": side by side when at least SIDE_BY_SIDE_WIDTH columns are free.
        only: list only changes of these kinds (None: every kind).
    """

    def __init__(self, diff: Diff, *, context: int = 3, show_cosmetic: bool = False, layout: str = "inline",
                 only: frozenset[str] | None = None) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
        self.diff = diff
        self.context = max(context, 0)
        self.show_cosmetic = show_cosmetic
        self.layout = layout
        self.only = only

    def _shown(self, change: Change) -> bool:
        return is_shown(change, show_cosmetic=self.show_cosmetic, only=self.only)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        side = self.layout == "side-by-side" or (self.layout == "auto" and options.max_width >= SIDE_BY_SIDE_WIDTH)
        shown = any(self._shown(c) for c in self.diff.changes)
        items: list[RenderableType] = [self._header(numbered=shown)]
        if shown:
            items.extend(self._body(side=side))
        items.append(self._footer())
        spaced: list[RenderableType] = []
        for item in items:
            spaced.extend([Text(), item] if spaced else [item])
        yield from stripped_lines(console, options, spaced)

    # -- header and footer ------------------------------------------------------------------

    def _header(self, *, numbered: bool) -> Group:
        rows: list[RenderableType] = [self._side("old", self.diff.old, "provtrack.removed"),
                                      self._side("new", self.diff.new, "provtrack.added")]
        rows.extend(safe_text(f"note: {note}", "provtrack.tag") for note in self.diff.notes)
        if numbered:
            rows.append(Text("¶ numbers count blocks from 1", style="provtrack.meta"))
        return Group(*rows)

    @staticmethod
    def _side(label: str, side: Side, style: str) -> Gutter:
        lines: list[RenderableType] = [Joined([side.location], "provtrack.url"),
                                       Joined(side_parts(side), "provtrack.meta")]
        if side.title:
            lines.append(safe_text(side.title, "provtrack.title"))
        prefix = Text(f"{label}  ", style=style)
        prefix.stylize("provtrack.header")
        return Gutter(prefix, Group(*lines))

    def _footer(self) -> Group:
        changes = self.diff.changes
        hidden = 0 if self.show_cosmetic else sum(1 for c in changes if c.cosmetic)
        filtered = 0 if self.only is None else sum(
            1 for c in changes if c.kind not in self.only and (self.show_cosmetic or c.substantive))
        lines: list[RenderableType] = []
        if hidden:
            lines.append(Text(f"{plural(hidden, 'cosmetic change')} hidden (--show-cosmetic)",
                              style="provtrack.fold"))
        if filtered:
            lines.append(Text(f"{plural(filtered, 'change')} of other kinds hidden "
                              f"(--only {','.join(sorted(self.only or ()))})", style="provtrack.fold"))
        if not changes:
            lines.append(Text("No differences.", style="provtrack.summary"))
        elif hidden == len(changes):
            lines.insert(0, Text("No substantive differences.", style="provtrack.summary"))
        else:
            counts = self.diff.summary(include_cosmetic=self.show_cosmetic)
            lines.append(Text(f"{summary_line(counts)} · {counts['unchanged']} unchanged",
                              style="provtrack.summary"))
        return Group(*lines)

    # -- body -------------------------------------------------------------------------------

    def _body(self, *, side: bool) -> list[RenderableType]:
        entries = body_entries(self.diff, show_cosmetic=self.show_cosmetic, only=self.only)
        near = {n for n, e in enumerate(entries) if e.change is not None}
        keep = {n + d for n in near for d in range(-self.context, self.context + 1)}
        items: list[RenderableType] = []
        run: list[_Entry] = []
        for number, entry in enumerate(entries):
            if number not in keep:
                run.append(entry)
                continue
            if run:
                items.append(self._fold(run))
                run = []
            if entry.change is None:
                items.append(self._context(entry.index))
            else:
                items.append(self._change(entry.change, side=side))
        if run:
            items.append(self._fold(run))
        return items

    @staticmethod
    def _fold(run: list[_Entry]) -> Text:
        if any(e.cosmetic for e in run):
            label = f"… {plural(len(run), 'paragraph')} without shown changes …"
        else:
            label = f"… {len(run)} unchanged {'paragraph' if len(run) == 1 else 'paragraphs'} …"
        return Text(label, style="provtrack.fold")

    def _context(self, index: int) -> Gutter:
        block = self.diff.new_blocks[index]
        # named as `blame` names it (a heading or caption is not body text); marker-like text escaped
        return Gutter("  ", labelled(block.kind, safe_text(marker_escape(block.text), "provtrack.context")))

    def _change(self, change: Change, *, side: bool = False) -> Group:
        parts: list[RenderableType] = [change_header(change, self.diff.new_blocks)]
        if side:
            parts.append(Gutter("  ", side_by_side(change, self.diff)))
        else:
            parts.extend(self._change_text(change))
        new_ref = self.diff.new.ref
        parts.extend(Gutter("  ", Joined(facts, "provtrack.provenance"))
                     for facts in provenance_parts(change.introduced_in, change.origin,
                                                  known_url=new_ref.url if new_ref else None,
                                                  known_article=new_ref.article if new_ref else None))
        return Group(*parts)

    def _change_text(self, change: Change) -> list[RenderableType]:
        style = f"provtrack.{change.kind}"
        if change.kind in ("added", "removed", "duplicated"):
            marker = {"added": "+ ", "removed": "- ", "duplicated": "= "}[change.kind]
            text = change.new_text if change.kind != "removed" else change.old_text
            return [Gutter(Text(marker, style=style), safe_text(marker_escape(text or ""), style), repeat=True)]
        if change.words is not None and any(op != "=" for op, _ in change.words):
            return [Gutter("  ", word_diff(change.words, paragraph_marks=change.kind in _MULTI))]
        if change.words is not None or change.old_text == change.new_text:
            # the words did not change (a pure move): the new text is the story
            return [Gutter("  ", safe_text(marker_escape(t))) for t in block_texts(self.diff, change, new=True)]
        rows: list[RenderableType] = []
        rows.extend(Gutter(Text("- ", style="provtrack.removed"), safe_text(marker_escape(t), "provtrack.removed"),
                           repeat=True) for t in block_texts(self.diff, change, new=False))
        rows.extend(Gutter(Text("+ ", style="provtrack.added"), safe_text(marker_escape(t), "provtrack.added"),
                           repeat=True) for t in block_texts(self.diff, change, new=True))
        return rows

