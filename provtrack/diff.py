"""Paragraph-level diff of two block lists, with word-level edit scripts and change tags. Pure.

Alignment (which block became which) lives in `provtrack.align`; word diffs in
`provtrack.diff_words`; this module turns an alignment into `Change` values. Standard library only.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Sequence

from provtrack.align import Alignment, Match, align_blocks
from provtrack.diff_rejoin import rejoin
from provtrack.diff_seq import Budget, matching_blocks
from provtrack.diff_tokens import content_tokens, cosmetic_fold, is_word
from provtrack.diff_similar import Blocks, TextMemo, ratio
from provtrack.diff_words import scored_edit_script, word_diff
from provtrack.diff_tokens import keyed_tokens
from provtrack.model import COSMETIC_TAG, Block, Change, normalize_text

__all__ = ["compute_diff", "DiffResult", "diff_blocks", "word_diff", "tag_change", "TextMemo"]

# `expanded` / `trimmed`: at least 20% and 3 words longer (shorter), keeping 80% of the shorter
# side's words; the absolute floor stops a one-word insertion in a short line ("not") counting.
GROWTH = 1.2
GROWTH_MIN_WORDS = 3
KEPT_SHARE = 0.8
# Word diffs of one comparison stop after this many characters of changed text (both sides);
# later changes get `words=None` (the renderers then show old and new text whole). A 1 MB
# paragraph diffs in ~2 s, so only inputs far beyond the benchmark's reach are cut.
MAX_WORD_DIFF_CHARS = 8_000_000

_WS = re.compile(r"\s+")
# After normalize_text every double quote style (“ ” „ « ») is '"' and every single one is "'".
_DOUBLE_QUOTED = re.compile(r'"([^"]*)(?:"|$)')
# A single quote opens after a non-word character and closes before one, so apostrophes
# (don't, Smith's) are not mistaken for quotation marks.
# (The quote is matched before the test on the character ahead of it: a pattern that starts with
# a literal is searched for at C speed, one that starts with a lookbehind is tried at every position.)
_SINGLE_QUOTED = re.compile(r"'(?<!\w')(?=\S)(.+?)(?<=\S)'(?!\w)")
_SENTENCE_END = frozenset(".!?:;")


@dataclass(frozen=True)
class DiffResult:
    """The changes between two block lists, and whether work limits made the result coarser."""

    changes: tuple[Change, ...]
    #: True when a work limit forced a coarser alignment or skipped word diffs
    coarse: bool = False
    #: what was coarsened and why, e.g. "word diff skipped for 3 changes (...)"; None when not coarse
    reason: str | None = None


_DIGIT = re.compile(r"\d")
#: numbers with the sign written before them (after normalize_text, U+2212 is "-"): a sign or digit
#: after whitespace, "(" or "[" (or at the start), matched before the test on what precedes it (as above)
_SIGNED = re.compile(r"(?:[-+](?<![^\s(\[].)\d|\d(?<![^\s(\[].))[\d.,]*")


def _numbers(tokens: list[str]) -> Counter[str]:
    return Counter(filter(_DIGIT.search, tokens))


def _quoted(text: str) -> list[str]:
    spans = [m.group(1) for m in _DOUBLE_QUOTED.finditer(text)]
    spans += [m.group(1) for m in _SINGLE_QUOTED.finditer(text)]
    return [_WS.sub(" ", s).strip() for s in spans]


def _word_flags(tokens: list[str]) -> dict[str, bool]:
    """is_word for each distinct token (long texts repeat their words)."""
    return {t: is_word(t) for t in set(tokens)}


def _words(tokens: list[str], flags: dict[str, bool]) -> list[str]:
    return [t.casefold() for t in tokens if flags[t]]


def _grew(shorter: list[str], longer: list[str]) -> bool:
    """True when *longer* adds enough words to *shorter* while keeping most of them, in order."""
    if len(longer) < max(GROWTH * len(shorter), len(shorter) + GROWTH_MIN_WORDS):
        return False
    if not shorter:
        return True
    kept = sum(size for *_, size in matching_blocks(shorter, longer))
    return kept >= KEPT_SHARE * len(shorter)


def _names(tokens: list[str], flags: dict[str, bool]) -> set[str]:
    """Capitalised words that do not start a sentence: likely names of people, places, bodies."""
    names: set[str] = set()
    sentence_start = True
    for tok in tokens:
        if flags[tok]:
            if not sentence_start and tok[0].isupper() and tok != "I":
                names.add(tok)
            sentence_start = False
        elif tok in _SENTENCE_END:
            sentence_start = True
    return names


class _Features:
    """What tagging compares of one side of an edit (a normalised text and its content tokens)."""

    __slots__ = ("key", "tokens", "numbers", "_signed", "_quoted", "_fold", "_words", "_names", "_distinct")

    def __init__(self, key: str, tokens: list[str]) -> None:
        self.key, self.tokens = key, tokens
        self.numbers = _numbers(tokens)
        self._signed: Counter[str] | None = None
        self._quoted: list[str] | None = None
        self._fold: str | None = None
        self._words: list[str] | None = None
        self._names: set[str] = set()
        self._distinct: set[str] | None = None

    @property
    def signed(self) -> Counter[str]:
        """Numbers with the sign written before them: a sign belongs to its number (-5 -> 5 is a changed figure)."""
        if self._signed is None:
            self._signed = Counter(_SIGNED.findall(self.key))
        return self._signed

    @property
    def quoted(self) -> list[str]:
        if self._quoted is None:
            self._quoted = _quoted(self.key)
        return self._quoted

    @property
    def fold(self) -> str:
        if self._fold is None:
            self._fold = cosmetic_fold(self.key)
        return self._fold

    def _flagged(self) -> None:
        flags = _word_flags(self.tokens)
        self._words = _words(self.tokens, flags)
        self._names = _names(self.tokens, flags)

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._flagged()
        assert self._words is not None
        return self._words

    @property
    def names(self) -> set[str]:
        if self._words is None:
            self._flagged()
        return self._names

    @property
    def distinct(self) -> set[str]:
        if self._distinct is None:
            self._distinct = set(self.tokens)
        return self._distinct


def tag_change(old_text: str, new_text: str) -> tuple[str, ...]:
    """Tags for an edited block: 'numbers', 'quotes', 'cosmetic', 'expanded', 'trimmed', 'names'.

    Sorted and unique, computed on `normalize_text` of both sides (as the word diff is). 'cosmetic'
    (only case, punctuation, whitespace or quote style changed) comes alone; identical texts after
    `normalize_text` get no tags.
    """
    old, new = normalize_text(old_text), normalize_text(new_text)
    return _tags(_Features(old, content_tokens(old)), _Features(new, content_tokens(new)))


def _tags(old: _Features, new: _Features) -> tuple[str, ...]:
    """tag_change on the features of two normalised texts (block keys)."""
    if old.key == new.key:
        return ()
    numbers_differ = old.numbers != new.numbers or old.signed != new.signed
    # adding or removing quotation marks turns a quote into a paraphrase (or back): not cosmetic
    quotes_differ = old.quoted != new.quoted
    if not numbers_differ and not quotes_differ and old.fold == new.fold:
        return (COSMETIC_TAG,)
    tags: set[str] = set()
    if numbers_differ:
        tags.add("numbers")
    if quotes_differ:
        tags.add("quotes")
    if _grew(old.words, new.words):
        tags.add("expanded")
    if _grew(new.words, old.words):
        tags.add("trimmed")
    if (old.names - new.distinct) or (new.names - old.distinct):
        tags.add("names")
    return tuple(sorted(tags))


class _Builder:
    """Turns matches into Changes, keeping the word-diff budget of one comparison."""

    def __init__(self, old: Sequence[Block], new: Sequence[Block], old_side: Blocks, new_side: Blocks,
                 budget: Budget, *, remember: bool = False, detail: bool = True) -> None:
        self.old, self.new, self.budget = old, new, budget
        self.detail = detail  # word diffs, tags and similarities of edits (lineage tracing needs none)
        self.remember = remember  # keep tag features and word-diff tokens in the memo for later diffs
        self.old_side, self.new_side = old_side, new_side  # keys and the tokens alignment cached
        self.chars_left = MAX_WORD_DIFF_CHARS
        self.skipped = 0

    def change(self, match: Match) -> Change:
        old, new = self.old, self.new
        old_text = "\n\n".join(old[i].text for i in match.old) if match.old else None
        new_text = "\n\n".join(new[j].text for j in match.new) if match.new else None
        kind = match.kind
        if kind == "added":
            return Change(kind, new[match.new[0]].kind, (), match.new, None, new_text)
        if kind == "removed":
            return Change(kind, old[match.old[0]].kind, match.old, (), old_text, None)
        block_kind = new[match.new[0]].kind
        if kind == "duplicated":
            source = old_text if match.copy_of is None else new[match.copy_of].text
            return Change(kind, block_kind, match.old, match.new, source, new_text, similarity=1.0)
        assert old_text is not None and new_text is not None
        if not match.edited:  # exact move: nothing to diff
            return Change(kind, block_kind, match.old, match.new, old_text, new_text, similarity=1.0)
        if not self.detail:
            return Change(kind, block_kind, match.old, match.new, old_text, new_text, similarity=match.similarity)
        self.chars_left -= len(old_text) + len(new_text)
        words = None
        similarity = match.similarity
        old_features = self.features(self.old_side, match.old)
        new_features = self.features(self.new_side, match.new)
        if self.chars_left >= 0:
            # Several blocks are joined by a blank line (as the contract says for old_text), and
            # the blank line keys apart from a space, so a split or merge point shows in `words`.
            breaks = kind in ("split", "merged")
            words, aligned = scored_edit_script(old_text, new_text, paragraph_breaks=breaks, budget=self.budget,
                                                old_tokens=None if breaks else self.keyed(old_text),
                                                new_tokens=None if breaks else self.keyed(new_text))
            similarity = aligned if similarity is None else similarity
        else:
            self.skipped += 1
            if similarity is None:
                similarity = ratio(old_features.tokens, new_features.tokens, self.budget)
        return Change(kind, block_kind, match.old, match.new, old_text, new_text, similarity=round(similarity, 4),
                      tags=_tags(old_features, new_features), words=words)

    def features(self, side: Blocks, indices: tuple[int, ...]) -> _Features:
        """Tagging features of one block (remembered by a caller's memo: a history walk meets a text
        twice, as the new side of one edit and the old side of the next) or of several joined."""
        if len(indices) == 1:
            i = indices[0]
            tokens = side.tokens(i)
            if not self.remember:
                return _Features(side.keys[i], tokens)
            return side.memo.get("features", side.keys[i], lambda key: _Features(key, tokens))
        # the key of blocks joined by a blank line is their keys joined by a space
        key = " ".join(k for k in (side.keys[i] for i in indices) if k)
        return _Features(key, [t for i in indices for t in side.tokens(i)])

    def keyed(self, text: str) -> tuple[list[str], list[str]] | None:
        """`keyed_tokens` of one block's text, remembered by a caller's memo (see `features`)."""
        return self.old_side.memo.get("keyed", text, keyed_tokens) if self.remember else None


def _order(alignment: Alignment) -> dict[Match, tuple[int, int, int]]:
    """Sort keys: new position; a removed block goes after the new position of the nearest
    preceding old block that stayed in place (unchanged, changed, split or merged)."""
    placed: dict[int, int] = dict(alignment.unchanged)
    for m in alignment.matches:
        if m.kind in ("changed", "split", "merged"):
            placed.update((i, min(m.new)) for i in m.old)
    stayed = sorted(placed)

    def removed_at(i: int) -> int:
        k = bisect.bisect_right(stayed, i)
        return placed[stayed[k - 1]] if k else -1

    return {m: ((min(m.new), 0, 0) if m.new else (removed_at(m.old[0]), 1, m.old[0]))
            for m in alignment.matches}


def compute_diff(old: Sequence[Block], new: Sequence[Block], *, min_move_words: int = 4,
                 memo: TextMemo | None = None, detail: bool = True) -> DiffResult:
    """Paragraph-level changes from *old* to *new*, sorted by position in the new document.

    Every block of both sides is either unchanged (aligned in order with an equal block) or
    named by exactly one change; a `duplicated` change's old_indices only point at the block
    it copies. Blocks out of order with fewer than *min_move_words* words are reported as
    removed + added rather than moved. Provenance fields are left None. Work is bounded; when a
    limit made the alignment coarser or skipped word diffs, the result says so. A *memo* kept
    across calls (diffing a history version by version) saves normalising and tokenising the
    texts consecutive versions share; the result is the same with or without it. With
    *detail* False the changes carry kinds, indices and texts only: no word diffs or tags, and
    the similarity of an edit only where alignment measured one (what lineage tracing needs).
    """
    budget = Budget()
    remember = memo is not None
    memo = TextMemo() if memo is None else memo
    # Most texts appear in both versions: normalise each distinct text once.
    keys = memo.keys_of(list(map(attrgetter("text"), itertools.chain(old, new))))
    old_keys, new_keys = keys[:len(old)], keys[len(old):]
    if len(memo) > 4 * (len(old) + len(new)) + 1000:  # a walk has moved on: drop older versions' texts
        memo.retain(itertools.chain((b.text for b in old), (b.text for b in new), old_keys, new_keys))
    old_side, new_side = Blocks(old_keys, memo), Blocks(new_keys, memo)
    alignment = align_blocks(old_side, new_side, min_move_words=min_move_words, budget=budget)
    alignment = rejoin(alignment, old, new, old_side, new_side)
    order = _order(alignment)
    builder = _Builder(old, new, old_side, new_side, budget, remember=remember, detail=detail)
    changes = tuple(builder.change(m) for m in sorted(alignment.matches, key=order.__getitem__))
    if builder.skipped:
        budget.note(f"word diff skipped for {builder.skipped:,} change{'s' if builder.skipped > 1 else ''} "
                    f"beyond {MAX_WORD_DIFF_CHARS:,} characters of changed text")
    return DiffResult(changes, budget.coarse, budget.reason)


def diff_blocks(old: Sequence[Block], new: Sequence[Block], *, min_move_words: int = 4,
                memo: TextMemo | None = None, detail: bool = True) -> tuple[Change, ...]:
    """The changes of `compute_diff` (see there), without the coarseness report."""
    return compute_diff(old, new, min_move_words=min_move_words, memo=memo, detail=detail).changes
