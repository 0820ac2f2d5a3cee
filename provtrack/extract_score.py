"""Body-text scoring for extractor evaluation: word 4-gram shingle precision, recall and F1.

Pure: standard library only. Used by the CMS corpus tests and `benchmarks/bench_extract.py`
to compare an extraction's body text (title and captions left out) with the expected text.
"""

from __future__ import annotations

import re
from collections import Counter

from provtrack.model import normalize_text

_WORD = re.compile(r"\w+")
#: The block kinds that count as body text (the usual benchmark ground truth leaves out
#: the title and captions).
BODY_KINDS = frozenset({"heading", "paragraph", "quote", "list_item"})


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams of *text* (case-folded, quotes and dashes unified, punctuation ignored)."""
    words = _WORD.findall(normalize_text(text).casefold())
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def shingle_f1(expected: str, got: str, n: int = 4) -> tuple[float, float, float]:
    """(precision, recall, F1) of the word n-gram shingles of *got* against *expected*."""
    want, have = shingles(expected, n), shingles(got, n)
    if not want and not have:
        return 1.0, 1.0, 1.0
    common = sum((want & have).values())
    precision = common / sum(have.values()) if have else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
