"""Where each paragraph of an article came from, across every article in the store.

`trace` takes a URL, a file, stdin or a stored `ARTICLE@REV`, brings the store's shingle
index up to date, and for every block finds the earliest stored version of any article
holding the same or nearly the same text. A block found first in another article is
`elsewhere` (copied, syndicated or quoted from there); one whose earliest appearance is
in this same article is `own`; one found nowhere has no known origin (`unknown`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, BinaryIO

from provtrack.errors import UsageError
from provtrack.model import Block, Side, SnapshotRef
from provtrack.store import Store
from provtrack.traceindex import Occurrence, TraceIndex
from provtrack.tracker import load_source, resolve_spec, side_of, stored_document, usable_canonical
from provtrack.urls import is_url

__all__ = ["STATUSES", "TraceLine", "TraceResult", "trace_source"]

#: what trace says about one block
STATUSES = ("elsewhere", "own", "unknown")


@dataclass(frozen=True)
class TraceLine:
    """One block of the traced article and where its text appeared first."""

    index: int
    block: Block
    status: str  # one of STATUSES
    origin: Occurrence | None  # the earliest version of any article holding this text
    elsewhere: Occurrence | None  # the earliest version of another article holding it
    articles: int  # how many stored articles hold it (this one included)


@dataclass(frozen=True)
class TraceResult:
    """A traced article: its side, its stored identity if any, and a line per block."""

    side: Side
    article: str | None  # the stored article this source is a version of, if any
    version: SnapshotRef | None  # the stored version traced (ARTICLE@REV), if any
    lines: tuple[TraceLine, ...]
    indexed_articles: int
    indexed_versions: int
    #: set when a work limit made the search coarser (see `TraceIndex.lookup`)
    notes: tuple[str, ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


def trace_source(store: Store, source: str, *, rebuild: bool = False, stdin: BinaryIO | None = None,
                 **fetch_options: Any) -> TraceResult:
    """Trace every block of *source* (URL, file, `-`, or a stored ARTICLE[@REV]) through the store."""
    index = TraceIndex(store)
    if rebuild:
        index.rebuild()
    else:
        index.refresh()
    articles, versions = index.stats()
    if not versions:
        raise UsageError(f"the store at {store.path} holds no articles to trace against")
    article: str | None
    version: SnapshotRef | None = None
    if source == "-" or is_url(source) or os.path.exists(source):
        loaded = load_source(source, stdin=stdin, **fetch_options)
        blocks, side = loaded.document.blocks, loaded.side
        record = loaded.record
        canonical = usable_canonical(record, loaded.document)  # checked as snapshot checks it
        article = store.find_article(*(u for u in (record.final_url, record.requested_url, canonical) if u))
        until = None
    else:
        stored = resolve_spec(store, source)
        blocks, side = stored_document(store, stored).blocks, side_of(store, stored)
        article, version, until = stored.ref.article, stored.ref, stored.ref.fetched_at
    found = index.lookup(blocks, until=until)
    lines = tuple(_line(i, block, occurrences, article)
                  for i, (block, occurrences) in enumerate(zip(blocks, found.occurrences)))
    return TraceResult(side, article, version, lines, articles, versions, found.notes)


def _line(index: int, block: Block, occurrences: list[Occurrence], article: str | None) -> TraceLine:
    origin = occurrences[0] if occurrences else None
    elsewhere = next((o for o in occurrences if o.ref.article != article), None)
    if origin is None:
        status = "unknown"
    elif origin.ref.article == article:
        status = "own"
    else:
        status = "elsewhere"
    return TraceLine(index, block, status, origin, elsewhere, len(occurrences))
