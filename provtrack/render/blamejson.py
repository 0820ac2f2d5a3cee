"""Plain dicts for `blame --format json` (blame.schema.json) and `history --format json` (provtrack.history/1).

provtrack.history/1, one paragraph's life (indices are 0-based, as everywhere in JSON)::

    {"schema": "provtrack.history/1",
     "article": {"id", "url"},
     "version": N, "commit": "<40 hex>", "fetched_at": "...",      # the version the block was chosen in
     "block": {"index", "kind", "text", "origin": ref, "last_changed": ref, "edits"},
     "events": [                                                   # oldest first
       {"kind": "added" | "restored" | "changed" | "moved" | "split" | "merged" | "duplicated" | "removed",
        "snapshot": ref,              # the version where it happened (version, commit, fetched_at, url)
        "previous": ref | null,       # the version it is compared with (null for a first version)
        "restored_from": ref | null,  # restored: the last version that had the text before
        "change": {...}}]}            # the differ's change between the two, as in diff.schema.json
                                      # (kind, block_kind, old/new_indices, old/new_text, similarity,
                                      #  tags, words; provenance null)

`ref` is a snapshot_ref of common.schema.json: {"article", "version", "commit", "fetched_at", "url"}.
"""

from __future__ import annotations

from typing import Any

from ..blame import Blame, HistoryEvent, ParagraphHistory

BLAME_SCHEMA = "provtrack.blame/1"
HISTORY_SCHEMA = "provtrack.history/1"


def blame_json(blame: Blame) -> dict[str, Any]:
    """Every block of a version with its origin, last change and edit count (provtrack.blame/1)."""
    return {
        "schema": BLAME_SCHEMA,
        "article": {"id": blame.ref.article, "url": blame.article_url},
        "version": blame.ref.version,
        "commit": blame.ref.commit,
        "fetched_at": blame.ref.fetched_at,
        "url": blame.ref.url,
        "blocks": [{"index": line.index, "kind": line.block.kind, "text": line.block.text,
                    "origin": line.lineage.origin.to_json(), "last_changed": line.lineage.last_changed.to_json(),
                    "edits": line.lineage.edits} for line in blame.lines],
    }


def history_json(history: ParagraphHistory) -> dict[str, Any]:
    """One block's lineage, every event with its provenance and the differ's change (provtrack.history/1)."""
    return {
        "schema": HISTORY_SCHEMA,
        "article": {"id": history.ref.article, "url": history.article_url},
        "version": history.ref.version,
        "commit": history.ref.commit,
        "fetched_at": history.ref.fetched_at,
        "block": {"index": history.index, "kind": history.block.kind, "text": history.block.text,
                  "origin": history.lineage.origin.to_json(),
                  "last_changed": history.lineage.last_changed.to_json(), "edits": history.lineage.edits},
        "events": [_event_json(event) for event in history.events],
    }


def _event_json(event: HistoryEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "snapshot": event.ref.to_json(),
        "previous": event.previous.to_json() if event.previous else None,
        "restored_from": event.restored_from.to_json() if event.restored_from else None,
        "change": event.change.to_json(),
    }
