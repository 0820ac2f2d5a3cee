"""Block alignment between two versions: exact anchors, moves, duplicates, splits, merges, edits. Pure.

Works on normalised block keys (`Block.key`) and returns index-level matches; `provtrack.diff`
turns them into `Change` values with word diffs and tags. Standard library only.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

# Pairing thresholds, tuned on tests/test_diff.py and the bundled kestrel-flood article: unrelated
# paragraphs of one article score 0.12-0.25 on token ratio (words and punctuation), a changed
# figure or name 0.95+, a reworded sentence 0.75-0.8, a heavily cut paragraph about 0.54; 0.5
# keeps a margin on both sides.
PAIR_RATIO = 0.5
# A paragraph expanded by inserted sentences has a low ratio (the new one may be 3x longer)
# but keeps nearly all of the old tokens in runs; 0.8 of the shorter block, counted only in
# runs of >= 2 tokens (scattered single-word hits are chance: unrelated pairs reach 0.43),
# and only when the shorter block has >= 5 words, because short blocks are "contained" in
# almost anything.
CONTAIN_SHARE = 0.8
CONTAIN_MIN_WORDS = 5
CONTAIN_MIN_RUN = 2
# One block is "approximately" the concatenation of several when the joined ratio is this high.
SPLIT_RATIO = 0.8
SPLIT_MAX_PARTS = 8
# Compare every pair in a gap up to this many pairs; beyond it, only pairs sharing rare words.
ALL_PAIRS_LIMIT = 2500
RARE_WORDS_PER_BLOCK = 8
CANDIDATES_PER_BLOCK = 8


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(token pattern, word-character pattern), built lazily: scanning the marks costs ~25 ms.

    Tokens are words (with internal apostrophes), numbers (55,000 3.5 12%), whitespace runs and
    single other characters. Combining marks and zero-width joiners count as word characters so
    Devanagari, Thai or decomposed Latin words are never cut into fragments (Python's \\w excludes
    them).
    """
    ranges: list[str] = []
    start = None
    for cp in range(0x300, 0x20001):
        is_mark = cp < 0x20000 and unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            ranges.append(f"{chr(start)}-{chr(cp - 1)}")
            start = None
    w = r"\w\u200c\u200d\U000e0100-\U000e01ef" + "".join(ranges)
    token = re.compile(rf"[{w}]+(?:(?<=\d)[.,]\d[{w}]*|['\u2019][{w}]+)*(?:(?<=\d)%)?|\s+|.", re.DOTALL)
    return token, re.compile(f"[{w}]")


def tokenize(text: str) -> list[str]:
    """Split *text* into tokens that concatenate back to it exactly."""
    return _patterns()[0].findall(text)


def is_word(token: str) -> bool:
    """True for word and number tokens (not whitespace or punctuation)."""
    return token[:1].isalnum() or bool(_patterns()[1].match(token))


def content_tokens(text: str) -> list[str]:
    """Tokens without whitespace: what block similarity is computed on."""
    return [t for t in tokenize(text) if not t.isspace()]


def lis(seq: Sequence[int]) -> list[int]:
    """Positions in *seq* of one longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []  # tails[k]: smallest tail value of an increasing run of length k+1
    tail_pos: list[int] = []
    prev = [-1] * len(seq)
    for pos, value in enumerate(seq):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[k] = value
            tail_pos[k] = pos
        prev[pos] = tail_pos[k - 1] if k else -1
    out: list[int] = []
    pos = tail_pos[-1] if tail_pos else -1
    while pos != -1:
        out.append(pos)
        pos = prev[pos]
    return out[::-1]


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


@dataclass(frozen=True)
class _Score:
    ratio: float
    containment: float

    @property
    def rank(self) -> tuple[float, float]:
        return (max(self.ratio, self.containment), self.ratio)


class _Blocks:
    """One side's keys with lazily cached tokens: most blocks match exactly and are never tokenised."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self._tokens: dict[int, list[str]] = {}
        self._vocab: dict[int, set[str]] = {}
        self._words: dict[int, int] = {}

    def tokens(self, i: int) -> list[str]:
        if i not in self._tokens:
            self._tokens[i] = content_tokens(self.keys[i])
        return self._tokens[i]

    def vocab(self, i: int) -> set[str]:
        """Distinct casefolded words."""
        if i not in self._vocab:
            self._vocab[i] = {t.casefold() for t in self.tokens(i) if is_word(t)}
        return self._vocab[i]

    def words(self, i: int) -> int:
        if i not in self._words:
            self._words[i] = sum(1 for t in self.tokens(i) if is_word(t))
        return self._words[i]


