"""Plain dicts for `trace --format json` (provtrack.trace/1, provtrack/schemas/trace.schema.json)."""

from __future__ import annotations

from typing import Any

from ..trace import STATUSES, TraceResult
from ..traceindex import Occurrence

TRACE_SCHEMA = "provtrack.trace/1"


def _occurrence(occ: Occurrence | None) -> dict[str, Any] | None:
    if occ is None:
        return None
    return {"snapshot": occ.ref.to_json(), "match": occ.resemblance.match, "similarity": occ.resemblance.similarity}


def trace_json(result: TraceResult) -> dict[str, Any]:
    """Every block of the traced source with where its text appeared first (provtrack.trace/1)."""
    return {
        "schema": TRACE_SCHEMA,
        "source": result.side.to_json(),
        "article": result.article,
        "version": result.version.to_json() if result.version else None,
        "index": {"articles": result.indexed_articles, "versions": result.indexed_versions},
        "summary": {status: result.count(status) for status in STATUSES},
        "coarse": bool(result.notes),
        "notes": list(result.notes),
        "blocks": [{"index": line.index, "kind": line.block.kind, "text": line.block.text, "status": line.status,
                    "articles": line.articles, "origin": _occurrence(line.origin),
                    "elsewhere": _occurrence(line.elsewhere)}
                   for line in result.lines],
    }
