"""Paragraph lineage across versions: where each block's lineage began and when it last changed. Pure.

Lineage follows the differ's alignment between consecutive versions: an unchanged or
moved block keeps its lineage, an edited, split or merged block keeps it too (with a new
"last changed"), a duplicate inherits from the block it copies, and a block that appears
as added is first looked up among all earlier versions (WikiWho-style) so text that was
removed and later restored keeps its first origin; text restored with an edit is found
among the latest removed texts by the differ's pairing test (`provtrack.blame_departed`).

`Tracer` walks versions forward one at a time and can resume from a saved `Trail`, so a
caller can cache the lineage of a version and later continue from it with one diff per
new version; `trace` is the whole-history convenience on top of it. `walk` goes the other
way: from one block back through the versions its lineage passed, for `provtrack history`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Generic, Mapping, Sequence, TypeVar

from provtrack.blame_departed import Departed
from provtrack.model import Block, Change, SnapshotRef, normalize_text

R = TypeVar("R")

#: What happened to a block in the version that holds it (`Step.events`).
EVENTS: tuple[str, ...] = ("unchanged", "added", "restored", "moved", "changed", "split", "merged", "duplicated")


@dataclass(frozen=True)
class Lineage(Generic[R]):
    """Provenance of one block in one version."""

    origin: R
    last_changed: R
    edits: int


@dataclass(frozen=True)
class Seen:
    """What the trace remembers about one normalised text, by position in history."""

    #: where the lineage of the first block with this text began
    origin: int
    #: last change and edit count of the latest block that had this text
    last_changed: int
    edits: int
    #: the latest position at which a block had this text
    last_present: int


@dataclass(frozen=True)
class Step:
    """The lineage of every block of one version; versions are 0-based positions in history."""

    position: int
    lineage: tuple[Lineage[int], ...]
    #: per block: indices of the previous version's blocks it descends from (empty when it is new or restored)
    parents: tuple[tuple[int, ...], ...]
    #: per block: one of EVENTS
    events: tuple[str, ...]
    #: per block: for a restored text, the position where it was last present; else None
    restored_from: tuple[int | None, ...]


@dataclass(frozen=True)
class Trail:
    """Everything needed to continue tracing after one version (what a cache saves)."""

    step: Step
    #: text_id -> what is known about that text
    seen: Mapping[str, Seen]
    #: version_id -> the first position that had exactly that text
    texts: Mapping[str, int] = field(default_factory=dict)
    #: text_id -> (block kind, normalised text) of the latest removed texts, oldest first
    departed: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def text_id(key: str) -> str:
    """A short stable id of a normalised block text (128-bit BLAKE2b, hex), so saved state stays small."""
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def version_id(ids: Sequence[str]) -> str:
    """A short stable id of a whole version's text, from the text ids of its blocks in order."""
    return hashlib.blake2b(" ".join(ids).encode("ascii"), digest_size=16).hexdigest()


def unchanged_pairs(old_len: int, new_len: int, changes: Sequence[Change]) -> list[tuple[int, int]]:
    """(old, new) index pairs of blocks no change names; the differ guarantees they align in order."""
    # a duplicate's old_indices point at the block it copies, which itself stays in place
    named_old = {i for c in changes if c.kind != "duplicated" for i in c.old_indices}
    named_new = {i for c in changes for i in c.new_indices}
    old_free = [i for i in range(old_len) if i not in named_old]
    new_free = [i for i in range(new_len) if i not in named_new]
    return list(zip(old_free, new_free))


def _edited(change: Change) -> bool:
    """Whether a change altered its text: every kind but a move does; a move only if the text changed too."""
    return change.kind != "moved" or normalize_text(change.old_text or "") != normalize_text(change.new_text or "")


#: Texts whose ids a Tracer remembers (it forgets them all beyond this).
_MAX_IDS = 200_000

_Slot = tuple[Lineage[int], tuple[int, ...], str, "int | None"]


