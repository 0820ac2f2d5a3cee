"""Removed + added pairs that a reader calls one block edited: the differ's last pass. Pure.

Alignment pairs blocks by their words alone, and a pair needs PAIR_RATIO of shared tokens:
that bar keeps any two paragraphs of an article from pairing. Where the article's own
structure is evidence enough, what alignment left removed and added is joined again:

- a reworded headline: when exactly one title is removed and one is added, the headline
  changed, however different the words (unless every old block is removed: then the page
  was reused for another story);
- a cosmetic edit of a short block: a removed and an added block between the same two
  unchanged neighbours whose texts differ only in case, punctuation or spacing
  ("Background" -> "BACKGROUND"; alignment's token tests see too few words in them);
- a heavy in-place edit: when the only removed and the only added block of one kind between
  the same two unchanged neighbours share `GAP_RATIO` of their words (a softened quote).

A joined pair is `changed` when it stays between the same neighbours, else an edited `moved`.
"""

from __future__ import annotations

import bisect
from collections import defaultdict, deque
from difflib import SequenceMatcher
from typing import Sequence

from provtrack.align import Alignment, Match
from provtrack.diff_similar import Blocks, informative_pair
from provtrack.diff_tokens import cosmetic_fold, is_word
from provtrack.model import Block

#: Token similarity at which the lone removed and added blocks of one kind in a gap pair. The
#: differ's PAIR_RATIO (0.5) guards against pairing any two paragraphs of an article; within
#: one gap, with one candidate on each side, less evidence suffices.
GAP_RATIO = 0.4


def rejoin(alignment: Alignment, old: Sequence[Block], new: Sequence[Block], old_side: Blocks,
           new_side: Blocks) -> Alignment:
    """*alignment* of *old_side* and *new_side* (the blocks' normalised texts, as aligned) with the
    removed + added pairs above joined into one edit each."""
    removed = sorted(m.old[0] for m in alignment.matches if m.kind == "removed")
    # an extra copy of text new in this version ("duplicated", no old copy) is added text too
    added = sorted(m.new[0] for m in alignment.matches if m.kind == "added" or (m.kind == "duplicated" and not m.old))
    if not removed or not added:
        return alignment
    anchors_old = [i for i, _ in alignment.unchanged]
    anchors_new = [j for _, j in alignment.unchanged]
    # gap g lies between unchanged pairs g-1 and g, on both sides
    gap_old = {i: bisect.bisect_left(anchors_old, i) for i in removed}
    gap_new = {j: bisect.bisect_left(anchors_new, j) for j in added}
    pairs: dict[int, int] = {}  # new index -> old index
    titles_old = [i for i in removed if old[i].kind == "title"]
    titles_new = [j for j in added if new[j].kind == "title"]
    # ... unless nothing else of the article is left: a page reused for another story
    if len(titles_old) == 1 and len(titles_new) == 1 and len(removed) < len(old):
        pairs[titles_new[0]] = titles_old[0]
    gaps: defaultdict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in removed:
        if i not in titles_old or not pairs:
            gaps[gap_old[i]][0].append(i)
    for j in added:
        if j not in pairs:
            gaps[gap_new[j]][1].append(j)
    for olds, news in gaps.values():
        if olds and news:
            pairs.update(_in_gap(olds, news, old, new, old_side, new_side))
    if not pairs:
        return alignment
    joined_old = set(pairs.values())
    kept = [m for m in alignment.matches
            if not (m.kind == "removed" and m.old[0] in joined_old)
            and not (m.kind in ("added", "duplicated") and m.new[0] in pairs)]
    kept.extend(Match("changed" if gap_old[i] == gap_new[j] else "moved", (i,), (j,)) for j, i in sorted(pairs.items()))
    return Alignment(alignment.unchanged, tuple(kept))


def _in_gap(olds: list[int], news: list[int], old: Sequence[Block], new: Sequence[Block], old_side: Blocks,
            new_side: Blocks) -> dict[int, int]:
    """Pairs (new -> old) among the removed and added blocks of one gap: cosmetic edits in order, then lone pairs."""
    old_keys, new_keys = old_side.keys, new_side.keys
    pairs: dict[int, int] = {}
    by_fold: defaultdict[str, deque[int]] = defaultdict(deque)  # old indices, ascending
    for i in olds:
        fold = cosmetic_fold(old_keys[i])
        if fold:
            by_fold[fold].append(i)
    last = -1
    for j in news:
        copies = by_fold.get(cosmetic_fold(new_keys[j]))
        while copies and copies[0] < last:  # passed over: pairing them now would cross
            copies.popleft()
        if copies:  # the first unused copy after the last pair keeps the pairs in order
            last = pairs[j] = copies.popleft()
    taken = set(pairs.values())
    left_old = [i for i in olds if i not in taken]
    left_new = [j for j in news if j not in pairs]
    kinds: defaultdict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in left_old:
        kinds[old[i].kind][0].append(i)
    for j in left_new:
        kinds[new[j].kind][1].append(j)
    for lone_old, lone_new in kinds.values():
        if len(lone_old) == 1 and len(lone_new) == 1 and _words_alike(old_side, lone_old[0], new_side, lone_new[0]):
            pairs[lone_new[0]] = lone_old[0]
    return pairs


def _words_alike(old: Blocks, i: int, new: Blocks, j: int) -> bool:
    """Whether the informative words of two blocks (case folded; no punctuation, so a shared
    `Read more:` is not half the evidence, and no template words, so two results lines built
    from one sentence are not alike) match at GAP_RATIO or better."""
    old_words, new_words = ([t.casefold() for t in tokens if is_word(t)] for tokens in informative_pair(old, i, new, j))
    if not old_words or not new_words:
        return False
    sm = SequenceMatcher(None, old_words, new_words, autojunk=False)
    return sm.real_quick_ratio() >= GAP_RATIO and sm.quick_ratio() >= GAP_RATIO and sm.ratio() >= GAP_RATIO
