"""Reading a source (fetch, then extract) and comparing two sources without a store.

Kept apart from `provtrack.tracker` so `compare` loads only fetching, extraction and the
differ: no store, URL identity or history code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from provtrack.diff import compute_diff
from provtrack.errors import ExtractError
from provtrack.extract import extract
from provtrack.fetch import fetch
from provtrack.model import Diff, Document, FetchRecord, Side

__all__ = ["Source", "compare", "load_source"]


@dataclass(frozen=True)
class Source:
    """A fetched and extracted source, not yet stored."""

    record: FetchRecord
    document: Document

    @property
    def side(self) -> Side:
        return Side(location=self.record.final_url or self.record.location, sha256=self.record.sha256,
                    fetched_at=self.record.fetched_at, title=self.document.metadata.title)


def load_source(source: str, *, stdin: BinaryIO | None = None, fetched_at: str | None = None,
                **fetch_options: Any) -> Source:
    """Fetch (URL), read (file) or take stdin (`-`), then extract it."""
    record = fetch(source, stdin=stdin, fetched_at=fetched_at, **fetch_options)
    name = record.final_url or record.location
    document = extract(record.raw, content_type=record.content_type, name=name, http_charset=record.charset)
    if not document.blocks:
        raise ExtractError(f"no article text found in {record.location}")
    return Source(record, document)


def compare(source_a: str, source_b: str, **fetch_options: Any) -> Diff:
    """Diff two ad-hoc sources (files or URLs) without a store; provenance is the two sides."""
    a, b = load_source(source_a, **fetch_options), load_source(source_b, **fetch_options)
    result = compute_diff(a.document.blocks, b.document.blocks)
    return Diff(old=a.side, new=b.side, old_blocks=a.document.blocks, new_blocks=b.document.blocks,
                changes=result.changes, coarse=result.coarse,
                notes=(f"coarse alignment: {result.reason}",) if result.reason else ())