def _matcher(b: list[str]) -> SequenceMatcher[str]:
    """A matcher holding *b* as its second sequence; difflib caches b's index, so one serves many a's."""
    sm: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    sm.set_seq2(b)
    return sm


def _score(sm: SequenceMatcher[str], a: list[str], b: list[str], contain_ok: bool,
           min_ratio: float) -> _Score | None:
    """Ratio and containment of *a* against *b* (already the matcher's seq2), or None when neither can pass.

    `real_quick_ratio` and `quick_ratio` are cheap upper bounds on `ratio`, and the multiset
    overlap behind `quick_ratio` bounds containment, so most pairs never reach `ratio()`.
    """
    if not a or not b:
        return _Score(1.0, 1.0) if a == b else None
    total, shorter = len(a) + len(b), min(len(a), len(b))
    if not contain_ok and 2.0 * shorter / total < min_ratio:
        return None  # real_quick_ratio(), before touching the matcher
    sm.set_seq1(a)
    quick = sm.quick_ratio()
    if quick < min_ratio and (not contain_ok or quick * total / 2 / shorter < CONTAIN_SHARE):
        return None
    blocks = sm.get_matching_blocks()
    ratio = 2.0 * sum(size for *_, size in blocks) / total
    runs = sum(size for *_, size in blocks if size >= CONTAIN_MIN_RUN)
    containment = runs / shorter if contain_ok else 0.0
    if ratio >= min_ratio or containment >= CONTAIN_SHARE:
        return _Score(ratio, containment)
    return None


def _candidates(olds: list[int], news: list[int], old: _Blocks, new: _Blocks) -> list[tuple[int, int]]:
    """Pairs worth scoring: all of them for small sets, else pairs sharing a rare word (inverted index)."""
    if len(olds) * len(news) <= ALL_PAIRS_LIMIT:
        return [(i, j) for i in olds for j in news]
    df: Counter[str] = Counter()
    for i in olds:
        df.update(old.vocab(i))
    for j in news:
        df.update(new.vocab(j))
    index: dict[str, list[int]] = defaultdict(list)
    for i in olds:
        for word in sorted(old.vocab(i), key=lambda w: (df[w], w))[:RARE_WORDS_PER_BLOCK * 4]:
            index[word].append(i)
    pairs: list[tuple[int, int]] = []
    for j in news:
        hits: Counter[int] = Counter()
        for word in sorted(new.vocab(j), key=lambda w: (df[w], w))[:RARE_WORDS_PER_BLOCK]:
            hits.update(index.get(word, ()))
        pairs.extend((i, j) for i, _ in hits.most_common(CANDIDATES_PER_BLOCK))
    return pairs