class Tracer:
    """Lineage of versions fed in order, oldest first; positions count from 0 (or from a resumed trail).

    A version with exactly the text of an earlier one (a revert) takes that version's origins,
    so identical text is always attributed alike; *recall* returns the step of an earlier
    position for that (without it, reverts are traced like any other version).
    """

    def __init__(self, resume: Trail | None = None, *, recall: Callable[[int], Step] | None = None) -> None:
        self._prev: Step | None = resume.step if resume is not None else None
        # text_id -> (origin, last_changed, edits, last_present): Seen's fields, as a plain tuple
        # because every block of every version updates one (a frozen dataclass costs more to make)
        self._seen: dict[str, tuple[int, int, int, int]] = (
            {tid: (s.origin, s.last_changed, s.edits, s.last_present) for tid, s in resume.seen.items()}
            if resume is not None else {})
        self._texts: dict[str, int] = dict(resume.texts) if resume is not None else {}
        self._departed = Departed(resume.departed if resume is not None else None)
        self._recall = recall
        self._ids: dict[str, str] = {}  # block text -> text_id of its key (versions share most texts)

    @property
    def position(self) -> int:
        """The position the next `step` will have."""
        return 0 if self._prev is None else self._prev.position + 1

    def trail(self) -> Trail:
        """A copy of the state after the last step, to resume from later."""
        if self._prev is None:
            raise ValueError("nothing traced yet")
        return Trail(self._prev, {tid: Seen(*s) for tid, s in self._seen.items()}, dict(self._texts),
                     dict(self._departed.items()))

    def step(self, blocks: Sequence[Block], changes: Sequence[Change] | None = None) -> Step:
        """Trace the next version. *changes* go from the previous version to *blocks* (None for the first)."""
        pos = self.position
        if len(self._ids) > _MAX_IDS:
            self._ids.clear()
        cached_id = self._ids.get
        ids = [cached_id(b.text) or self._ids.setdefault(b.text, text_id(b.key)) for b in blocks]
        if self._prev is None:
            if changes:
                raise ValueError("the first version has no previous version to change from")
            slots: list[_Slot | None] = [self._appeared(i, b, pos, {}) for i, b in zip(ids, blocks)]
        else:
            if changes is None:
                raise ValueError(f"version at position {pos} needs the changes from the previous one")
            slots = self._follow(blocks, ids, pos, changes)
        done = [s if s is not None else self._appeared(ids[n], blocks[n], pos, {}) for n, s in enumerate(slots)]
        same = self._texts.setdefault(version_id(ids), pos)
        if same < pos and self._recall is not None:
            earlier = self._recall(same).lineage
            if len(earlier) == len(done):
                done = [(Lineage(earlier[n].origin, max(lin.last_changed, earlier[n].origin), lin.edits), up, ev, rf)
                        for n, (lin, up, ev, rf) in enumerate(done)]
        seen = self._seen
        for tid, (lin, _, _, _) in zip(ids, done):
            known = seen.get(tid)
            seen[tid] = (known[0] if known else lin.origin, lin.last_changed, lin.edits, pos)
        self._remember_departed(ids, changes or ())
        lineage, came_from, how, restored_from = zip(*done) if done else ((), (), (), ())
        step = Step(pos, lineage, came_from, how, restored_from)
        self._prev = step
        return step

    def _follow(self, blocks: Sequence[Block], ids: list[str], pos: int,
                changes: Sequence[Change]) -> list[_Slot | None]:
        assert self._prev is not None
        prev = self._prev.lineage
        slots: list[_Slot | None] = [None] * len(blocks)
        anchors = unchanged_pairs(len(prev), len(blocks), changes)
        for o, n in anchors:
            slots[n] = (prev[o], (o,), "unchanged", None)
        # Short blocks out of order come as removed + added; the text itself did not change.
        removed = {text_id(normalize_text(c.old_text)): c.old_indices[0] for c in changes
                   if c.kind == "removed" and len(c.old_indices) == 1 and c.old_text}
        pending: list[Change] = []
        for change in changes:
            olds = [prev[i] for i in change.old_indices if i < len(prev)]
            if change.kind == "added":
                for n in change.new_indices:
                    slots[n] = self._appeared(ids[n], blocks[n], pos, removed)
            elif change.kind == "removed":
                continue
            elif change.kind == "duplicated":
                pending.append(change)
            elif change.kind == "moved" and not _edited(change) and olds:
                for n in change.new_indices:
                    slots[n] = (olds[0], tuple(change.old_indices), "moved", None)
            else:  # changed, edited move, split, merged
                origin = min((o.origin for o in olds), default=pos)  # positions: the smallest is the earliest
                edits = max((o.edits for o in olds), default=0) + 1
                for n in change.new_indices:
                    slots[n] = (Lineage(origin, pos, edits), tuple(change.old_indices), change.kind, None)
        for change in pending:
            for n in change.new_indices:
                source: _Slot | None = None
                if change.old_indices and change.old_indices[0] < len(prev):
                    o = change.old_indices[0]
                    source = (prev[o], (o,), "", None)
                else:  # a copy of text that is new in this version: inherit from its twin
                    source = next((s for i, s in enumerate(slots)
                                   if i != n and s is not None and ids[i] == ids[n]), None)
                if source is None:
                    slots[n] = self._appeared(ids[n], blocks[n], pos, removed)
                else:
                    slots[n] = (Lineage(source[0].origin, pos, source[0].edits), source[1], "duplicated", None)
        return slots

    def _appeared(self, tid: str, block: Block, pos: int, removed: Mapping[str, int]) -> _Slot:
        """A block no alignment explains: a short move, a restoration of earlier text (as it was or
        edited), or new text."""
        if tid in removed and self._prev is not None:
            o = removed[tid]
            return (self._prev.lineage[o], (o,), "moved", None)
        known = self._seen.get(tid)
        if known is not None:
            origin, _, edits, last_present = known
            return (Lineage(origin, pos, edits), (), "restored", last_present)
        near = self._departed.find(block.kind, block.key)
        if near is not None and near in self._seen:
            self._departed.discard(near)  # its lineage goes on in this block
            origin, _, edits, last_present = self._seen[near]
            return (Lineage(origin, pos, edits + 1), (), "restored", last_present)
        return (Lineage(pos, pos, 0), (), "added", None)

    def _remember_departed(self, ids: Sequence[str], changes: Sequence[Change]) -> None:
        """Keep the texts this version removed for a later edited restoration; forget those back."""
        departed = self._departed
        present = set(ids)
        for tid in departed.among(present):
            departed.discard(tid)
        for change in changes:
            if change.kind == "removed" and change.old_text:
                key = normalize_text(change.old_text)
                tid = text_id(key)
                if tid not in present:
                    departed.add(tid, change.block_kind, key)


