"""How alike two blocks are: shared sentences, token similarity, containment; candidate pairs. Pure.

Used by `provtrack.align` after exact matching. Every threshold here was chosen on the labelled
corpus in tests/fixtures/diffcorpus (generated edit pairs plus hand-written cases); the comments
give the score ranges seen there. Standard library only.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Sequence

from provtrack.diff_seq import Budget, matching_blocks
from provtrack.diff_tokens import content_tokens, is_word, sentence_fold, sentences

# Token-similarity pairing (SequenceMatcher.ratio over words and punctuation). On the corpus,
# unrelated paragraphs of one article, even on the same topic with the same names, score
# 0.08-0.42 (median 0.2); light edits (a figure, a name, a clause) 0.85+, a reworded sentence
# 0.65-0.8, a paragraph that lost or gained a third of its text 0.55-0.7. 0.5 sits in the gap.
PAIR_RATIO = 0.5
# An expanded paragraph has a low ratio (the new one may be 3x longer) but keeps nearly all of
# the old tokens in runs: 0.8 of the shorter block, counted only in runs of >= 2 tokens
# (scattered single-word hits are chance: unrelated pairs reach 0.43), and only when the shorter
# block has >= 5 words, because short blocks are "contained" in almost anything.
CONTAIN_SHARE = 0.8
CONTAIN_MIN_WORDS = 5
CONTAIN_MIN_RUN = 2
# Sentence pairing: sentences are compared by their casefolded words, and only sentences of at
# least 4 words count ("He said." is not evidence). Two blocks pair when the words in shared
# sentences make up half of both blocks together (Dice); reordered or partly rewritten
# paragraphs score 0.5-1.0 on the corpus while unrelated ones share at most a boilerplate
# sentence (<= 0.35). A block whose every countable sentence reappears in a longer one pairs
# too (an expansion), if it has >= CONTAIN_MIN_WORDS words.
SENTENCE_MIN_WORDS = 4
SENTENCE_DICE = 0.5
# One block is "approximately" the concatenation of several when the joined ratio is this high;
# each part must have most of its tokens in the whole (a cheap filter before joining).
SPLIT_RATIO = 0.8
SPLIT_PART_SHARE = 0.6
SPLIT_MAX_PARTS = 8
# Compare every pair in a gap up to this many pairs; beyond it, only pairs sharing a sentence or
# a rare word (inverted index), at most CANDIDATES_PER_BLOCK per block.
ALL_PAIRS_LIMIT = 2500
RARE_WORDS_PER_BLOCK = 8
CANDIDATES_PER_BLOCK = 8
# Above this many tokens a pair's matching runs come from the anchored matcher, not SequenceMatcher
# (quadratic on long repetitive text).
LONG_TOKENS = 3000


class Blocks:
    """One side's keys with lazily cached tokens: most blocks match exactly and are never tokenised."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self._tokens: dict[int, list[str]] = {}
        self._vocab: dict[int, set[str]] = {}
        self._counts: dict[int, Counter[str]] = {}
        self._words: dict[int, int] = {}
        self._sentences: dict[int, Counter[tuple[str, ...]]] = {}
        self._sentence_words: dict[int, int] = {}
        self.tokenized = 0  # tokens produced so far (the fuzzy stages' work budget)

    def tokens(self, i: int) -> list[str]:
        if i not in self._tokens:
            self._tokens[i] = content_tokens(self.keys[i])
            self.tokenized += len(self._tokens[i])
        return self._tokens[i]

    def counts(self, i: int) -> Counter[str]:
        if i not in self._counts:
            self._counts[i] = Counter(self.tokens(i))
        return self._counts[i]

    def vocab(self, i: int) -> set[str]:
        """Distinct casefolded words."""
        if i not in self._vocab:
            self._vocab[i] = {t.casefold() for t in self.tokens(i) if is_word(t)}
        return self._vocab[i]

    def words(self, i: int) -> int:
        if i not in self._words:
            self._words[i] = sum(1 for t in self.tokens(i) if is_word(t))
        return self._words[i]

    def sentences(self, i: int) -> Counter[tuple[str, ...]]:
        """Countable sentences (as casefolded word tuples) of block i."""
        if i not in self._sentences:
            folds = [sentence_fold(s) for s in sentences(self.keys[i])]
            self._sentence_words[i] = sum(map(len, folds))
            self._sentences[i] = Counter(f for f in folds if len(f) >= SENTENCE_MIN_WORDS)
        return self._sentences[i]

    def sentence_words(self, i: int) -> int:
        self.sentences(i)
        return self._sentence_words[i]


@dataclass(frozen=True)
class Score:
    ratio: float
    containment: float

    @property
    def rank(self) -> float:
        return max(self.ratio, self.containment)


def matcher(b: list[str]) -> SequenceMatcher[str]:
    """A matcher holding *b* as its second sequence; difflib caches b's index, so one serves many a's."""
    sm: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    sm.set_seq2(b)
    return sm


