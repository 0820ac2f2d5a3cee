"""Texts that left an article, for finding them again when they come back edited. Pure.

`provtrack.blame` looks a block that appears as added up among every earlier text by exact
hash; text restored with a small edit has another hash. `Departed` remembers the normalised
texts of the latest removed blocks and near-matches a new block against them with the
differ's own pairing test (`provtrack.diff_similar.alike`). Lookups stay cheap over long
histories: at most `MAX_DEPARTED` texts are kept (oldest forgotten first), candidates come
from an inverted index of their words, and only the few sharing the most words are compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterator, Mapping

from provtrack.diff_similar import MAX_POSTING, TextMemo, alike

#: Removed texts remembered (the oldest is forgotten first).
MAX_DEPARTED = 512
#: Candidates compared per lookup: those sharing the largest share of their words with the new text.
CANDIDATES = 3
#: A candidate must share this share of the shorter text's distinct words (a bound well below
#: what a pair at PAIR_RATIO shares) and at least MIN_SHARED of them.
MIN_SHARED_SHARE = 0.45
MIN_SHARED = 2
#: Texts the memo may hold before it is cleared (it only saves re-tokenising).
_MEMO_TEXTS = 4096


class Departed:
    """Normalised texts of removed blocks by text id, with their block kinds, oldest first."""

    def __init__(self, texts: Mapping[str, tuple[str, str]] | None = None) -> None:
        self._texts: dict[str, tuple[str, str]] = {}
        self._index: defaultdict[str, set[str]] = defaultdict(set)
        self._memo = TextMemo()
        for tid, (kind, key) in (texts or {}).items():
            self.add(tid, kind, key)

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, tid: object) -> bool:
        return tid in self._texts

    def among(self, tids: set[str]) -> set[str]:
        """Those of *tids* that are remembered."""
        return self._texts.keys() & tids

    def items(self) -> Iterator[tuple[str, tuple[str, str]]]:
        """(text id, (block kind, normalised text)), oldest first."""
        return iter(self._texts.items())

    def add(self, tid: str, kind: str, key: str) -> None:
        """Remember a text that left the article (again: it becomes the newest)."""
        self.discard(tid)
        self._texts[tid] = (kind, key)
        for word in self._vocab(key):
            self._index[word].add(tid)
        while len(self._texts) > MAX_DEPARTED:
            self.discard(next(iter(self._texts)))

    def discard(self, tid: str) -> None:
        """Forget a text (it is back in the article, or its lineage went on in another)."""
        found = self._texts.pop(tid, None)
        if found is None:
            return
        for word in self._vocab(found[1]):
            posting = self._index.get(word)
            if posting is not None:
                posting.discard(tid)
                if not posting:
                    del self._index[word]

    def find(self, kind: str, key: str) -> str | None:
        """The id of the remembered text of this block kind that *key* is an edit of, if any."""
        if not self._texts:
            return None
        vocab = self._vocab(key)
        hits: Counter[str] = Counter()
        for word in vocab:
            posting = self._index.get(word, ())
            if len(posting) <= MAX_POSTING:  # a word in that many texts tells nothing apart
                hits.update(posting)
        ranked = []
        for tid, shared in hits.items():
            other_kind, other = self._texts[tid]
            if other_kind == kind and shared >= MIN_SHARED:
                share = shared / min(len(vocab), len(self._vocab(other)))
                if share >= MIN_SHARED_SHARE:
                    ranked.append((-share, tid, other))
        ranked.sort()
        for _, tid, other in ranked[:CANDIDATES]:
            if alike(other, key, self._memo):
                return tid
        return None

    def _vocab(self, key: str) -> set[str]:
        if len(self._memo) > _MEMO_TEXTS:
            self._memo = TextMemo()
        return self._memo.vocab(key)
