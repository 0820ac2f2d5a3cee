"""Plain dicts for `--format json`, shaped by the schemas in provtrack/contract (the CLI dumps them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Diff, Document, Side, VersionInfo

EXTRACT_SCHEMA = "provtrack.extract/1"
DIFF_SCHEMA = "provtrack.diff/1"
LOG_SCHEMA = "provtrack.log/1"
STORELOG_SCHEMA = "provtrack.storelog/1"


def extract_json(doc: Document, side: Side) -> dict[str, Any]:
    """One extracted document with where it came from and how it was decoded (provtrack.extract/1)."""
    return {
        "schema": EXTRACT_SCHEMA,
        "source": side.to_json(),
        "metadata": doc.metadata.to_json(),
        "format": doc.format,
        "charset": doc.charset,
        "charset_source": doc.charset_source,
        "extractor": {"name": doc.extractor, "version": doc.extractor_version},
        "text_sha256": doc.text_sha256,
        "blocks": [block.to_json() for block in doc.blocks],
        "duplicates": [list(group) for group in doc.duplicate_groups()],
    }


def diff_json(diff: Diff) -> dict[str, Any]:
    """Every change, cosmetic ones included and flagged (provtrack.diff/1)."""
    return {
        "schema": DIFF_SCHEMA,
        "old": diff.old.to_json(),
        "new": diff.new.to_json(),
        "summary": diff.summary(),
        "substantive_summary": diff.summary(include_cosmetic=False),
        "has_differences": diff.has_differences,
        "notes": list(diff.notes),
        "coarse_alignment": diff.coarse,
        "changes": [{**change.to_json(), "substantive": change.substantive} for change in diff.changes],
    }


def version_json(info: VersionInfo) -> dict[str, Any]:
    """One stored version as `log` reports it."""
    return {
        "version": info.ref.version,
        "commit": info.ref.commit,
        "fetched_at": info.ref.fetched_at,
        "url": info.ref.url,
        "final_url": info.final_url,
        "status": info.status,
        "sha256": info.sha256,
        "title": info.title,
        "title_changed": info.title_changed,
        "blocks": info.blocks,
        "reverts_to": info.reverts_to,
        "summary": dict(info.summary),
    }


def log_json(article_id: str, url: str, versions: Sequence[VersionInfo]) -> dict[str, Any]:
    """One article's versions in the order given, oldest first (provtrack.log/1)."""
    return {"schema": LOG_SCHEMA, "article": {"id": article_id, "url": url},
            "versions": [version_json(v) for v in versions]}


def store_log_json(versions: Sequence[VersionInfo]) -> dict[str, Any]:
    """Versions across articles in the order given, newest first, each naming its article."""
    return {"schema": STORELOG_SCHEMA,
            "versions": [{"article": v.ref.article, **version_json(v)} for v in versions]}
