"""Store statistics: articles, versions, size on disk, feeds, and checks and failures per day."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from provtrack.store import Store

SCHEMA = "provtrack.stats/1"


def store_stats(store: Store) -> dict[str, Any]:
    """What `provtrack stats` shows (shaped as provtrack/schemas/stats.schema.json)."""
    from provtrack.feeds import FeedList

    articles = list(store.articles())
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: {"checks": 0, "created": 0, "unchanged": 0, "failed": 0})
    totals = {"total": 0, "created": 0, "unchanged": 0, "failed": 0, "not_modified": 0}
    if store.exists:
        for check in store.check_log.everything():
            result = str(check.get("result"))
            day = per_day[str(check.get("fetched_at") or "")[:10] or "unknown"]
            day["checks"] += 1
            totals["total"] += 1
            if result in ("created", "unchanged", "failed"):
                day[result] += 1
                totals[result] += 1
            totals["not_modified"] += check.get("status") == 304
    return {
        "schema": SCHEMA,
        "store": str(store.path),
        "head": store.head(),
        "articles": len(articles),
        "versions": sum(int(a.meta.get("version") or 0) for a in articles),
        "size_bytes": _size(Path(store.git_dir)) if store.exists else 0,
        "feeds": len(FeedList(store).load()) if store.exists else 0,
        "checks": {**totals, "by_day": [{"day": day, **counts} for day, counts in sorted(per_day.items())]},
    }


def _size(folder: Path) -> int:
    """Bytes on disk under *folder* (the repository: objects, caches and the fetch log)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total
