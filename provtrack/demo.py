"""The bundled example: a fictional article fetched three times, snapshotted into a store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from provtrack.blame import Blame
from provtrack.errors import UsageError
from provtrack.model import Diff, VersionInfo
from provtrack.render.escapes import visible
from provtrack.store import Store
from provtrack.tracker import SnapshotResult, snapshot, stored_diff, version_infos

EXAMPLE = "kestrel-flood"
#: a fictional aggregator's copy of the example story, with claims the original never made
COPY_EXAMPLE = "kestrel-flood-copy"


@dataclass(frozen=True)
class DemoResult:
    article: str
    url: str
    snapshots: tuple[SnapshotResult, ...]
    log: tuple[VersionInfo, ...]
    #: first version against the latest, with per-change provenance
    diff: Diff
    #: every block of the latest version: where its lineage began, where it last changed
    blame: Blame


def example_files(name: str = EXAMPLE) -> tuple[dict, list[tuple[str, str]]]:
    """(manifest, [(path, fetched_at), ...]) of a bundled example article."""
    folder = resources.files("provtrack") / "examples" / name
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return manifest, [(str(folder / v["file"]), v["fetched_at"]) for v in manifest["versions"]]


def run_demo(store: Store) -> DemoResult:
    """Snapshot every version of the example into *store* and diff the first against the last.

    Raises:
        UsageError: *store* already holds articles (fictional ones must not mix with an archive).
    """
    if next(iter(store.articles()), None) is not None:
        raise UsageError(f"{visible(str(store.path))} already holds articles; the demo writes fictional ones only "
                         "into a new or empty store (give another --store DIR, or none for a temporary one)")
    manifest, files = example_files()
    results = tuple(snapshot(store, path, url=manifest["url"], at=fetched_at) for path, fetched_at in files)
    article = results[-1].article
    versions = store.versions(article)
    diff = stored_diff(store, versions[0], versions[-1])
    meta = store.latest_meta(article) or {}
    from provtrack.provenance import blame

    return DemoResult(article=article, url=meta.get("article_url", manifest["url"]), snapshots=results,
                      log=tuple(version_infos(store, article)), diff=diff, blame=blame(store, article))


def snapshot_copy(store: Store) -> SnapshotResult:
    """Snapshot the aggregator's copy of the example story as a second article (for `trace`)."""
    manifest, files = example_files(COPY_EXAMPLE)
    path, fetched_at = files[0]
    return snapshot(store, path, url=manifest["url"], at=fetched_at)