def runs(sm: SequenceMatcher[str], a: list[str], b: list[str], budget: Budget) -> list[tuple[int, int, int]]:
    """Matching runs of a (already the matcher's seq1) and b; the anchored matcher for long inputs."""
    if len(a) + len(b) > LONG_TOKENS:
        return matching_blocks(a, b, budget=budget, what="a long paragraph's tokens")
    return [m for m in sm.get_matching_blocks() if m.size]


def score(sm: SequenceMatcher[str], a: list[str], b: list[str], contain_ok: bool, min_ratio: float,
          budget: Budget) -> Score | None:
    """Ratio and containment of *a* against *b* (already the matcher's seq2), or None when neither can pass.

    `real_quick_ratio` and `quick_ratio` are cheap upper bounds on `ratio`, and the multiset
    overlap behind `quick_ratio` bounds containment, so most pairs never reach the matching runs.
    """
    if not a or not b:
        return Score(1.0, 1.0) if a == b else None
    total, shorter = len(a) + len(b), min(len(a), len(b))
    sm.set_seq1(a)
    if not contain_ok and sm.real_quick_ratio() < min_ratio:
        return None
    quick = sm.quick_ratio()
    if quick < min_ratio and (not contain_ok or quick * total / 2 / shorter < CONTAIN_SHARE):
        return None
    blocks = runs(sm, a, b, budget)
    ratio = 2.0 * sum(size for *_, size in blocks) / total
    kept = sum(size for *_, size in blocks if size >= CONTAIN_MIN_RUN)
    containment = kept / shorter if contain_ok else 0.0
    if ratio >= min_ratio or containment >= CONTAIN_SHARE:
        return Score(ratio, containment)
    return None


def ratio(a: list[str], b: list[str], budget: Budget) -> float:
    """SequenceMatcher-style ratio of two token lists (anchored matcher for long ones)."""
    if not a and not b:
        return 1.0
    sm = matcher(b)
    sm.set_seq1(a)
    return 2.0 * sum(size for *_, size in runs(sm, a, b, budget)) / (len(a) + len(b))


def overlap_share(part: Counter[str], whole: Counter[str]) -> float:
    """Share of *part*'s tokens (as a multiset) that also occur in *whole*."""
    total = sum(part.values())
    return sum(min(n, whole[t]) for t, n in part.items()) / total if total else 0.0


def sentence_score(old: Blocks, i: int, new: Blocks, j: int) -> tuple[float, float]:
    """(Dice, containment) of the words in sentences blocks i and j share."""
    a, b = old.sentences(i), new.sentences(j)
    if len(a) > len(b):
        a, b = b, a
    shared = sum(len(s) * min(n, b[s]) for s, n in a.items() if s in b)
    if not shared:
        return 0.0, 0.0
    wi, wj = old.sentence_words(i), new.sentence_words(j)
    return 2.0 * shared / (wi + wj), shared / min(wi, wj)


def sentence_pairs(olds: Iterable[int], news: Iterable[int], old: Blocks, new: Blocks) -> set[tuple[int, int]]:
    """Pairs of blocks that share at least one countable sentence (inverted index)."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in olds:
        for s in old.sentences(i):
            index[s].append(i)
    pairs: set[tuple[int, int]] = set()
    for j in news:
        for s in new.sentences(j):
            hits = index.get(s, ())
            if len(hits) <= CANDIDATES_PER_BLOCK:  # a sentence in many blocks is boilerplate
                pairs.update((i, j) for i in hits)
    return pairs


def candidates(olds: list[int], news: list[int], old: Blocks, new: Blocks) -> list[tuple[int, int]]:
    """Pairs worth scoring: all of them for small sets, else pairs sharing a sentence or a rare word."""
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
    pairs = sentence_pairs(olds, news, old, new)
    for j in news:
        hits: Counter[int] = Counter()
        for word in sorted(new.vocab(j), key=lambda w: (df[w], w))[:RARE_WORDS_PER_BLOCK]:
            hits.update(index.get(word, ()))
        pairs.update((i, j) for i, _ in hits.most_common(CANDIDATES_PER_BLOCK))
    return sorted(pairs)


def heaviest_increasing(pairs: Sequence[tuple[int, int, float]]) -> list[int]:
    """Positions of a maximum-weight subset of (i, j, weight) pairs increasing in both i and j.

    A weighted LIS (Fenwick tree of prefix maxima over j), O(n log n): within a gap, edits pair
    in reading order unless a crossing pair is clearly better, which then becomes a move.
    """
    order = sorted(range(len(pairs)), key=lambda p: (pairs[p][0], -pairs[p][1]))
    js = sorted({j for _, j, _ in pairs})
    tree: list[tuple[float, int]] = [(0.0, -1)] * (len(js) + 1)
    best: list[float] = [0.0] * len(pairs)
    prev: list[int] = [-1] * len(pairs)
    for p in order:
        _, j, weight = pairs[p]
        rank = bisect.bisect_left(js, j)  # prefix over ranks < rank: strictly smaller j
        top, k = (0.0, -1), rank
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
