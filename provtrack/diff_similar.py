"""How alike two blocks are: shared sentences, token similarity, containment; candidate pairs. Pure.

Used by `provtrack.align` after exact matching. The thresholds were chosen on a development corpus
(600 cases from tests/fixtures/diffcorpus/make_corpus.py --seed 7 --cases 600: generated article
edits, strictly labelled) by sweeping each one with the others fixed; the comments give the
error-free range and why the value sits where it does in it. The committed corpus (the default
seed, plus hand-written cases) is the test set. Standard library only.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Callable, Iterable, Sequence, TypeVar, cast

from provtrack.diff_keys import normalize_many
from provtrack.diff_seq import Budget, matching_blocks
from provtrack.diff_tokens import content_tokens, is_word, iter_content_tokens, sentence_fold, sentences
from provtrack.model import normalize_text

T = TypeVar("T")

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


class TextMemo:
    """What the differ derives from one normalised text (tokens, word counts, sentences), by text.

    One memo can serve many diffs: consecutive versions of an article share most of their
    blocks, so a history walk tokenises each distinct text once. `retain` keeps it small: a walk
    only ever needs the texts of the two versions at hand.
    """

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}  # raw block text -> normalize_text(text)
        self._tokens: dict[str, list[str]] = {}
        self._distinct: dict[str, frozenset[str]] = {}
        self._vocab: dict[str, set[str]] = {}
        self._words: dict[str, int] = {}
        self._sentences: dict[str, tuple[Counter[tuple[str, ...]], int]] = {}
        self._other: dict[tuple[str, str], Any] = {}
        self._frequencies: dict[tuple[str, ...], Counter[str]] = {}  # see document_frequency

    def __len__(self) -> int:
        """Texts remembered (roughly: entries of the largest tables)."""
        return len(self.keys) + len(self._tokens) + len(self._other)

    def retain(self, texts: Iterable[str]) -> None:
        """Forget everything that is not about one of *texts* (raw block texts or keys)."""
        keep = set(texts)
        for table in (self.keys, self._tokens, self._distinct, self._vocab, self._words, self._sentences):
            for gone in [t for t in table if t not in keep]:
                del table[gone]
        self._other = {k: v for k, v in self._other.items() if k[1] in keep}

    def keys_of(self, texts: list[str]) -> list[str]:
        """`key` of each of *texts*; the texts not met before are normalised together (`normalize_many`)."""
        keys = self.keys
        unknown = [text for text in dict.fromkeys(texts) if text not in keys]
        keys.update(zip(unknown, normalize_many(unknown)))
        return list(map(keys.__getitem__, texts))

    def key(self, text: str) -> str:
        key = self.keys.get(text)
        if key is None:
            key = self.keys[text] = normalize_text(text)
        return key

    def tokens(self, key: str) -> list[str]:
        tokens = self._tokens.get(key)
        if tokens is None:
            tokens = self._tokens[key] = content_tokens(key)
        return tokens

    def get(self, what: str, text: str, make: Callable[[str], T]) -> T:
        """`make(text)`, remembered under (*what*, *text*): for values other modules derive from one text."""
        found = self._other.get((what, text))
        if found is None:
            found = self._other[what, text] = make(text)
        return cast(T, found)

    def distinct(self, key: str) -> frozenset[str]:
        found = self._distinct.get(key)
        if found is None:
            found = self._distinct[key] = frozenset(self.tokens(key))
        return found

    def vocab(self, key: str) -> set[str]:
        found = self._vocab.get(key)
        if found is None:
            found = self._vocab[key] = {t.casefold() for t in self.tokens(key) if is_word(t)}
        return found

    def words(self, key: str) -> int:
        found = self._words.get(key)
        if found is None:
            found = self._words[key] = sum(1 for t in self.tokens(key) if is_word(t))
        return found

    def knows_words(self, key: str) -> bool:
        return key in self._words or key in self._tokens

    def document_frequency(self, keys: tuple[str, ...]) -> Counter[str]:
        """In how many of *keys* each token occurs. A history walk asks for one version's sample
        twice running (as the new side of one diff and the old side of the next): the last few
        answers are kept."""
        found = self._frequencies.get(keys)
        if found is None:
            found = Counter(itertools.chain.from_iterable(map(self.distinct, keys)))
            if len(self._frequencies) >= 4:
                self._frequencies.pop(next(iter(self._frequencies)))
            self._frequencies[keys] = found
        return found

    def sentences(self, key: str) -> tuple[Counter[tuple[str, ...]], int]:
        found = self._sentences.get(key)
        if found is None:
            folds = [sentence_fold(s) for s in sentences(key)]
            found = self._sentences[key] = (Counter(f for f in folds if len(f) >= SENTENCE_MIN_WORDS),
                                            sum(map(len, folds)))
        return found


class Blocks:
    """One side's keys with lazily derived tokens: most blocks match exactly and are never tokenised.

    Derived values come from a `TextMemo` (shared when the caller passes one); `tokenized`
    counts the tokens of every block of this side asked for, the fuzzy stages' work budget.
    """

    def __init__(self, keys: Sequence[str], memo: TextMemo | None = None) -> None:
        self.keys = keys
        self.memo = memo if memo is not None else TextMemo()
        # per block, what the memo gave (the fuzzy stages ask for the same blocks many times)
        self._tokens: dict[int, list[str]] = {}
        self._distinct: dict[int, frozenset[str]] = {}
        self._vocab: dict[int, set[str]] = {}
        self._words: dict[int, int] = {}
        self._sentences: dict[int, tuple[Counter[tuple[str, ...]], int]] = {}
        self._informative: dict[int, list[str]] = {}
        #: the template tokens of this diff (see `set_template`), computed on first use
        self.template_of: Callable[[], frozenset[str]] = frozenset
        self.tokenized = 0  # tokens produced so far (the fuzzy stages' work budget)

    def tokens(self, i: int) -> list[str]:
        found = self._tokens.get(i)
        if found is None:
            found = self._tokens[i] = self.memo.tokens(self.keys[i])
            self.tokenized += len(found)
        return found

    def informative(self, i: int) -> list[str]:
        """Tokens without the template tokens."""
        found = self._informative.get(i)
        if found is None:
            template = self.template_of()
            found = self._informative[i] = [t for t in self.tokens(i) if t not in template]
        return found

    def distinct(self, i: int) -> frozenset[str]:
        found = self._distinct.get(i)
        if found is None:
            self.tokens(i)
            found = self._distinct[i] = self.memo.distinct(self.keys[i])
        return found

    def vocab(self, i: int) -> set[str]:
        """Distinct casefolded words."""
        found = self._vocab.get(i)
        if found is None:
            self.tokens(i)
            found = self._vocab[i] = self.memo.vocab(self.keys[i])
        return found

    def words(self, i: int) -> int:
        found = self._words.get(i)
        if found is None:
            self.tokens(i)
            found = self._words[i] = self.memo.words(self.keys[i])
        return found

    def has_words(self, i: int, count: int) -> bool:
        """words(i) >= count, without tokenising the whole block when it is long (or was never needed)."""
        if i in self._words:
            return self._words[i] >= count
        key = self.keys[i]
        if self.memo.knows_words(key):
            return self.memo.words(key) >= count
        found = 0
        for token in iter_content_tokens(key):
            if found >= count:
                break
            found += is_word(token)
        return found >= count

    def sentences(self, i: int) -> Counter[tuple[str, ...]]:
        """Countable sentences (as casefolded word tuples) of block i."""
        found = self._sentences.get(i)
        if found is None:
            found = self._sentences[i] = self.memo.sentences(self.keys[i])
        return found[0]

    def sentence_words(self, i: int) -> int:
        self.sentences(i)
        return self._sentences[i][1]


def set_template(old: Blocks, new: Blocks) -> None:
    """Let both sides find their template tokens when first asked (most diffs never ask)."""
    if len(old.keys) + len(new.keys) >= TEMPLATE_MIN_BLOCKS:
        old.template_of = new.template_of = functools.cache(lambda: template_tokens(old, new))


def template_tokens(old: Blocks, new: Blocks) -> frozenset[str]:
    """The template tokens of both versions (a spread sample of blocks for long documents)."""
    step = max(1, (len(old.keys) + len(new.keys)) // TEMPLATE_SAMPLE)
    samples = [tuple(side.keys[::step]) for side in (old, new)]
    df = old.memo.document_frequency(samples[0]) + old.memo.document_frequency(samples[1])
    limit = TEMPLATE_SHARE * (len(samples[0]) + len(samples[1]))
    return frozenset(t for t, n in df.items() if n > limit)


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


def alike(old_key: str, new_key: str, memo: TextMemo, *, min_ratio: float = PAIR_RATIO) -> bool:
    """Whether two normalised texts are the same block edited, by the test `align` pairs blocks with.

    Shared sentences (Dice >= SENTENCE_DICE, or every sentence of the shorter one in the
    longer) or token similarity (ratio >= *min_ratio*, or containment) qualify.
    """
    old, new = Blocks([old_key], memo), Blocks([new_key], memo)
    dice, contain = sentence_score(old, 0, new, 0)
    if dice >= SENTENCE_DICE or (
            contain >= 1.0 and min(old.sentence_words(0), new.sentence_words(0)) >= CONTAIN_MIN_WORDS):
        return True
    contain_ok = min(old.words(0), new.words(0)) >= CONTAIN_MIN_WORDS
    a, b = old.tokens(0), new.tokens(0)
    return score(matcher(b), a, b, contain_ok, min_ratio, Budget()) is not None
