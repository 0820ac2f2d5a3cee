"""Explicit store format upgrades: a registry of steps, each taking format N to N+1 in one commit.

A store records its format in provtrack-store.json. provtrack refuses to open a newer
store (it cannot know what changed) and an older one (it would misread it) until
`provtrack upgrade` has run the registered steps in order. Each step is one commit on
`main` with a `Provtrack-Store-Format: N` trailer, so an upgrade is visible in history
and, like every write, either entirely there or not at all.

Format 1 is the first and current format, so the registry is empty today; a future
format adds one `UpgradeStep` with `register`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Mapping

from provtrack.errors import StoreError
from provtrack.gitwrite import MODE_BLOB, MODE_TREE, Entries, GitWriter
from provtrack.store import MARKER, REF, STORE_FORMAT, Store
from provtrack.verify import FORMAT_TRAILER

#: path -> new content (None removes the file); the marker is rewritten by `upgrade` itself
Changes = Mapping[str, "bytes | None"]


@dataclass(frozen=True)
class UpgradeStep:
    """Takes a store from format `source` to `source + 1`."""

    source: int
    summary: str
    #: (store, commit of the format-`source` state) -> the files to change
    apply: Callable[[Store, str], Changes]


@dataclass(frozen=True)
class UpgradeResult:
    """What `upgrade` did (or, with dry_run, would do)."""

    store: str
    from_format: int
    to_format: int
    steps: tuple[str, ...]
    commits: tuple[str, ...]
    dry_run: bool


STEPS: dict[int, UpgradeStep] = {}


def register(step: UpgradeStep) -> None:
    """Add the step that upgrades format `step.source`."""
    STEPS[step.source] = step


def read_marker(store: Store, commit: str) -> dict[str, object]:
    """The store format marker as of *commit*."""
    try:
        marker = json.loads(store.repo.git.show(f"{commit}:{MARKER}"))
    except Exception:  # a missing or unreadable marker: Store() has already said which
        raise StoreError(f"{store.path}: cannot read {MARKER}") from None
    if not isinstance(marker, dict) or not isinstance(marker.get("format"), int):
        raise StoreError(f"{store.path}: {MARKER} has no store format number")
    return marker


def upgrade(store: Store, *, dry_run: bool = False) -> UpgradeResult:
    """Run every registered step from the store's format to this provtrack's, one commit each."""
    with store.locked():
        head = store.head()
        if head is None:
            raise StoreError(f"{store.path} is empty: nothing to upgrade")
        marker = read_marker(store, head)
        start = int(marker["format"])  # type: ignore[call-overload]
        if start > STORE_FORMAT:
            raise StoreError(f"store format {start} is newer than this provtrack supports ({STORE_FORMAT}); "
                             f"upgrade provtrack, not the store")
        plan = []
        for source in range(start, STORE_FORMAT):
            if source not in STEPS:
                raise StoreError(f"this provtrack has no upgrade from store format {source} to {source + 1}")
            plan.append(STEPS[source])
        commits: list[str] = []
        if not dry_run:
            writer = GitWriter(store.repo, REF)
            for step in plan:
                marker["format"] = step.source + 1
                text = (json.dumps(marker, indent=2) + "\n").encode()
                changes = {**step.apply(store, head), MARKER: text}
                head = _commit(writer, head, changes, step)
                commits.append(head)
    return UpgradeResult(str(store.path), start, STORE_FORMAT, tuple(s.summary for s in plan), tuple(commits),
                         dry_run)


def _commit(writer: GitWriter, parent: str, changes: Changes, step: UpgradeStep) -> str:
    tree = _tree(writer, parent, "", changes)
    message = (f"Upgrade store format {step.source} to {step.source + 1}\n\n{step.summary}\n\n"
               f"{FORMAT_TRAILER}: {step.source + 1}\n")
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    commit = writer.commit((tree or writer.tree({})).hex(), parent, message, now)
    writer.update_ref(commit, parent)
    files = {path: (data, writer.blob(data)) for path, data in changes.items() if data is not None}
    writer.sync_worktree(files, prefix="", removed={p for p, d in changes.items() if d is None})
    return commit


def _tree(writer: GitWriter, commit: str, prefix: str, changes: Changes) -> bytes | None:
    """The tree at *prefix* of *commit* with *changes* (paths relative to it) applied; None if empty."""
    entries: Entries = writer.entries(commit, prefix)
    nested: dict[str, dict[str, bytes | None]] = {}
    for path, data in changes.items():
        name, sep, rest = path.partition("/")
        if sep:
            nested.setdefault(name, {})[rest] = data
        elif data is None:
            entries.pop(name, None)
        else:
            entries[name] = (writer.blob(data), MODE_BLOB)
    for name, sub in nested.items():
        subtree = _tree(writer, commit, f"{prefix}/{name}" if prefix else name, sub)
        if subtree is None:
            entries.pop(name, None)
        else:
            entries[name] = (subtree, MODE_TREE)
    return writer.tree(entries) if entries else None
