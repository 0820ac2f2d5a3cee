"""How alike two blocks are: shared sentences, token similarity, containment; candidate pairs. Pure.

Used by `provtrack.align` after exact matching. The thresholds were chosen on a development corpus
(600 cases from tests/fixtures/diffcorpus/make_corpus.py --seed 7 --cases 600: generated article
edits, strictly labelled) by sweeping each one with the others fixed; the comments give the
error-free range and why the value sits where it does in it. The committed corpus (the default
seed, plus hand-written cases) is the test set. Standard library only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Sequence

from provtrack.diff_seq import Budget, matching_blocks
from provtrack.diff_tokens import content_tokens, is_word, iter_content_tokens, sentence_fold, sentences

# Token-similarity pairing: SequenceMatcher.ratio over the informative tokens (words and
# punctuation, template tokens left out). On the development corpus unrelated paragraphs of one
# article, including hard negatives written around the old paragraph's names and figures, score
# at most 0.38 (95th percentile 0.17); edited paragraphs score 0.29-1.0, 5th percentile 0.51 (the
# low tail is paragraphs with half their sentences rewritten, which pair on shared sentences).
# 0.35-0.5 make no errors, 0.55 and 0.6 three each (heavy edits missed). 0.5 rather than the
# middle: it keeps 0.12 above the worst unrelated pair, and what it misses the sentence stage
# still pairs.
PAIR_RATIO = 0.5
# An expanded paragraph has a low ratio (the new one may be 3x longer) but keeps nearly all of
# the old tokens in runs: this share of the shorter block, counted only in runs of >= 2 tokens
# (scattered single-word hits are chance), and only when the shorter block has >= 5 words,
# because short blocks are "contained" in almost anything. Unrelated pairs reach 0.75 on the
# corpus (98th percentile 0.2); no value from 0.6 to 1.0 makes an error there, because shared
# sentences pair most expansions first: 0.85, above every unrelated pair.
CONTAIN_SHARE = 0.85
CONTAIN_MIN_WORDS = 5
CONTAIN_MIN_RUN = 2
# Sentence pairing: sentences are compared by their casefolded words, and only sentences of at
# least 4 words count ("He said." is not evidence). Two blocks pair when the words of the
# sentences they share make up this share of both blocks together (Dice). Reordered paragraphs
# score 1.0, half-rewritten ones 0.37-0.55; 0.2-0.35 make no errors, 0.4 three, 0.5 eighteen. 0.3
# stays above what one shared boilerplate sentence gives two different paragraphs (about 0.25
# for a 10-word sentence in two 40-word paragraphs). A block whose every countable sentence
# reappears in a longer one pairs too (an expansion), if it has >= CONTAIN_MIN_WORDS words.
SENTENCE_MIN_WORDS = 4
SENTENCE_DICE = 0.3
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
MAX_POSTING = 64
# Template tokens: in a page built on a pattern (election results, scores, live-blog stamps) the
# pattern's words ("won with", "votes", "Turnout was") are in most blocks and make unrelated
# blocks look alike (ratio 0.55-0.71 between results of different wards). Tokens found in more
# than this share of all blocks of both versions (if there are at least TEMPLATE_MIN_BLOCKS)
# are left out when deciding whether two blocks pair; the reported similarity still counts
# every token. In ordinary articles this only removes punctuation and the commonest function
# words. 0.2-0.6 make no errors, 0.8 twenty-seven, none at all (1.0) forty-two: 0.4.
TEMPLATE_SHARE = 0.4
TEMPLATE_MIN_BLOCKS = 8
TEMPLATE_SAMPLE = 100  # blocks tokenised to find them, spread over both versions (+-0.05 on the share)
# Above this many tokens a pair's matching runs come from the anchored matcher, not SequenceMatcher
# (quadratic on long repetitive text).
LONG_TOKENS = 3000


class Blocks:
    """One side's keys with lazily cached tokens: most blocks match exactly and are never tokenised."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self._tokens: dict[int, list[str]] = {}
        self._vocab: dict[int, set[str]] = {}
        self._distinct: dict[int, frozenset[str]] = {}
        self._words: dict[int, int] = {}
        self._sentences: dict[int, Counter[tuple[str, ...]]] = {}
        self._sentence_words: dict[int, int] = {}
        self._informative: dict[int, list[str]] = {}
        self.template: frozenset[str] = frozenset()
        self.tokenized = 0  # tokens produced so far (the fuzzy stages' work budget)

    def tokens(self, i: int) -> list[str]:
        if i not in self._tokens:
            self._tokens[i] = content_tokens(self.keys[i])
            self.tokenized += len(self._tokens[i])
        return self._tokens[i]

    def informative(self, i: int) -> list[str]:
        """Tokens without the template tokens."""
        if i not in self._informative:
            self._informative[i] = [t for t in self.tokens(i) if t not in self.template]
        return self._informative[i]

    def distinct(self, i: int) -> frozenset[str]:
        if i not in self._distinct:
            self._distinct[i] = frozenset(self.tokens(i))
        return self._distinct[i]

    def vocab(self, i: int) -> set[str]:
        """Distinct casefolded words."""
        if i not in self._vocab:
            self._vocab[i] = {t.casefold() for t in self.tokens(i) if is_word(t)}
        return self._vocab[i]

    def words(self, i: int) -> int:
        if i not in self._words:
            self._words[i] = sum(1 for t in self.tokens(i) if is_word(t))
        return self._words[i]

    def has_words(self, i: int, count: int) -> bool:
        """words(i) >= count, without tokenising the whole block when it is long (or was never needed)."""
        if i in self._words or i in self._tokens:
            return self.words(i) >= count
        found = 0
        for token in iter_content_tokens(self.keys[i]):
            if found >= count:
                break
            found += is_word(token)
        return found >= count

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


