"""Paragraph lineage across versions: where each block's lineage began and when it last changed. Pure.

Lineage follows the differ's alignment between consecutive versions: an unchanged or
moved block keeps its lineage, an edited, split or merged block keeps it too (with a new
"last changed"), a duplicate inherits from the block it copies, and a block that appears
as added is first looked up among all earlier versions (WikiWho-style) so text that was
removed and later restored keeps its first origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from provtrack.model import Block, Change

R = TypeVar("R")


@dataclass(frozen=True)
class Lineage(Generic[R]):
    """Provenance of one block in one version."""

    origin: R
    last_changed: R
    edits: int


def unchanged_pairs(old_len: int, new_len: int, changes: Sequence[Change]) -> list[tuple[int, int]]:
    """(old, new) index pairs of blocks no change names; the differ guarantees they align in order."""
    # a duplicate's old_indices point at the block it copies, which itself stays in place
    named_old = {i for c in changes if c.kind != "duplicated" for i in c.old_indices}
    named_new = {i for c in changes for i in c.new_indices}
    old_free = [i for i in range(old_len) if i not in named_old]
    new_free = [i for i in range(new_len) if i not in named_new]
    return list(zip(old_free, new_free))


def _edited(change: Change) -> bool:
    return change.kind != "moved" or (change.similarity is not None and change.similarity < 1.0)


def trace(history: Sequence[tuple[R, Sequence[Block]]],
          differ: Callable[[Sequence[Block], Sequence[Block]], Sequence[Change]],
          *, diffs: Sequence[Sequence[Change]] | None = None) -> list[list[Lineage[R]]]:
    """Lineage of every block of every version in *history* (oldest first).

    *diffs*, when given, are the precomputed changes between consecutive versions
    (``diffs[k-1]`` goes from version k-1 to k); otherwise *differ* computes them.
    """
    result: list[list[Lineage[R]]] = []
    first_seen: dict[str, R] = {}
    for k, (ref, blocks) in enumerate(history):
        if k == 0:
            current = [Lineage(ref, ref, 0) for _ in blocks]
        else:
            prev_ref, prev_blocks = history[k - 1]
            prev = result[-1]
            changes = diffs[k - 1] if diffs is not None else differ(prev_blocks, blocks)
            slots: list[Lineage[R] | None] = [None] * len(blocks)
            for o, n in unchanged_pairs(len(prev_blocks), len(blocks), changes):
                slots[n] = prev[o]
            pending_dupes = []
            for change in changes:
                olds = [prev[i] for i in change.old_indices if i < len(prev)]
                if change.kind == "added":
                    for n in change.new_indices:
                        origin = first_seen.get(blocks[n].key, ref)
                        slots[n] = Lineage(origin, ref, 0)
                elif change.kind == "removed":
                    continue
                elif change.kind == "duplicated":
                    pending_dupes.append(change)
                elif change.kind == "moved" and not _edited(change):
                    for n in change.new_indices:
                        slots[n] = olds[0] if olds else Lineage(ref, ref, 0)
                else:  # changed, edited move, split, merged
                    origin = _earliest(olds, history, ref)
                    edits = max((o.edits for o in olds), default=0) + 1
                    for n in change.new_indices:
                        slots[n] = Lineage(origin, ref, edits)
            for change in pending_dupes:
                n = change.new_indices[0]
                if change.old_indices:
                    source = prev[change.old_indices[0]]
                else:
                    source = next((slots[i] for i, b in enumerate(blocks)
                                   if i != n and slots[i] is not None and b.key == blocks[n].key), None)
                origin = source.origin if source else first_seen.get(blocks[n].key, ref)
                slots[n] = Lineage(origin, ref, source.edits if source else 0)
            current = [s if s is not None else Lineage(first_seen.get(blocks[i].key, ref), ref, 0)
                       for i, s in enumerate(slots)]
        for block, lin in zip(blocks, current):
            first_seen.setdefault(block.key, lin.origin)
        result.append(current)
    return result


def _earliest(olds: list[Lineage[R]], history: Sequence[tuple[R, Sequence[Block]]], default: R) -> R:
    """The origin that appears first in history among *olds*."""
    if not olds:
        return default
    order = {id(ref): i for i, (ref, _) in enumerate(history)}
    return min(olds, key=lambda lin: order.get(id(lin.origin), len(order))).origin