class _Aligner:
    def __init__(self, old_keys: Sequence[str], new_keys: Sequence[str], min_move_words: int) -> None:
        self.old = _Blocks(old_keys)
        self.new = _Blocks(new_keys)
        self.min_move_words = min_move_words
        self.free_old = set(range(len(old_keys)))
        self.free_new = set(range(len(new_keys)))
        self.matches: list[Match] = []

    def take(self, match: Match) -> None:
        self.free_old.difference_update(match.old if match.kind != "duplicated" else ())
        self.free_new.difference_update(match.new)
        self.matches.append(match)

    def run(self) -> Alignment:
        unchanged = self.exact()
        self.free_old.difference_update(i for i, _ in unchanged)
        self.free_new.difference_update(j for _, j in unchanged)
        bounds = [(-1, -1), *unchanged, (len(self.old.keys), len(self.new.keys))]
        for (o0, n0), (o1, n1) in zip(bounds, bounds[1:]):
            olds = sorted(i for i in range(o0 + 1, o1) if i in self.free_old)
            news = sorted(j for j in range(n0 + 1, n1) if j in self.free_new)
            if olds and news:
                candidates = _candidates(olds, news, self.old, self.new)
                self.split_merge(candidates, set(olds), set(news))
                self.pair(candidates, kind="changed")
        # Leftovers from different gaps: an edited block that also moved.
        long_old = sorted(i for i in self.free_old if self.old.words(i) >= self.min_move_words)
        long_new = sorted(j for j in self.free_new if self.new.words(j) >= self.min_move_words)
        old_gap, new_gap = [i for i, _ in unchanged], [j for _, j in unchanged]
        self.pair([(i, j) for i, j in _candidates(long_old, long_new, self.old, self.new)
                   if bisect.bisect(old_gap, i) != bisect.bisect(new_gap, j)], kind="moved")
        for i in sorted(self.free_old):
            self.matches.append(Match("removed", (i,), ()))
        for j in sorted(self.free_new):
            self.matches.append(Match("added", (), (j,)))
        return Alignment(tuple(unchanged), tuple(self.matches))

    def exact(self) -> list[tuple[int, int]]:
        """Pair equal keys, keep the longest in-order subset as unchanged; the rest move or duplicate."""
        ok, nk = self.old.keys, self.new.keys
        old_pos: dict[str, list[int]] = defaultdict(list)
        new_pos: dict[str, list[int]] = defaultdict(list)
        for i, k in enumerate(ok):
            old_pos[k].append(i)
        for j, k in enumerate(nk):
            new_pos[k].append(j)
        unique = sorted((ix[0], new_pos[k][0]) for k, ix in old_pos.items()
                        if len(ix) == 1 and len(new_pos.get(k, ())) == 1)
        anchors = [unique[p] for p in lis([j for _, j in unique])]
        pairs = list(anchors)
        bounds = [(-1, -1), *anchors, (len(ok), len(nk))]
        for (o0, n0), (o1, n1) in zip(bounds, bounds[1:]):
            if o1 - o0 > 1 and n1 - n0 > 1:
                sm = SequenceMatcher(None, ok[o0 + 1:o1], nk[n0 + 1:n1], autojunk=False)
                pairs.extend((o0 + 1 + a + t, n0 + 1 + b + t)
                             for a, b, size in sm.get_matching_blocks() for t in range(size))
        # Equal keys the in-order pass could not use: out-of-order candidates, earliest first,
        # so the surplus copies left unpaired in new are the later ones.
        used_old = {i for i, _ in pairs}
        used_new = {j for _, j in pairs}
        surplus: list[int] = []
        for k, ix in new_pos.items():
            rest_old = [i for i in old_pos.get(k, ()) if i not in used_old]
            rest_new = [j for j in ix if j not in used_new]
            pairs.extend(zip(rest_old, rest_new))
            surplus.extend(rest_new[len(rest_old):])
        pairs.sort()
        keep = set(lis([j for _, j in pairs]))
        for p, (i, j) in enumerate(pairs):
            if p in keep:
                continue
            # Out-of-order exact matches must be named by a change (nothing may be unchanged out of
            # order). Short ones ("Advertisement", "Photo: AP") are usually boilerplate reshuffled by
            # the page template, so they are reported as removed + added rather than as moves.
            if self.old.words(i) >= self.min_move_words:
                self.take(Match("moved", (i,), (j,), 1.0, edited=False))
            else:
                self.take(Match("removed", (i,), ()))
                self.take(Match("added", (), (j,)))
        first_new: dict[str, int] = {}
        for j in sorted(surplus):
            k = nk[j]
            if old_pos.get(k):
                self.take(Match("duplicated", (old_pos[k][0],), (j,), 1.0, edited=False))
            elif k in first_new:
                self.take(Match("duplicated", (), (j,), 1.0, edited=False, copy_of=first_new[k]))
            else:
                first_new[k] = j  # new text: its first copy is added (or pairs with an edit)
        return [pairs[p] for p in sorted(keep)]

    def split_merge(self, candidates: list[tuple[int, int]], olds: set[int], news: set[int]) -> None:
        """One block became 2+ consecutive blocks (split) or the reverse (merged), within one gap.

        Each candidate pair (i, j) starts a run of consecutive gap blocks at j (split of i) and
        at i (merge into j); runs are joined token lists scored against the single block.
        """
        starts: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, j in candidates:
            starts["split", i].append(j)
            starts["merged", j].append(i)
        found: list[tuple[float, str, int, tuple[int, ...]]] = []
        for (kind, one), firsts in starts.items():
            whole_side, parts_side, free = ((self.old, self.new, news) if kind == "split"
                                            else (self.new, self.old, olds))
            whole = whole_side.tokens(one)
            sm = _matcher(whole)
            for start in firsts:
                run = [start]
                joined = list(parts_side.tokens(start))
                while len(run) < SPLIT_MAX_PARTS and run[-1] + 1 in free:
                    run.append(run[-1] + 1)
                    joined += parts_side.tokens(run[-1])
                    if len(joined) * 2 > len(whole) * 3:
                        break  # ratio >= 0.8 needs lengths within 2:3
                    score = _score(sm, joined, whole, False, SPLIT_RATIO)
                    if score is not None:
                        found.append((score.ratio, kind, one, tuple(run)))
        found.sort(key=lambda f: (-f[0], f[1], f[2], f[3]))
        for ratio, kind, one, parts in found:
            old_ix, new_ix = ((one,), parts) if kind == "split" else (parts, (one,))
            if not (set(old_ix) <= self.free_old and set(new_ix) <= self.free_new):
                continue
            # The split must explain the block better than any one part does; otherwise it is an
            # edit of one part next to an unrelated new block.
            whole_side, parts_side = (self.old, self.new) if kind == "split" else (self.new, self.old)
            sm = _matcher(whole_side.tokens(one))
            if all(_part_ratio(sm, parts_side.tokens(p)) < ratio for p in parts):
                self.take(Match(kind, old_ix, new_ix, round(ratio, 4)))

    def pair(self, candidates: list[tuple[int, int]], *, kind: str) -> None:
        """Greedy best-first one-to-one pairing of similar free blocks among *candidates*."""
        by_new: dict[int, list[int]] = defaultdict(list)
        for i, j in candidates:
            if i in self.free_old and j in self.free_new:
                by_new[j].append(i)
        scored: list[tuple[tuple[float, float], int, int, float]] = []
        for j, olds in by_new.items():
            new_tokens = self.new.tokens(j)
            sm = _matcher(new_tokens)
            for i in olds:
                contain_ok = min(self.old.words(i), self.new.words(j)) >= CONTAIN_MIN_WORDS
                score = _score(sm, self.old.tokens(i), new_tokens, contain_ok, PAIR_RATIO)
                if score is not None:
                    scored.append((score.rank, i, j, score.ratio))
        scored.sort(key=lambda s: (-s[0][0], -s[0][1], s[1], s[2]))
        for _, i, j, ratio in scored:
            if i in self.free_old and j in self.free_new:
                self.take(Match(kind, (i,), (j,), round(ratio, 4)))


def _part_ratio(sm: SequenceMatcher[str], part: list[str]) -> float:
    sm.set_seq1(part)
    return sm.ratio()


def align(old_keys: Sequence[str], new_keys: Sequence[str], *, min_move_words: int = 4) -> Alignment:
    """Align two versions' block keys; every index of both sides ends up unchanged or in one match."""
    return _Aligner(old_keys, new_keys, min_move_words).run()
