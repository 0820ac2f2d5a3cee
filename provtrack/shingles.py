"""Fingerprints of block text for finding the same or nearly the same paragraph anywhere. Pure.

A block is reduced to its words (the differ's normalisation, then case-folded) and to
hashes of its overlapping word 3-grams (shingles). Short texts (titles, captions, list
items) keep every shingle, since one changed figure touches most of them. Longer texts
keep a content-defined sample: the shingles whose hash is 0 modulo `SAMPLE`, plus the
two smallest. Because the sample depends only on the shingle itself, the sampled
shingles of an excerpt are a subset of those of the text it was cut from, so trimmed
and extended copies still meet in the index. Candidates found through shared shingles
are then confirmed with a word-level comparison.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher

from provtrack.diff_seq import matching_blocks
from provtrack.model import normalize_text

__all__ = ["HASH_SCHEME", "SAMPLE", "SHINGLE", "SHORT", "Resemblance", "fingerprint", "resemblance", "text_key", "words"]

#: words per shingle: long enough that two unrelated paragraphs rarely share one
SHINGLE = 3
#: texts of up to this many words keep all their shingles
SHORT = 24
#: of longer texts, one shingle in SAMPLE (by hash) is indexed, to keep the index small
SAMPLE = 8
#: two texts are "nearly the same" from this word-level similarity ratio on...
NEAR_RATIO = 0.75
#: ...or when this share of the shorter one's words lies in order inside the longer one
CONTAINED = 0.9
#: texts shorter than this many words are matched exactly or not at all
MIN_NEAR_WORDS = 5
#: above this many words a text's matching words come from the differ's anchored, work-bounded
#: matcher instead of SequenceMatcher, which is quadratic on long repetitive text
LONG_WORDS = 3000

#: what shingle hashes depend on besides this module (see `_mix`)
HASH_SCHEME = f"tuplehash-{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{sys.hash_info.width}"

_WORD = re.compile(r"\w+")
_MASK = (1 << 63) - 1  # sqlite integers are signed 64-bit


def words(text: str) -> list[str]:
    """The case-folded words of *text* after the differ's normalisation (punctuation dropped)."""
    return _WORD.findall(normalize_text(text).casefold())


def text_key(tokens: list[str]) -> int:
    """A 63-bit identity for a text: equal for texts that differ only in case, punctuation or spacing."""
    return _hash(" ".join(tokens))


def _hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big") & _MASK


_WORD_HASHES: dict[str, int] = {}
_WORD_CACHE = 200_000


def _word_hash(word: str) -> int:
    value = _WORD_HASHES.get(word)
    if value is None:
        if len(_WORD_HASHES) >= _WORD_CACHE:
            _WORD_HASHES.clear()
        value = _WORD_HASHES[word] = _hash(word)
    return value


def _mix(a: int, b: int, c: int) -> int:
    """One 63-bit hash of three word hashes, order-sensitive.

    CPython's tuple hash (xxHash-based) of ints is not salted per process, and it is ten
    times cheaper than a cryptographic hash here; since it may differ between Python
    versions, the index records `HASH_SCHEME` and is rebuilt when that changes.
    """
    return hash((a, b, c)) & _MASK


def fingerprint(tokens: list[str]) -> list[int]:
    """The indexed shingle hashes of a text (sorted, distinct); empty for texts with no words."""
    if not tokens:
        return []
    cache = _WORD_HASHES
    hashes = [cache.get(word) or _word_hash(word) for word in tokens]
    if len(hashes) < SHINGLE:
        shingles = {_mix(*(hashes + [0, 0])[:3])}
    else:  # _mix inlined: this is the index's inner loop
        shingles = {hash(triple) & _MASK for triple in zip(hashes, hashes[1:], hashes[2:])}
    if len(tokens) <= SHORT:
        return sorted(shingles)
    ordered = sorted(shingles)
    return sorted({*ordered[:2], *(h for h in ordered if h % SAMPLE == 0)})


@dataclass(frozen=True)
class Resemblance:
    """How a text relates to an earlier one."""

    match: str  # "exact", "near", "excerpt" (it is part of the earlier text) or "extended" (it adds to it)
    similarity: float  # SequenceMatcher ratio over the words, 1.0 for exact


def resemblance(tokens: list[str], earlier: list[str]) -> Resemblance | None:
    """How *tokens* resemble *earlier*, or None when they are not the same or nearly the same text."""
    if tokens == earlier:
        return Resemblance("exact", 1.0)
    if min(len(tokens), len(earlier)) < MIN_NEAR_WORDS:
        return None
    matcher = SequenceMatcher(None, tokens, earlier, autojunk=False)
    # quick_ratio (shared words, ignoring order) bounds ratio from above: most candidates stop here
    if matcher.quick_ratio() < NEAR_RATIO and not _may_contain(tokens, earlier):
        return None
    if max(len(tokens), len(earlier)) > LONG_WORDS:
        shared = sum(size for _, _, size in matching_blocks(tokens, earlier, patience=True))
        ratio = 2 * shared / (len(tokens) + len(earlier))
    else:
        ratio = matcher.ratio()
        shared = -1  # counted below, only if needed
    if ratio >= NEAR_RATIO:
        return Resemblance("near", round(ratio, 3))
    if shared < 0:
        shared = sum(block.size for block in matcher.get_matching_blocks())
    if len(tokens) < len(earlier) and shared >= CONTAINED * len(tokens):
        return Resemblance("excerpt", round(ratio, 3))
    if len(earlier) < len(tokens) and shared >= CONTAINED * len(earlier):
        return Resemblance("extended", round(ratio, 3))
    return None


def _may_contain(a: list[str], b: list[str]) -> bool:
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return len(set(shorter) - set(longer)) <= (1 - CONTAINED) * len(shorter)