def set_template(old: Blocks, new: Blocks) -> None:
    """Find the template tokens of both versions (a spread sample of blocks for long documents)."""
    total = len(old.keys) + len(new.keys)
    if total < TEMPLATE_MIN_BLOCKS:
        return
    step = max(1, total // TEMPLATE_SAMPLE)
    df: Counter[str] = Counter()
    sampled = 0
    for side in (old, new):
        for i in range(0, len(side.keys), step):
            df.update(set(content_tokens(side.keys[i])))
            sampled += 1
    template = frozenset(t for t, n in df.items() if n > TEMPLATE_SHARE * sampled)
    old.template = new.template = template


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


def informative_pair(old: Blocks, i: int, new: Blocks, j: int) -> tuple[list[str], list[str]]:
    """The token lists a pairing decision compares: informative ones, or all if either has < 3 left."""
    a, b = old.informative(i), new.informative(j)
    if len(a) < 3 or len(b) < 3:
        return old.tokens(i), new.tokens(j)
    return a, b


def ratio(a: list[str], b: list[str], budget: Budget) -> float:
    """SequenceMatcher-style ratio of two token lists (anchored matcher for long ones)."""
    if not a and not b:
        return 1.0
    sm = matcher(b)
    sm.set_seq1(a)
    return 2.0 * sum(size for *_, size in runs(sm, a, b, budget)) / (len(a) + len(b))


def overlap_share(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of *part*'s distinct tokens that also occur in *whole* (an upper bound, for filtering)."""
    return len(part & whole) / len(part) if part else 0.0


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
    rarity = df.__getitem__  # sorted alphabetically first, so ties break the same way every time
    index: dict[str, list[int]] = defaultdict(list)
    for i in olds:
        for word in sorted(sorted(old.vocab(i)), key=rarity)[:RARE_WORDS_PER_BLOCK * 4]:
            index[word].append(i)
    pairs = sentence_pairs(olds, news, old, new)
    for j in news:
        hits: Counter[int] = Counter()
        for word in sorted(sorted(new.vocab(j)), key=rarity)[:RARE_WORDS_PER_BLOCK]:
            posting = index.get(word, ())
            if len(posting) <= MAX_POSTING:  # a word in that many blocks tells nothing apart
                hits.update(posting)
        best = hits if len(hits) <= CANDIDATES_PER_BLOCK else dict(hits.most_common(CANDIDATES_PER_BLOCK))
        pairs.update((i, j) for i in best)
    return sorted(pairs)
