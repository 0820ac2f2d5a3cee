"""Pairs the differ leaves as removed + added that blame still treats as one block edited. Pure.

The differ reports what a reader should see; lineage asks a looser question (is the new
block the old one rewritten?). Two rules, for lineage only:

- a reworded headline: when exactly one title is removed and one added between two
  versions, the new title is the old one reworded, however different the words;
- a heavy in-place edit: when the only removed block and the only added block of one kind
  between the same two aligned neighbours are similar at `GAP_RATIO` (below the differ's
  PAIR_RATIO), the new block is the old one edited.
"""

from __future__ import annotations

import bisect
from typing import Callable, Sequence

from provtrack.model import Change

#: Token similarity at which a lone block in a gap pairs with the lone old one of its kind. The
#: differ's PAIR_RATIO (0.5) guards against pairing any two paragraphs of an article; within one
#: gap, with one candidate on each side, less evidence suffices.
GAP_RATIO = 0.4


def lineage_pairs(changes: Sequence[Change], anchors: Sequence[tuple[int, int]],
                  similar: Callable[[str, str, float], bool]) -> dict[int, int]:
    """new index -> old index of removed/added blocks that continue one lineage.

    Args:
        anchors: (old, new) pairs the alignment kept in place, in order.
        similar: similar(old_text, new_text, min_ratio), the differ's pairing test.
    """
    gone = [c for c in changes if c.kind == "removed" and len(c.old_indices) == 1 and c.old_text]
    came = [c for c in changes if c.kind == "added" and len(c.new_indices) == 1 and c.new_text]
    pairs: dict[int, int] = {}
    old_titles = [c for c in gone if c.block_kind == "title"]
    new_titles = [c for c in came if c.block_kind == "title"]
    if len(old_titles) == 1 and len(new_titles) == 1:
        pairs[new_titles[0].new_indices[0]] = old_titles[0].old_indices[0]
    olds = [o for o, _ in anchors]
    news = [n for _, n in anchors]

    def gap(side: list[int], i: int) -> int:  # which gap between anchors index i falls in
        return bisect.bisect_left(side, i)

    groups: dict[tuple[int, str], tuple[list[Change], list[Change]]] = {}
    for c in gone:
        groups.setdefault((gap(olds, c.old_indices[0]), c.block_kind), ([], []))[0].append(c)
    for c in came:
        groups.setdefault((gap(news, c.new_indices[0]), c.block_kind), ([], []))[1].append(c)
    for (_, kind), (old, new) in sorted(groups.items()):
        if kind == "title" or len(old) != 1 or len(new) != 1:
            continue
        o, n = old[0], new[0]
        if n.new_indices[0] not in pairs and similar(o.old_text or "", n.new_text or "", GAP_RATIO):
            pairs[n.new_indices[0]] = o.old_indices[0]
    return pairs
