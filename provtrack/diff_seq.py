"""Bounded sequence alignment shared by the block and word differs: anchored matching, LIS and
longest chains, work budget. Pure.

`difflib.SequenceMatcher` is exact enough for a paragraph but quadratic on repetitive input (every
space token, thousands of identical "Advertisement" blocks). `matching_blocks` wraps it the way
git's patience and histogram diffs do: trim the common ends, anchor on elements that are rare in
both ranges, recurse between anchors, and hand only small ranges to SequenceMatcher. Work is
capped; when the cap is reached the rest is aligned coarsely and the `Budget` says so.
Standard library only.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from typing import Callable, Hashable, Sequence, TypeVar

__all__ = ["lis", "lis_lengths", "Budget", "matching_blocks", "heaviest_increasing", "longest_chain"]

H = TypeVar("H", bound=Hashable)

# Ranges up to this many cells (len(a) * len(b)) go to SequenceMatcher; its cost is roughly
# proportional to the cells times the share of repeated elements, about 30 ms at this size.
SMALL_CELLS = 40_000
# An element is an anchor when it occurs at most this often in both ranges (histogram diff);
# 1 is patience diff. Rarer elements are tried first.
MAX_ANCHOR_COUNT = 8
# Myers' O((n + m) * D) diff settles anchorless ranges (runs of identical blocks, long stretches
# of common words) when they differ by at most this many insertions and deletions.
MYERS_MAX_D = 64
# Elements examined by one matching_blocks call before the rest is aligned coarsely: linear in
# the input with a generous factor for the recursion, plus a floor for small inputs.
WORK_FACTOR = 40
WORK_FLOOR = 2_000_000


def lis(seq: Sequence[int]) -> list[int]:
    """Positions in *seq* of one longest strictly increasing subsequence (patience sorting, O(n log n))."""
    n = len(seq)
    tails: list[int] = []  # tails[k]: smallest tail value of an increasing run of length k+1
    tail_pos: list[int] = []
    prev = [-1] * n
    # Documents mostly keep their order: between two descents (a value not above the one before)
    # the values rise, and once one of them extends the longest run, the rest of the rise does
    # too. Those are appended a slice at a time; only the others need a bisection.
    starts = [0, *itertools.compress(range(1, n), map(operator.le, seq[1:], seq)), n]
    for start, stop in zip(starts, starts[1:]):
        for pos in range(start, stop):
            value = seq[pos]
            if not tails or value > tails[-1]:
                prev[pos] = tail_pos[-1] if tail_pos else -1
                prev[pos + 1:stop] = range(pos, stop - 1)
                tails.extend(seq[pos:stop])
                tail_pos.extend(range(pos, stop))
                break
            k = bisect.bisect_left(tails, value)
            tails[k] = value
            tail_pos[k] = pos
            prev[pos] = tail_pos[k - 1] if k else -1
    out: list[int] = []
    pos = tail_pos[-1] if tail_pos else -1
    while pos != -1:
        out.append(pos)
        pos = prev[pos]
    return out[::-1]


def lis_lengths(seq: Sequence[int]) -> list[int]:
    """For each position, the length of the longest strictly increasing subsequence ending there."""
    tails: list[int] = []
    out: list[int] = []
    for value in seq:
        if not tails or value > tails[-1]:  # the common case in documents that mostly kept their order
            tails.append(value)
            out.append(len(tails))
            continue
        k = bisect.bisect_left(tails, value)
        tails[k] = value
        out.append(k + 1)
    return out


class Budget:
    """Work limits of one diff, and a note for every place where the result had to be coarser."""

    def __init__(self) -> None:
        self._notes: dict[str, None] = {}
        self._ranges: dict[str, list[int]] = {}  # what -> [count, largest n, its m]
        self._limits: set[str] = set()

    def note(self, reason: str) -> None:
        self._notes.setdefault(reason)

    def coarse_range(self, what: str, n: int, m: int, *, limit: bool = False) -> None:
        """*what* had an n x m range aligned by occurrence rank (after the work limit, if *limit*)."""
        seen = self._ranges.setdefault(what, [0, 0, 0])
        seen[0] += 1
        if n * m > seen[1] * seen[2]:
            seen[1:] = [n, m]
        if limit:
            self._limits.add(what)

    @property
    def coarse(self) -> bool:
        return bool(self._notes or self._ranges)

    @property
    def reason(self) -> str | None:
        notes = list(self._notes)
        for what, (count, n, m) in self._ranges.items():
            why = "work limit reached" if what in self._limits else "no rare element to anchor on"
            notes.append(f"{what} aligned coarsely in {count:,} place{'s' if count > 1 else ''} "
                         f"({why}; largest {n:,} x {m:,})")
        return "; ".join(notes) if notes else None


def _anchors(a: Sequence[H], b: Sequence[H], a0: int, a1: int, b0: int,
             b1: int) -> tuple[list[tuple[int, int]], bool]:
    """In-order (i, j) pairs of equal elements that are rare in both ranges, and whether any element is shared.

    Elements occurring once in each range are paired directly (patience diff); failing those,
    the elements with the lowest count k <= MAX_ANCHOR_COUNT that occur exactly k times in each
    range are paired occurrence by occurrence (a histogram-diff step).
    """
    part_a, part_b = a[a0:a1], b[b0:b1]
    count_a: Counter[H] = Counter(part_a)
    count_b: Counter[H] = Counter(part_b)
    # set operations at C speed: in a long document nearly every block is unique on both sides
    once_a = count_a.keys() if len(count_a) == len(part_a) else {x for x, n in count_a.items() if n == 1}
    once_b = count_b.keys() if len(count_b) == len(part_b) else {x for x, n in count_b.items() if n == 1}
    unique = once_a & once_b
    if unique:  # patience diff: the common case, kept lean (pairs come sorted by j; LIS over i)
        index = dict(zip(part_a, range(a0, a1)))  # the last position of each; unique ones have one
        js = [j for j, x in enumerate(part_b, b0) if x in unique]
        found = [index[b[j]] for j in js]
        return [(found[p], js[p]) for p in lis(found)], True
    best = MAX_ANCHOR_COUNT + 1
    shared = False
    for x, n in count_a.items():
        other = count_b.get(x)
        if other:
            shared = True
            if n == other and n < best:
                best = n
                if n == 1:
                    break
    if best > MAX_ANCHOR_COUNT:
        return [], shared
    pos_a: dict[H, list[int]] = defaultdict(list)
    for i in range(a0, a1):
        if count_a[a[i]] == best and count_b.get(a[i]) == best:
            pos_a[a[i]].append(i)
    pairs: list[tuple[int, int]] = []
    seen: Counter[H] = Counter()
    for j in range(b0, b1):
        x = b[j]
        if x in pos_a:
            pairs.append((pos_a[x][seen[x]], j))
            seen[x] += 1
    pairs.sort()
    return [pairs[p] for p in lis([j for _, j in pairs])], True


def _rank_pairs(a: Sequence[H], b: Sequence[H], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int]]:
    """Coarse fallback: the k-th occurrence of each element in a pairs with its k-th in b; keep the LIS."""
    pos_b: dict[H, list[int]] = defaultdict(list)
    for j in range(b0, b1):
        pos_b[b[j]].append(j)
    seen: Counter[H] = Counter()
    pairs: list[tuple[int, int]] = []
    for i in range(a0, a1):
        x = a[i]
        js = pos_b.get(x)
        if js and seen[x] < len(js):
            pairs.append((i, js[seen[x]]))
            seen[x] += 1
    return [pairs[p] for p in lis([j for _, j in pairs])]


def _myers(a: Sequence[H], b: Sequence[H], a0: int, a1: int, b0: int, b1: int,
           max_d: int) -> tuple[list[tuple[int, int, int]] | None, int]:
    """(matching runs of a shortest edit script, work done), or (None, work) beyond *max_d* edits."""
    n, m = a1 - a0, b1 - b0
    off = max_d + 1
    v = [0] * (2 * max_d + 3)
    trace: list[list[int]] = []
    work = 0
    for d in range(max_d + 1):
        trace.append(v[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[off + k - 1] < v[off + k + 1]):
                x = v[off + k + 1]
            else:
                x = v[off + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[a0 + x] == b[b0 + y]:
                x += 1
                y += 1
            work += 1 + x - start
            v[off + k] = x
            if x >= n and y >= m:
                return _myers_path(trace, n, m, off, a0, b0), work
    return None, work


def _myers_path(trace: list[list[int]], x: int, y: int, off: int, a0: int, b0: int) -> list[tuple[int, int, int]]:
    runs: list[tuple[int, int, int]] = []
    for d in range(len(trace) - 1, -1, -1):
        v = trace[d]
        k = x - y
        prev_k = k + 1 if k == -d or (k != d and v[off + k - 1] < v[off + k + 1]) else k - 1
        prev_x = v[off + prev_k]
        prev_y = prev_x - prev_k
        size = min(x - prev_x, y - prev_y) if d else x
        if size > 0:
            runs.append((a0 + x - size, b0 + y - size, size))
        x, y = prev_x, prev_y
    return runs


def matching_blocks(a: Sequence[H], b: Sequence[H], *, budget: Budget | None = None, what: str = "sequence",
                    patience: bool = False) -> list[tuple[int, int, int]]:
    """Equal runs (i, j, size) of *a* and *b*, in order and non-overlapping (no zero-size sentinel).

    Exact (SequenceMatcher) on small inputs; anchored on rare elements otherwise (first, with
    *patience*, which prefers unique elements as anchors over SequenceMatcher's longest runs);
    Myers for anchorless ranges with few edits. When even that runs out of work, elements are
    paired by occurrence rank (k-th copy with k-th copy) and *budget* gets a note naming *what*
    was aligned coarsely.
    """
    out: list[tuple[int, int, int]] = []
    work_left = WORK_FACTOR * (len(a) + len(b)) + WORK_FLOOR
    stack = [(0, len(a), 0, len(b))]
    while stack:
        a0, a1, b0, b1 = stack.pop()
        start = a0
        while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
            a0 += 1
            b0 += 1
        if a0 > start:
            out.append((start, b0 - (a0 - start), a0 - start))
        end = a1
        while a0 < a1 and b0 < b1 and a[a1 - 1] == b[b1 - 1]:
            a1 -= 1
            b1 -= 1
        if a1 < end:
            out.append((a1, b1, end - a1))
        if a0 == a1 or b0 == b1:
            continue
        n, m = a1 - a0, b1 - b0
        small = n * m <= SMALL_CELLS
        anchors: list[tuple[int, int]] = []
        shared = True
        if not small or patience:
            work_left -= 3 * (n + m)
            if work_left > 0:
                anchors, shared = _anchors(a, b, a0, a1, b0, b1)
        if not anchors and small:
            work_left -= n * m // 8
            if shared:  # else nothing to match (a replaced word, an edited block): no matcher to build
                sm = SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False)
                out.extend((a0 + i, b0 + j, k) for i, j, k in sm.get_matching_blocks() if k)
            continue
        if not anchors and shared and work_left > 0:
            runs, work = _myers(a, b, a0, a1, b0, b1, min(MYERS_MAX_D, work_left // (n + m) + 1))
            work_left -= work
            if runs is not None:
                out.extend(runs)
                continue
        if not anchors:
            if shared:
                if budget is not None:
                    budget.coarse_range(what, n, m, limit=work_left <= 0)
                out.extend((i, j, 1) for i, j in _rank_pairs(a, b, a0, a1, b0, b1))
            continue
        prev_i, prev_j = a0, b0
        run = 0  # anchors next to each other (most of two long similar texts) go out as one run
        for i, j in anchors:
            if run and i == prev_i and j == prev_j:
                run += 1
            else:
                if run:
                    out.append((prev_i - run, prev_j - run, run))
                run = 1
                if i > prev_i and j > prev_j:
                    stack.append((prev_i, i, prev_j, j))
            prev_i, prev_j = i + 1, j + 1
        if run:
            out.append((prev_i - run, prev_j - run, run))
        if a1 > prev_i and b1 > prev_j:
            stack.append((prev_i, a1, prev_j, b1))
    out.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, k in out:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + k)
        else:
            merged.append((i, j, k))
    return merged


def heaviest_increasing(pairs: Sequence[tuple[int, int, float]]) -> list[int]:
    """Positions of a maximum-weight subset of (i, j, weight) pairs increasing in both i and j.

    A weighted LIS (Fenwick tree of prefix maxima over j), O(n log n): within a gap, edits pair
    in reading order unless a crossing pair is clearly better, which then becomes a move.
    """
    order = sorted(range(len(pairs)), key=lambda p: (pairs[p][0], -pairs[p][1]))
    js = sorted({j for _, j, _ in pairs})
    tree: list[tuple[float, int]] = [(0, -1)] * (len(js) + 1)
    best: list[float] = [0] * len(pairs)
    prev: list[int] = [-1] * len(pairs)
    for p in order:
        _, j, weight = pairs[p]
        rank = bisect.bisect_left(js, j)  # prefix over ranks < rank: strictly smaller j
        top: tuple[float, int] = (0, -1)
        k = rank
        while k > 0:
            if tree[k][0] > top[0]:
                top = tree[k]
            k -= k & -k
        best[p], prev[p] = top[0] + weight, top[1]
        k = rank + 1
        while k <= len(js):
            if best[p] > tree[k][0]:
                tree[k] = (best[p], p)
            k += k & -k
    if not pairs:
        return []
    p = max(range(len(pairs)), key=lambda q: (best[q], -q))
    out: list[int] = []
    while p != -1:
        out.append(p)
        p = prev[p]
    return sorted(out, key=lambda q: pairs[q][0])


def longest_chain(units: list[tuple[int, int, int]], size: Callable[[int], int]) -> set[int]:
    """Ids of a longest chain of (old, new, id) units increasing in both, sorted by old.

    Ties go first to the chain keeping more exact pairs (id < 0: an unchanged block stays and the
    edited one is the move, one change instead of two), then to the one keeping more words in
    place (a paragraph stays and the "Advertisement" line is what moved); *size* gives a unit's
    words. Only ties need the weighted search: units in every longest chain are kept outright,
    and the weighted LIS runs on each stretch of interchangeable units between two of them.
    """
    # Units compatible with all others (every unit before them in old is before them in new, and
    # the same after) are in every longest chain: most of a long document, skipped at O(n) cost.
    n = len(units)
    if not n:
        return set()
    settled = _settled([u[1] for u in units])
    keep = set(itertools.compress(map(operator.itemgetter(2), units), settled))
    if len(keep) == n:
        return keep
    units = list(itertools.compress(units, map(operator.not_, settled)))
    seq = [u[1] for u in units]
    ending = lis_lengths(seq)  # longest chain ending at each unit
    starting = lis_lengths([-v for v in reversed(seq)])[::-1]  # ... and starting at it
    length = max(ending, default=0)
    on_some = [p for p in range(len(units)) if ending[p] + starting[p] - 1 == length]
    per_level = Counter(ending[p] for p in on_some)
    stretch: list[tuple[int, int, int]] = []
    for p in [*on_some, -1]:
        if p >= 0 and per_level[ending[p]] > 1:
            stretch.append(units[p])
            continue
        if stretch:  # interchangeable units between two fixed ones
            keep.update(stretch[q][2] for q in tie_break(stretch, size))
            stretch = []
        if p >= 0:
            keep.add(units[p][2])
    return keep


def _settled(values: list[int]) -> list[bool]:
    """For each position, whether its value is above every value before it and below every one after."""
    ranked = sorted(values)
    if not all(map(operator.lt, ranked, ranked[1:])):  # repeated values: the running max and min
        low = list(itertools.accumulate(values[:-1], max, initial=-1))
        high = list(itertools.accumulate(reversed(values[1:]), min, initial=1 << 62))[::-1]
        return [lo < v < hi for v, lo, hi in zip(values, low, high)]
    # Distinct values: position p qualifies when its value is the p-th smallest and the values up
    # to it are the p + 1 smallest, i.e. have the same running sum. Sums and a sort run at C
    # speed; a running max calls max() once per element, five times slower.
    return list(map(operator.and_, map(operator.eq, values, ranked),
                    map(operator.eq, itertools.accumulate(values), itertools.accumulate(ranked))))


def tie_break(units: list[tuple[int, int, int]], size: Callable[[int], int]) -> list[int]:
    """Positions of the longest chain among *units* keeping the most exact pairs, then words."""
    words = [min(size(ident), 1000) for _, _, ident in units]
    # integer weights, each level worth more than all the levels below it together
    per_exact = 1000 * len(units) + 1
    per_unit = per_exact * (len(units) + 1)
    return heaviest_increasing([(i, j, per_unit + (per_exact if ident < 0 else 0) + w)
                                for (i, j, ident), w in zip(units, words)])
