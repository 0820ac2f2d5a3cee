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

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

from provtrack.diff_seq import Budget, lis, matching_blocks
from provtrack.diff_similar import (CONTAIN_MIN_WORDS, PAIR_RATIO, SENTENCE_DICE, SPLIT_MAX_PARTS,
                                    SPLIT_PART_SHARE, SPLIT_RATIO, Blocks, candidates, heaviest_increasing,
                                    matcher, overlap_share, ratio, score, sentence_score)
from provtrack.diff_tokens import is_word, tokenize

__all__ = ["Match", "Alignment", "align", "lis", "tokenize", "is_word"]

# Fuzzy stages (2 and 3) stop tokenising new blocks after this many tokens, and stop scoring
# after this many candidate pairs; what is left unpaired is reported as removed + added and the
# result is marked coarse. ~3 s of work on the 2-core reference machine.
MAX_FUZZY_TOKENS = 3_000_000
MAX_SCORED_PAIRS = 200_000
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
    def __init__(self, old_keys: Sequence[str], new_keys: Sequence[str], min_move_words: int,
                 budget: Budget) -> None:
        self.old = Blocks(old_keys)
        self.new = Blocks(new_keys)
        self.min_move_words = min_move_words
        self.budget = budget
        self.free_old = set(range(len(old_keys)))
        self.free_new = set(range(len(new_keys)))
        self.exact_pairs: list[tuple[int, int]] = []
        self.matches: list[Match] = []  # fixed: duplicates, splits, merges
        self.pairs: list[Match] = []  # one-to-one edits; stage 4 decides changed or moved
        self.scored = 0

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

    def long_enough(self, i: int, j: int) -> bool:
        return min(self.old.words(i), self.new.words(j)) >= self.min_move_words

    # -- stages ------------------------------------------------------------------------------

    def run(self) -> Alignment:
        anchors = self.exact()
        bounds = [(-1, -1), *anchors, (len(self.old.keys), len(self.new.keys))]
        gap_of_old: dict[int, int] = {}
        gap_of_new: dict[int, int] = {}
        for gap, ((o0, n0), (o1, n1)) in enumerate(zip(bounds, bounds[1:])):
            olds = [i for i in range(o0 + 1, o1) if i in self.free_old]
            news = [j for j in range(n0 + 1, n1) if j in self.free_new]
            gap_of_old.update((i, gap) for i in olds)
            gap_of_new.update((j, gap) for j in news)
            if olds and news and not self.over_budget():
                pairs = candidates(olds, news, self.old, self.new)
                self.split_merge(pairs, set(olds), set(news))
                self.pair(pairs, "changed")
        # Leftovers from different gaps: an edited block that also moved.
        long_old = sorted(i for i in self.free_old if self.old.words(i) >= self.min_move_words)
        long_new = sorted(j for j in self.free_new if self.new.words(j) >= self.min_move_words)
        if long_old and long_new and not self.over_budget():
            self.pair([(i, j) for i, j in candidates(long_old, long_new, self.old, self.new)
                       if gap_of_old.get(i) != gap_of_new.get(j)], "moved")
        unchanged = self.place()
        self.matches.extend(Match("removed", (i,), ()) for i in sorted(self.free_old))
        self.matches.extend(Match("added", (), (j,)) for j in sorted(self.free_new))
        return Alignment(tuple(unchanged), tuple(self.matches))

    def exact(self) -> list[tuple[int, int]]:
        """Pair equal keys; return the longest in-order subset (the gaps' anchors). Surplus copies duplicate."""
        ok, nk = self.old.keys, self.new.keys
        runs = matching_blocks(ok, nk, budget=self.budget, what="identical blocks")
        pairs = [(i + t, j + t) for i, j, size in runs for t in range(size)]
        used_old = {i for i, _ in pairs}
        used_new = {j for _, j in pairs}
        # Equal keys the in-order pass could not use: out-of-order candidates, earliest first,
        # so the surplus copies left unpaired in new are the later ones.
        old_pos: dict[str, list[int]] = defaultdict(list)
        for i, k in enumerate(ok):
            if i not in used_old:
                old_pos[k].append(i)
        rest_new: dict[str, list[int]] = defaultdict(list)
        for j, k in enumerate(nk):
            if j not in used_new:
                rest_new[k].append(j)
        surplus: list[int] = []
        for k, js in rest_new.items():
            rest_old = old_pos.get(k, [])
            pairs.extend(zip(rest_old, js))
            surplus.extend(js[len(rest_old):])
        pairs.sort()
        self.exact_pairs = pairs
        self.free_old.difference_update(i for i, _ in pairs)
        self.free_new.difference_update(j for _, j in pairs)
        first_old: dict[str, int] = {}
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
        return [pairs[p] for p in lis([j for _, j in pairs])]

    def split_merge(self, pairs: list[tuple[int, int]], olds: set[int], news: set[int]) -> None:
        """One block became 2+ consecutive blocks (split) or the reverse (merged), within one gap.

        Each candidate pair (i, j) starts a run of consecutive gap blocks at j (split of i) and
        at i (merge into j); runs are joined token lists scored against the single block.
        """
        starts: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, j in pairs:
            starts["split", i].append(j)
            starts["merged", j].append(i)
        found: list[tuple[float, str, int, tuple[int, ...]]] = []
        for (kind, one), firsts in starts.items():
            whole_side, parts_side, free = ((self.old, self.new, news) if kind == "split"
                                            else (self.new, self.old, olds))
            whole = whole_side.tokens(one)
            counts = whole_side.counts(one)
            sm = matcher(whole)
            for start in firsts:
                if overlap_share(parts_side.counts(start), counts) < SPLIT_PART_SHARE:
                    continue
                run = [start]
                joined = list(parts_side.tokens(start))
                while len(run) < SPLIT_MAX_PARTS and run[-1] + 1 in free:
                    part = run[-1] + 1
                    if overlap_share(parts_side.counts(part), counts) < SPLIT_PART_SHARE:
                        break
                    run.append(part)
                    joined += parts_side.tokens(part)
                    if len(joined) * 2 > len(whole) * 3:
                        break  # ratio >= 0.8 needs lengths within 2:3
                    self.scored += 1
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
        new_tokens = self.new.tokens(j)
        found = score(matcher(new_tokens), self.old.tokens(i), new_tokens, contain_ok, PAIR_RATIO, self.budget)
        return None if found is None else found.rank - PAIR_RATIO

    def stage(self, pairs: list[tuple[int, int]], kind: str,
              weight_of: Callable[[int, int], float | None]) -> None:
        weighted: list[tuple[int, int, float]] = []
        for i, j in pairs:
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
        similarity = ratio(self.old.tokens(i), self.new.tokens(j), self.budget)
        self.take(Match(kind, (i,), (j,), round(similarity, 4)))

    def place(self) -> list[tuple[int, int]]:
        """Stage 4: the LIS over all matched units keeps its place; the rest moved (or, if short, was replaced)."""
        units: list[tuple[int, int, int]] = []  # (old, new, index): index < 0 is exact pair -index-1
        units.extend((i, j, -p - 1) for p, (i, j) in enumerate(self.exact_pairs))
        units.extend((m.old[0], m.new[0], p) for p, m in enumerate(self.pairs))
        units.extend((min(m.old), min(m.new), len(self.pairs) + p) for p, m in enumerate(self.matches)
                     if m.kind in ("split", "merged"))
        units.sort()
        keep = {units[p][2] for p in lis([u[1] for u in units])}
        unchanged: list[tuple[int, int]] = []
        for p, (i, j) in enumerate(self.exact_pairs):
            if -p - 1 in keep:
                unchanged.append((i, j))
            elif self.long_enough(i, j):
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
        return unchanged




def align(old_keys: Sequence[str], new_keys: Sequence[str], *, min_move_words: int = 4,
          budget: Budget | None = None) -> Alignment:
    """Align two versions' block keys; every index of both sides ends up unchanged or in one match."""
    return _Aligner(old_keys, new_keys, min_move_words, budget or Budget()).run()
