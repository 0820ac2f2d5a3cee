"""Paragraph-level diff of two block lists, with word-level edit scripts and change tags. Pure.

Alignment (which block became which) lives in `provtrack.align`; this module turns it into
`Change` values. Standard library only (`difflib` for all diffing).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from typing import Sequence

from provtrack.align import Alignment, Match, align, is_word, tokenize
from provtrack.model import COSMETIC_TAG, Block, Change, normalize_text

__all__ = ["diff_blocks", "word_diff", "tag_change"]

Segment = tuple[str, str]

# `expanded` / `trimmed`: at least 20% and 3 words longer (shorter), keeping 80% of the shorter
# side's words; the absolute floor stops a one-word insertion in a short line ("not") counting.
GROWTH = 1.2
GROWTH_MIN_WORDS = 3
KEPT_SHARE = 0.8

_WS = re.compile(r"\s+")
# After normalize_text every double quote style (“ ” „ « ») is '"' and every single one is "'".
_DOUBLE_QUOTED = re.compile(r'"([^"]*)(?:"|$)')
# A single quote opens after a non-word character and closes before one, so apostrophes
# (don't, Smith's) are not mistaken for quotation marks.
_SINGLE_QUOTED = re.compile(r"(?<!\w)'(?=\S)(.+?)(?<=\S)'(?!\w)")
_SENTENCE_END = frozenset(".!?:;")


def word_diff(old_text: str, new_text: str) -> tuple[Segment, ...]:
    """Edit script of ('=', s) / ('-', s) / ('+', s) segments from *old_text* to *new_text*.

    '=' and '-' segments concatenate to *old_text*, '=' and '+' to *new_text*. Tokens are whole
    words, numbers, whitespace runs and punctuation. Equalities that are only whitespace or
    punctuation, or shorter than the edits on both sides, are folded into the surrounding edit
    (diff-match-patch's semantic cleanup), so `-the cat+a dog` reads better than `-the+a= -cat+dog`.
    """
    a, b = tokenize(old_text), tokenize(new_text)
    # Pieces alternate between equal text (a str) and edits (a [deleted, inserted] list).
    pieces: list[str | list[str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            piece: str | list[str] = "".join(a[i1:i2])
        else:
            piece = ["".join(a[i1:i2]), "".join(b[j1:j2])]
        if pieces and isinstance(piece, list) and isinstance(pieces[-1], list):
            pieces[-1] = [pieces[-1][0] + piece[0], pieces[-1][1] + piece[1]]
            continue
        while isinstance(piece, list) and len(pieces) >= 2:
            equal, before = pieces[-1], pieces[-2]
            if not (isinstance(equal, str) and isinstance(before, list)):
                break
            trivial = not any(is_word(t) for t in tokenize(equal))
            short = len(equal) <= max(map(len, before)) and len(equal) <= max(map(len, piece))
            if not (trivial or short):
                break
            del pieces[-2:]
            piece = [before[0] + equal + piece[0], before[1] + equal + piece[1]]
        pieces.append(piece)
    out: list[Segment] = []
    for piece in pieces:
        parts = [("=", piece)] if isinstance(piece, str) else [("-", piece[0]), ("+", piece[1])]
        out.extend((op, text) for op, text in parts if text)
    return tuple(out)


def _numbers(text: str) -> Counter[str]:
    return Counter(t for t in tokenize(text) if any(c.isdigit() for c in t))


def _quoted(text: str) -> list[str]:
    spans = [m.group(1) for m in _DOUBLE_QUOTED.finditer(text)]
    spans += [m.group(1) for m in _SINGLE_QUOTED.finditer(text)]
    return [_WS.sub(" ", s).strip() for s in spans]


def _fold(text: str) -> str:
    """Text with case, punctuation and whitespace removed: equal folds mean a cosmetic edit."""
    text = text.replace("'", "")  # apostrophes join (don't/dont); other punctuation separates words
    text = "".join(" " if unicodedata.category(c)[0] == "P" else c for c in text)
    return _WS.sub(" ", text).strip().casefold()


def _words(text: str) -> list[str]:
    return [t.casefold() for t in tokenize(text) if is_word(t)]


def _grew(shorter: list[str], longer: list[str]) -> bool:
    """True when *longer* adds enough words to *shorter* while keeping most of them, in order."""
    if len(longer) < max(GROWTH * len(shorter), len(shorter) + GROWTH_MIN_WORDS):
        return False
    if not shorter:
        return True
    blocks = SequenceMatcher(None, shorter, longer, autojunk=False).get_matching_blocks()
    return sum(size for *_, size in blocks) >= KEPT_SHARE * len(shorter)


def _names(tokens: list[str]) -> set[str]:
    """Capitalised words that do not start a sentence: likely names of people, places, bodies."""
    names: set[str] = set()
    sentence_start = True
    for tok in tokens:
        if is_word(tok):
            if not sentence_start and tok[0].isupper() and tok != "I":
                names.add(tok)
            sentence_start = False
        elif tok in _SENTENCE_END:
            sentence_start = True
    return names


def tag_change(old_text: str, new_text: str) -> tuple[str, ...]:
    """Tags for an edited block: 'numbers', 'quotes', 'cosmetic', 'expanded', 'trimmed', 'names'.

    Sorted and unique. 'cosmetic' (only case, punctuation, whitespace or quote style changed)
    comes alone; identical texts after `normalize_text` get no tags.
    """
    old, new = normalize_text(old_text), normalize_text(new_text)
    if old == new:
        return ()
    numbers_differ = _numbers(old) != _numbers(new)
    if not numbers_differ and _fold(old) == _fold(new):
        return (COSMETIC_TAG,)
    tags: set[str] = set()
    if numbers_differ:
        tags.add("numbers")
    if _quoted(old) != _quoted(new):
        tags.add("quotes")
    old_words, new_words = _words(old), _words(new)
    if _grew(old_words, new_words):
        tags.add("expanded")
    if _grew(new_words, old_words):
        tags.add("trimmed")
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    old_names, new_names = _names(old_tokens), _names(new_tokens)
    if (old_names - set(new_tokens)) or (new_names - set(old_tokens)):
        tags.add("names")
    return tuple(sorted(tags))


def _change(match: Match, old: Sequence[Block], new: Sequence[Block]) -> Change:
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
    # Several blocks are joined by a blank line (as the contract says for old_text), so the
    # split or merge point shows up in `words` as a whitespace edit.
    return Change(kind, block_kind, match.old, match.new, old_text, new_text,
                  similarity=match.similarity, tags=tag_change(old_text, new_text),
                  words=word_diff(old_text, new_text))


def _order(alignment: Alignment, n_old: int) -> dict[Match, tuple[int, int, int]]:
    """Sort keys: new position; a removed block goes after the new position of the nearest
    preceding old block that stayed in place (unchanged, changed, split or merged)."""
    placed: dict[int, int] = dict(alignment.unchanged)
    for m in alignment.matches:
        if m.kind in ("changed", "split", "merged"):
            placed.update((i, min(m.new)) for i in m.old)
    removed_at: dict[int, int] = {}
    last = -1
    for i in range(n_old):
        last = placed.get(i, last)
        removed_at[i] = last
    return {m: ((min(m.new), 0, 0) if m.new else (removed_at[m.old[0]], 1, m.old[0]))
            for m in alignment.matches}


def diff_blocks(old: Sequence[Block], new: Sequence[Block], *, min_move_words: int = 4) -> tuple[Change, ...]:
    """Paragraph-level changes from *old* to *new*, sorted by position in the new document.

    Every block of both sides is either unchanged (aligned in order with an equal block) or
    named by exactly one change; a `duplicated` change's old_indices only point at the block
    it copies. Blocks out of order with fewer than *min_move_words* words are reported as
    removed + added rather than moved. Provenance fields are left None.
    """
    alignment = align([b.key for b in old], [b.key for b in new], min_move_words=min_move_words)
    order = _order(alignment, len(old))
    return tuple(_change(m, old, new) for m in sorted(alignment.matches, key=order.__getitem__))
