"""I/O: the latest state of every article, cheaply, for `list` on stores of thousands of articles.

Reading every article's meta.json costs one blob read each. The few fields `list` shows
are kept in `.git/provtrack/summaries.json` keyed by the meta.json blob each came from, so
only articles whose meta.json changed since the last `list` are read again. The file is
derived data, checked blob by blob against the tree, and rewritten whole (atomically)
when anything changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from provtrack.blockfile import META_FILE
from provtrack.store import ArticleEntry, Store

__all__ = ["FIELDS", "article_summaries"]

CACHE_FILE = "summaries.json"
CACHE_FORMAT = 1
#: the meta.json fields a summary keeps
FIELDS = ("article_url", "requested_url", "title", "version", "first_fetched_at", "fetched_at")


def article_summaries(store: Store) -> list[ArticleEntry]:
    """Every article with the summary fields of its latest meta.json, ordered by id."""
    head = store.head()
    if head is None:
        return []
    listing = store.repo.git.ls_tree("-r", "-z", head, "--", "articles")
    current: dict[str, str] = {}
    for record in listing.split("\0"):
        info, _, path = record.partition("\t")
        parts, fields = path.split("/"), info.split()
        if len(parts) == 4 and parts[3] == META_FILE and len(fields) == 3 and fields[1] == "blob":
            current[parts[2]] = fields[2]
    path = store.git_dir / "provtrack" / CACHE_FILE
    cached = _load(path)
    missing = [article for article, sha in current.items() if cached.get(article, (None,))[0] != sha]
    for article, data in zip(missing, store.read_blobs([current[a] for a in missing])):
        try:
            meta = json.loads(data)
        except ValueError:
            meta = None
        summary = {k: meta.get(k) for k in FIELDS} if isinstance(meta, dict) else None
        cached[article] = (current[article], summary)
    fresh = {article: cached[article] for article in current}
    if missing or len(fresh) != len(cached):
        _save(path, fresh)
    return [ArticleEntry(article, summary) for article, (_, summary) in sorted(fresh.items()) if summary is not None]


def _load(path: os.PathLike[str]) -> dict[str, tuple[str, dict[str, Any] | None]]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") != CACHE_FORMAT:
            return {}
        return {k: (v[0], v[1]) for k, v in data["articles"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}  # missing or damaged: read everything again


def _save(path: os.PathLike[str], entries: dict[str, tuple[str, dict[str, Any] | None]]) -> None:
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".summaries-", suffix=".tmp")
    except OSError:
        return  # a read-only store still lists, just without the cache
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"format": CACHE_FORMAT, "articles": {k: list(v) for k, v in entries.items()}}, handle)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