def trace(history: Sequence[tuple[R, Sequence[Block]]],
          differ: Callable[[Sequence[Block], Sequence[Block]], Sequence[Change]],
          *, diffs: Sequence[Sequence[Change]] | None = None) -> list[list[Lineage[R]]]:
    """Lineage of every block of every version in *history* (oldest first).

    *diffs*, when given, are the precomputed changes between consecutive versions
    (``diffs[k-1]`` goes from version k-1 to k); otherwise *differ* computes them.
    """
    refs = [ref for ref, _ in history]
    steps: list[Step] = []
    tracer = Tracer(recall=steps.__getitem__)
    result: list[list[Lineage[R]]] = []
    for k, (_, blocks) in enumerate(history):
        changes = None
        if k:
            changes = diffs[k - 1] if diffs is not None else differ(history[k - 1][1], blocks)
        step = tracer.step(blocks, changes)
        steps.append(step)
        result.append([Lineage(refs[lin.origin], refs[lin.last_changed], lin.edits) for lin in step.lineage])
    return result


# -- walking one block's lineage back --------------------------------------------------------

@dataclass(frozen=True)
class Moment:
    """A version where the tracked lineage did something.

    `new` are the tracked blocks of that version the event touched; `ended` are blocks of
    the previous version whose text left the article here (and came back later).
    """

    position: int
    new: tuple[int, ...] = ()
    ended: tuple[int, ...] = ()


def walk(step_at: Callable[[int], Step], blocks_at: Callable[[int], Sequence[Block]],
         position: int, index: int) -> list[Moment]:
    """The versions where the lineage of block *index* at *position* changed, oldest first.

    Follows parents back (both sides of a merge, the original of a duplicate) and, for
    restored text, the version where that text was last present. Only versions that
    still hold part of the lineage are read.
    """
    frontier: dict[int, set[int]] = {position: {index}}
    found: dict[int, tuple[set[int], set[int]]] = {}
    for pos in range(position, -1, -1):
        here = frontier.pop(pos, None)
        if not here:
            continue
        step = step_at(pos)
        back: set[int] = set()
        for n in sorted(i for i in here if i < len(step.events)):
            back.update(step.parents[n])
            if step.events[n] == "unchanged":
                continue
            found.setdefault(pos, (set(), set()))[0].add(n)
            last = step.restored_from[n]
            if step.events[n] == "restored" and last is not None and 0 <= last < pos:
                key = blocks_at(pos)[n].key
                earlier = next((i for i, b in enumerate(blocks_at(last)) if b.key == key), None)
                if earlier is not None:
                    frontier.setdefault(last, set()).add(earlier)
                    found.setdefault(last + 1, (set(), set()))[1].add(earlier)
        if back and pos > 0:
            frontier.setdefault(pos - 1, set()).update(back)
    return [Moment(pos, tuple(sorted(new)), tuple(sorted(ended))) for pos, (new, ended) in sorted(found.items())]


# -- results the service layer hands to the renderers ---------------------------------------

@dataclass(frozen=True)
class BlameLine:
    """One block of a blamed version and its provenance."""

    index: int
    block: Block
    lineage: Lineage[SnapshotRef]


@dataclass(frozen=True)
class Blame:
    """Every block of one stored version with its origin, last change and edit count."""

    ref: SnapshotRef
    article_url: str
    lines: tuple[BlameLine, ...]
    #: the article's first version number (for age shading)
    first_version: int = 1


@dataclass(frozen=True)
class HistoryEvent:
    """One thing that happened to a paragraph's lineage, with the differ's change for that step.

    kind: `added` (first appearance), `restored`, `changed`, `moved`, `split`, `merged`,
    `duplicated`, or `removed` (the tracked text left the article here; `change` then says
    how: removed, or replaced by other text).
    """

    kind: str
    ref: SnapshotRef
    previous: SnapshotRef | None
    change: Change
    #: for `restored`: the last version that had the text before
    restored_from: SnapshotRef | None = None


@dataclass(frozen=True)
class ParagraphHistory:
    """The life of one block: where its lineage began and every version where it changed."""

    ref: SnapshotRef
    article_url: str
    index: int
    block: Block
    lineage: Lineage[SnapshotRef]
    events: tuple[HistoryEvent, ...]
