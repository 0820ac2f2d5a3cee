"""The fetch log: every check of an article (changed, unchanged, 304, failed), kept beside the store.

One append-only JSON-lines file per article under `.git/provtrack/checks/`, so recording a
check costs one small append and reading an article's checks never scans the others.
It is local and unversioned (like git's reflog): it does not travel with clone or sync.
Records written by older provtrack versions to the single `.git/provtrack/checks.jsonl`
are still read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

#: what a check found
RESULTS = ("created", "unchanged", "failed")


class CheckLog:
    """The check records of one store, rooted at its `.git/provtrack` directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "checks"
        self.legacy = root / "checks.jsonl"

    def _file(self, article: str) -> Path:
        return self.folder / f"{article}.jsonl"

    def append(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append *records* (each with an `article`), one write per article."""
        grouped: dict[str, list[str]] = {}
        for record in records:
            grouped.setdefault(str(record["article"]), []).append(json.dumps(dict(record), sort_keys=True) + "\n")
        if not grouped:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for article, lines in grouped.items():
            # one O_APPEND write per article: concurrent writers never interleave inside a line
            fd = os.open(self._file(article), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, "".join(lines).encode("utf-8"))
            finally:
                os.close(fd)

    def read(self, article: str) -> list[dict[str, Any]]:
        """The checks of *article*, in the order they were recorded."""
        found = [r for r in _records(self.legacy) if r.get("article") == article]
        return found + list(_records(self._file(article)))

    def last(self, article: str) -> dict[str, Any] | None:
        """The newest check of *article*, or None."""
        checks = self.read(article)
        return checks[-1] if checks else None

    def everything(self) -> Iterator[dict[str, Any]]:
        """Every check of every article (legacy file first, then article by article)."""
        yield from _records(self.legacy)
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.jsonl")):
                yield from _records(path)


def _records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError:
        return
    with handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line after a crash is skipped, not fatal
            if isinstance(record, dict):
                yield record


def check_note(checks: Sequence[Mapping[str, Any]]) -> str:
    """One line for `log`: the checks since the latest version (unchanged through when, failures)."""
    since = next((i for i in range(len(checks) - 1, -1, -1) if checks[i].get("result") == "created"), -1)
    recent = checks[since + 1:]
    unchanged = [c for c in recent if c.get("result") == "unchanged"]
    failed = [c for c in recent if c.get("result") == "failed"]
    parts = []
    if unchanged:
        last = unchanged[-1]
        part = f"unchanged since v{last.get('version')} as of {last.get('fetched_at')}"
        if len(unchanged) > 1:
            not_modified = sum(1 for c in unchanged if c.get("status") == 304)
            part += f" ({len(unchanged)} checks" + (f", {not_modified} not modified" if not_modified else "") + ")"
        parts.append(part)
    if failed:
        last = failed[-1]
        count = f"{len(failed)} failed check{'s' if len(failed) > 1 else ''}"
        parts.append(f"{count}, last at {last.get('fetched_at')}: {last.get('error') or 'failed'}")
    return "; ".join(parts)
