"""Block alignment between two versions: exact anchors, sentences, fuzzy pairs, splits, merges, moves. Pure.

Works on normalised block keys (`Block.key`) and returns index-level matches; `provtrack.diff`
turns them into `Change` values with word diffs and tags. Stages, each only on what the
previous ones left:

1. exact: equal keys, in order (anchored, bounded `matching_blocks`), then equal keys out of
   order (moves) and surplus copies (duplicates);
2. per gap between exact anchors: splits and merges, then blocks that share most of their
   sentences, then token similarity (SequenceMatcher ratio) or containment (expansions);
3. across gaps: the same for what is left, for blocks long enough to count as moved;
4. one LIS over every matched pair decides what kept its place (unchanged or changed) and what
   moved. Blocks shorter than `min_move_words` that end up out of order are removed + added.

Work is bounded: see the limits below and in `provtrack.diff_seq`. Standard library only.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from operator import itemgetter
from typing import Callable, Sequence

from provtrack.diff_seq import Budget, heaviest_increasing, lis, longest_chain, matching_blocks
from provtrack.diff_similar import (CONTAIN_MIN_WORDS, PAIR_RATIO, SENTENCE_DICE, SPLIT_MAX_PARTS, SPLIT_PART_SHARE,
                                    SPLIT_RATIO, Blocks, TextMemo, candidates, informative_pair, matcher,
                                    overlap_share, ratio, score, sentence_score, set_template)
from provtrack.diff_tokens import is_word, tokenize

__all__ = ["Match", "Alignment", "align", "align_blocks", "lis", "tokenize", "is_word"]

# Fuzzy stages (2 and 3) stop tokenising new blocks after this many tokens, and stop scoring
# after this many candidate pairs (each up to ~0.1 ms of SequenceMatcher); what is left unpaired
# is reported as removed + added and the result is marked coarse. A few seconds at most.
MAX_FUZZY_TOKENS = 3_000_000
MAX_SCORED_PAIRS = 40_000
# A gap (or the cross-gap leftovers) with more blocks than this is not searched for edits at
# all: finding candidates alone means tokenising every block in it.
MAX_GAP_BLOCKS = 20_000
# A weighted choice among candidate pairs in a gap: margin above the stage's threshold, plus a
# little for every pair, so two fair in-order edits beat one good crossing one only narrowly.
PAIR_BONUS = 0.05


@dataclass(frozen=True)
class Match:
    """One aligned group of blocks. `kind` is a ChangeKind; `edited` is False for exact moves."""

    kind: str
    old: tuple[int, ...]
    new: tuple[int, ...]
    similarity: float | None = None
    edited: bool = True
    #: for a duplicate of text that is new in this version: the new index of the first copy
    copy_of: int | None = None


@dataclass(frozen=True)
class Alignment:
    """Unchanged (old, new) pairs in order, plus a match for every other block of either side."""

    unchanged: tuple[tuple[int, int], ...]
    matches: tuple[Match, ...]


class _Aligner:
    def __init__(self, old: Blocks, new: Blocks, min_move_words: int, budget: Budget) -> None:
        self.old = old
        self.new = new
        self.min_move_words = min_move_words
        self.budget = budget
        self.free_old = set(range(len(old.keys)))
        self.free_new = set(range(len(new.keys)))
        self.exact_pairs: list[tuple[int, int]] = []
        self.matches: list[Match] = []  # fixed: duplicates, splits, merges
        self.pairs: list[Match] = []  # one-to-one edits; stage 4 decides changed or moved
        self.scored = 0
        self._matcher: tuple[list[str], SequenceMatcher[str]] | None = None

    # -- bookkeeping -------------------------------------------------------------------------

    def take(self, match: Match) -> None:
        self.free_old.difference_update(match.old if match.kind != "duplicated" else ())
        self.free_new.difference_update(match.new)
        (self.pairs if len(match.old) == len(match.new) == 1 and match.kind != "duplicated"
         else self.matches).append(match)

    def over_budget(self) -> bool:
        if self.old.tokenized + self.new.tokenized > MAX_FUZZY_TOKENS:
            self.budget.note(f"fuzzy pairing stopped after {MAX_FUZZY_TOKENS:,} tokens; "
                             f"{len(self.free_old):,} old and {len(self.free_new):,} new blocks left unpaired")
            return True
        if self.scored > MAX_SCORED_PAIRS:
            self.budget.note(f"fuzzy pairing limited to {MAX_SCORED_PAIRS:,} candidate pairs")
            return True
        return False

    def searchable(self, olds: list[int], news: list[int]) -> bool:
        """Whether fuzzy pairing may look at these blocks (within the work limits)."""
        if len(olds) + len(news) > MAX_GAP_BLOCKS:
            self.budget.note(f"fuzzy pairing skipped for {len(olds):,} old x {len(news):,} new unmatched blocks "
                             f"(over {MAX_GAP_BLOCKS:,})")
            return False
        return not self.over_budget()

    def long_enough(self, i: int, j: int) -> bool:
        return self.old.has_words(i, self.min_move_words) and self.new.has_words(j, self.min_move_words)

    # -- stages ------------------------------------------------------------------------------

    def run(self) -> Alignment:
        anchors = self.exact()
        if self.free_old and self.free_new:
            set_template(self.old, self.new)
        # Gap g lies between anchors g-1 and g: found by bisection, so a long document with few
        # free blocks costs nothing per anchor.
        anchor_old, anchor_new = [i for i, _ in anchors], [j for _, j in anchors]
        gap_of_old = {i: bisect.bisect(anchor_old, i) for i in sorted(self.free_old)}
        gap_of_new = {j: bisect.bisect(anchor_new, j) for j in sorted(self.free_new)}
        gaps: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, gap in gap_of_old.items():
            gaps[gap][0].append(i)
        for j, gap in gap_of_new.items():
            gaps[gap][1].append(j)
        for gap in sorted(gaps):
            olds, news = gaps[gap]
            if olds and news and self.searchable(olds, news):
                pairs = candidates(olds, news, self.old, self.new)
                self.split_merge(pairs, set(olds), set(news))
                self.pair(pairs, "changed")
        # Leftovers from different gaps: a split or merge that an exact move cut off from its
        # parts, and an edited block that also moved.
        olds, news = sorted(self.free_old), sorted(self.free_new)
        if olds and news and self.searchable(olds, news):
            self.split_merge([(i, j) for i, j in candidates(olds, news, self.old, self.new)
                              if gap_of_old.get(i) != gap_of_new.get(j)], set(olds), set(news))
        long_old = sorted(i for i in self.free_old if self.old.has_words(i, self.min_move_words))
        long_new = sorted(j for j in self.free_new if self.new.has_words(j, self.min_move_words))
        if long_old and long_new and self.searchable(long_old, long_new):
            self.pair([(i, j) for i, j in candidates(long_old, long_new, self.old, self.new)
                       if gap_of_old.get(i) != gap_of_new.get(j)], "moved")
        unchanged = self.place()
        self.matches.extend(Match("removed", (i,), ()) for i in sorted(self.free_old))
        self.matches.extend(Match("added", (), (j,)) for j in sorted(self.free_new))
        return Alignment(tuple(unchanged), tuple(self.matches))

    def exact(self) -> list[tuple[int, int]]:
        """Pair equal keys; return the longest in-order subset (the gaps' anchors). Surplus copies duplicate."""
        ok, nk = self.old.keys, self.new.keys
        runs = matching_blocks(ok, nk, budget=self.budget, what="identical blocks", patience=True)
        pairs: list[tuple[int, int]] = []
        for i, j, size in runs:
            pairs.extend(zip(range(i, i + size), range(j, j + size)))
        in_order = list(pairs)
        # Equal keys the in-order pass could not use: out-of-order candidates, earliest first,
        # so the surplus copies left unpaired in new are the later ones.
        for i, j, size in runs:
            self.free_old.difference_update(range(i, i + size))
            self.free_new.difference_update(range(j, j + size))
        rest_old = sorted(self.free_old)
        rest_new = sorted(self.free_new)
        old_pos: dict[str, list[int]] = defaultdict(list)
        for i in rest_old:
            old_pos[ok[i]].append(i)
        new_pos: dict[str, list[int]] = defaultdict(list)
        for j in rest_new:
            new_pos[nk[j]].append(j)
        surplus: list[int] = []
        moved: list[tuple[int, int]] = []
        for k, js in new_pos.items():
            olds = old_pos.get(k, [])
            moved.extend(zip(olds, js))
            surplus.extend(js[len(olds):])
        if moved:
            self.free_old.difference_update([i for i, _ in moved])
            self.free_new.difference_update([j for _, j in moved])
            pairs.extend(moved)
            pairs.sort()
        self.exact_pairs = pairs
        first_old: dict[str, int] = {}
        if surplus:
            for i in range(len(ok) - 1, -1, -1):
                first_old[ok[i]] = i
        first_new: dict[str, int] = {}
        for j in sorted(surplus):
            k = nk[j]
            if k in first_old:
                self.take(Match("duplicated", (first_old[k],), (j,), 1.0, edited=False))
            elif k in first_new:
                self.take(Match("duplicated", (), (j,), 1.0, edited=False, copy_of=first_new[k]))
            else:
                first_new[k] = j  # new text: its first copy is added (or pairs with an edit)
        # The gaps' anchors: the in-order pairs. Stage 4 may still prefer an out-of-order one.
        return in_order

    def split_merge(self, pairs: list[tuple[int, int]], olds: set[int], news: set[int]) -> None:
        """One block became 2+ consecutive blocks (split) or the reverse (merged), within one gap.

        Each candidate pair (i, j) starts a run of consecutive gap blocks at j (split of i) and
        at i (merge into j); runs are joined token lists scored against the single block.
        """
        starts: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, j in pairs:  # a run needs a free neighbour after its first part
            if j + 1 in news:
                starts["split", i].append(j)
            if i + 1 in olds:
                starts["merged", j].append(i)
        found: list[tuple[float, str, int, tuple[int, ...]]] = []
        for (kind, one), firsts in starts.items():
            whole_side, parts_side, free = ((self.old, self.new, news) if kind == "split"
                                            else (self.new, self.old, olds))
            whole = whole_side.tokens(one)
            distinct = whole_side.distinct(one)
            sm: SequenceMatcher[str] | None = None
            for start in firsts:
                if (len(parts_side.tokens(start)) > len(whole) or self.scored > MAX_SCORED_PAIRS
                        or overlap_share(parts_side.distinct(start), distinct) < SPLIT_PART_SHARE):
                    continue  # a part is shorter than the whole, and mostly made of its tokens
                run = [start]
                joined = list(parts_side.tokens(start))
                while len(run) < SPLIT_MAX_PARTS and run[-1] + 1 in free:
                    part = run[-1] + 1
                    if overlap_share(parts_side.distinct(part), distinct) < SPLIT_PART_SHARE:
                        break
                    run.append(part)
                    # a new list: SequenceMatcher.set_seq1 ignores the same object, even grown
                    joined = joined + parts_side.tokens(part)
                    if len(joined) * 2 > len(whole) * 3:
                        break  # ratio >= 0.8 needs lengths within 2:3
                    self.scored += 1
                    sm = sm or matcher(whole)
                    found_score = score(sm, joined, whole, False, SPLIT_RATIO, self.budget)
                    if found_score is not None:
                        found.append((found_score.ratio, kind, one, tuple(run)))
        found.sort(key=lambda f: (-f[0], f[1], f[2], f[3]))
        for joined_ratio, kind, one, parts in found:
            old_ix, new_ix = ((one,), parts) if kind == "split" else (parts, (one,))
            if not (set(old_ix) <= self.free_old and set(new_ix) <= self.free_new):
                continue
            # The split must explain the block better than any one part does; otherwise it is an
            # edit of one part next to an unrelated new block.
            whole_side, parts_side = (self.old, self.new) if kind == "split" else (self.new, self.old)
            whole = whole_side.tokens(one)
            if all(ratio(parts_side.tokens(p), whole, self.budget) < joined_ratio for p in parts):
                self.take(Match(kind, old_ix, new_ix, round(joined_ratio, 4)))

    def pair(self, pairs: list[tuple[int, int]], kind: str) -> None:
        """One-to-one pairs: first by shared sentences, then by token similarity or containment.

        In each stage, the heaviest in-order subset of the qualifying pairs is taken first, then
        the remaining qualifying pairs best-first (those cross, and stage 4 makes them moves).
        """
        self.stage(pairs, kind, self.sentence_weight)
        if not self.over_budget():
            self.stage(pairs, kind, self.token_weight)

    def sentence_weight(self, i: int, j: int) -> float | None:
        dice, contain = sentence_score(self.old, i, self.new, j)
        if dice >= SENTENCE_DICE:
            return dice - SENTENCE_DICE
        if contain >= 1.0 and min(self.old.sentence_words(i), self.new.sentence_words(j)) >= CONTAIN_MIN_WORDS:
            return 0.0
        return None

    def token_weight(self, i: int, j: int) -> float | None:
        if self.scored > MAX_SCORED_PAIRS:
            return None
        self.scored += 1
        contain_ok = min(self.old.words(i), self.new.words(j)) >= CONTAIN_MIN_WORDS
        old_tokens, new_tokens = informative_pair(self.old, i, self.new, j)
        if self._matcher is None or self._matcher[0] is not new_tokens:  # difflib indexes seq2 once:
            self._matcher = (new_tokens, matcher(new_tokens))                # reuse it for every i
        found = score(self._matcher[1], old_tokens, new_tokens, contain_ok, PAIR_RATIO, self.budget)
        return None if found is None else found.rank - PAIR_RATIO

    def stage(self, pairs: list[tuple[int, int]], kind: str,
              weight_of: Callable[[int, int], float | None]) -> None:
        weighted: list[tuple[int, int, float]] = []
        for i, j in sorted(pairs, key=lambda p: (p[1], p[0])):  # by new block: one matcher each
            if i in self.free_old and j in self.free_new:
                weight = weight_of(i, j)
                if weight is not None:
                    weighted.append((i, j, weight + PAIR_BONUS))
        for p in heaviest_increasing(weighted):
            self.take_pair(*weighted[p][:2], kind)
        for i, j, _ in sorted(weighted, key=lambda w: (-w[2], w[0], w[1])):
            if i in self.free_old and j in self.free_new:
                self.take_pair(i, j, kind)

    def take_pair(self, i: int, j: int, kind: str) -> None:
        # no similarity yet: provtrack.diff takes it from the word diff, which aligns the same tokens
        self.take(Match(kind, (i,), (j,)))

    def place(self) -> list[tuple[int, int]]:
        """Stage 4: the LIS over all matched units keeps its place; the rest moved (or, if short, was replaced)."""
        exact = self.exact_pairs
        # (old, new, index): index < 0 is exact pair -index-1 (zipped at C speed: most units are these)
        units: list[tuple[int, int, int]] = list(zip(map(itemgetter(0), exact), map(itemgetter(1), exact),
                                                     range(-1, -len(exact) - 1, -1)))
        units.extend((m.old[0], m.new[0], p) for p, m in enumerate(self.pairs))
        units.extend((min(m.old), min(m.new), len(self.pairs) + p) for p, m in enumerate(self.matches)
                     if m.kind in ("split", "merged"))
        units.sort()
        keep = longest_chain(units, self.unit_words)
        self.first_copies(units, keep)
        # Only the few exact pairs out of the chain need a look; the rest stay unchanged as they are.
        out_of_place = sorted(-ident - 1 for ident in set(range(-1, -len(exact) - 1, -1)).difference(keep))
        in_place = [True] * len(exact)
        for p in out_of_place:
            in_place[p] = False
            i, j = exact[p]
            if self.long_enough(i, j):
                self.matches.append(Match("moved", (i,), (j,), 1.0, edited=False))
            else:
                # Short out-of-order blocks ("Advertisement", "Photo: AP") are usually boilerplate
                # reshuffled by the page template: removed + added, not a move.
                self.free_old.add(i)
                self.free_new.add(j)
        for p, m in enumerate(self.pairs):
            if p in keep:
                self.matches.append(Match("changed", m.old, m.new, m.similarity))
            elif self.long_enough(m.old[0], m.new[0]):
                self.matches.append(Match("moved", m.old, m.new, m.similarity))
            else:
                self.free_old.add(m.old[0])
                self.free_new.add(m.new[0])
        return sorted(itertools.compress(exact, in_place))

    def unit_words(self, ident: int) -> int:
        """Words of a stage-4 unit (exact pair, one-to-one pair, split or merge), counted roughly."""
        if ident < 0:
            return len(self.old.keys[self.exact_pairs[-ident - 1][0]].split())
        m = self.pairs[ident] if ident < len(self.pairs) else self.matches[ident - len(self.pairs)]
        return min(len(self.old.keys[i].split()) for i in m.old[:1]) if m.old else 0

    def first_copies(self, units: list[tuple[int, int, int]], keep: set[int]) -> None:
        """Which copy of a duplicated block is the original: the earliest copy that keeps its place.

        Exact matching may pair the old block with a later copy (or with a copy out of order,
        which would make it a move); swap it with a duplicate that sits in the kept order.
        *units* are stage 4's (old, new, id), sorted by old; *keep* the ids in the chain.
        """
        copies: dict[str, list[int]] = defaultdict(list)  # key -> positions of duplicate matches
        for n, m in enumerate(self.matches):
            if m.kind == "duplicated" and m.old:
                copies[self.new.keys[m.new[0]]].append(n)
        if not copies:
            return
        by_key: dict[str, list[int]] = defaultdict(list)
        for p, (i, _) in enumerate(self.exact_pairs):
            if self.old.keys[i] in copies:
                by_key[self.old.keys[i]].append(p)
        starts = [u[0] for u in units]
        for key, dups in copies.items():
            if len(by_key.get(key, ())) != 1:
                continue  # several old copies: leave the exact matching's choice
            p = by_key[key][0]
            i, j0 = self.exact_pairs[p]
            at = bisect.bisect_left(starts, i)  # units[at] is this pair's own unit
            before, after = at - 1, at + 1
            while before >= 0 and units[before][2] not in keep:
                before -= 1
            while after < len(units) and units[after][2] not in keep:
                after += 1
            low = self.span(units[before][2])[1] if before >= 0 else -1
            high = self.span(units[after][2])[0] if after < len(units) else len(self.new.keys)
            fitting = sorted(j for j in [j0, *(self.matches[n].new[0] for n in dups)] if low < j < high)
            if not fitting or fitting[0] == j0:
                continue
            n = next(n for n in dups if self.matches[n].new[0] == fitting[0])
            self.matches[n] = Match("duplicated", self.matches[n].old, (j0,), 1.0, edited=False)
            self.exact_pairs[p] = (i, fitting[0])
            keep.add(-p - 1)

    def span(self, ident: int) -> tuple[int, int]:
        """(first, last) new position of a stage-4 unit."""
        if ident < 0:
            j = self.exact_pairs[-ident - 1][1]
            return j, j
        m = self.pairs[ident] if ident < len(self.pairs) else self.matches[ident - len(self.pairs)]
        return min(m.new), max(m.new)


def align(old_keys: Sequence[str], new_keys: Sequence[str], *, min_move_words: int = 4,
          budget: Budget | None = None) -> Alignment:
    """Align two versions' block keys; every index of both sides ends up unchanged or in one match.

    One-to-one edits (changed, moved) come without a similarity: `provtrack.diff` computes it
    from the word diff.
    """
    memo = TextMemo()
    return align_blocks(Blocks(old_keys, memo), Blocks(new_keys, memo), min_move_words=min_move_words, budget=budget)


def align_blocks(old: Blocks, new: Blocks, *, min_move_words: int = 4, budget: Budget | None = None) -> Alignment:
    """`align` on `Blocks` the caller keeps, to reuse the tokens alignment computed."""
    return _Aligner(old, new, min_move_words, budget or Budget()).run()
