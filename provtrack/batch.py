"""Many versions written at once: one lock, one pack of objects, one compare-and-swap ref update.

Each version is still its own commit, with exactly the files, message, trailers and dates
`snapshot` writes, so `log`, `diff`, `blame` and plain git read imported and updated
versions like any other. Nothing is visible on `main` until `commit()` moves the ref;
an exception before that leaves the store as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Mapping, cast

from provtrack.blockfile import BLOCKS_FILE, META_FILE, dump_blocks
from provtrack.diff import diff_blocks
from provtrack.errors import StoreError, UsageError
from provtrack.gitwrite import MODE_BLOB, MODE_TREE, Entries, GitWriter, PackWriter, commit_bytes, tree_bytes
from provtrack.model import CHANGE_KINDS, Block, SnapshotRef, change_summary
from provtrack.store import MARKER, STORE_FORMAT, Store, parse_trailers
from provtrack.suspect import SuspectFetch, shrinkage, suspect_record
from provtrack.timeutil import now_utc, parse_timestamp
from provtrack.tracker import Source, build_meta, commit_message, identify, tracked_url
from provtrack.urls import article_id, id_hash

_RAW_EXT = {"html": "html", "markdown": "md", "text": "txt"}


@dataclass(frozen=True)
class Prior:
    """An article's newest version before the one being added."""

    ref: SnapshotRef
    meta: Mapping[str, Any]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Outcome:
    """What adding one source did: a new version (`created`) or an unchanged check."""

    article: str
    created: bool
    ref: SnapshotRef
    summary: Mapping[str, int]
    title: str | None
    #: set when the page's text collapsed and it was kept as a suspect fetch, not a version
    suspect: SuspectFetch | None = None


@dataclass
class _Tree:
    """The tree of the batch's tip, rebuilt level by level as versions are added."""

    root: Entries
    articles: Entries
    shards: dict[str, Entries] = field(default_factory=dict)
    folders: dict[str, Entries] = field(default_factory=dict)  # other directories written (suspect/...)


class VersionBatch:
    """Add sources as new versions; `commit()` publishes them all, or nothing is published.

    Use inside `store.locked()`. Sources must be added in fetch-time order per article
    (an earlier copy after a later one is refused, as `snapshot` refuses it).
    """

    def __init__(self, store: Store, *, keep_raw: bool = True, on_top_of: str | None = None) -> None:
        self.store = store
        self.keep_raw = keep_raw
        self.published = store.head()  # what `main` holds: the compare-and-swap's expected value
        self.base = on_top_of or self.published  # what the new versions are written on top of
        self.tip = self.base
        self._git = GitWriter(store.repo, "refs/heads/main")
        self._signing = self._git.signs_commits()
        self._pack = None if self._signing else PackWriter(store.repo)
        self._name, self._email = self._git.identity()
        self._tree: _Tree | None = None
        self._priors: dict[str, Prior] = {}
        self._latest: dict[str, str] = {}  # article -> commit of its newest version in this batch
        self.checks: list[dict[str, Any]] = []
        self.created = 0
        self._written = 0  # commits since the last commit()

    # -- objects -------------------------------------------------------------------------

    def _object(self, kind: str, data: bytes, base: str | None = None) -> bytes:
        if self._pack is not None:
            return self._pack.add(kind, data, base=base)
        return self._git.write_object(kind, data)

    def _commit(self, tree: bytes, message: str, fetched_at: str | None) -> str:
        if self._pack is None:  # signed commits need `git commit-tree`, one per version
            return self._git.commit(tree.hex(), self.tip, message, fetched_at)
        when = int(parse_timestamp(fetched_at or now_utc()).timestamp())
        data = commit_bytes(tree.hex(), self.tip, message, name=self._name, email=self._email, when=when)
        return self._pack.add("commit", data).hex()

    def _tree_state(self) -> _Tree:
        if self._tree is None:
            if self.tip is None:
                marker = json.dumps({"format": STORE_FORMAT, "layout": "articles/<hh>/<article-id>"}, indent=2) + "\n"
                root = {MARKER: (self._object("blob", marker.encode()), MODE_BLOB)}
                self.tip = self._commit(self._object("tree", tree_bytes(root)), "Initialise provtrack store\n", None)
                self._tree = _Tree(root=root, articles={})
            else:
                self._tree = _Tree(root=self._git.entries(self.tip, ""), articles=self._git.entries(self.tip, "articles"))
        return self._tree

    def _write(self, article: str, files: Mapping[str, bytes], message: str, date: str) -> str:
        state = self._tree_state()
        shard = id_hash(article)[:2]
        if shard not in state.shards:
            state.shards[shard] = self._git.entries(self.base, f"articles/{shard}")
        art = {name: (self._object("blob", data), MODE_BLOB) for name, data in files.items()}
        state.shards[shard][article] = (self._object("tree", tree_bytes(art)), MODE_TREE)
        state.articles[shard] = (self._object("tree", tree_bytes(state.shards[shard]), f"articles/{shard}"), MODE_TREE)
        state.root["articles"] = (self._object("tree", tree_bytes(state.articles), "articles"), MODE_TREE)
        self.tip = self._commit(self._object("tree", tree_bytes(state.root), ""), message, date)
        self._written += 1
        return self.tip

    def _write_folder(self, directory: str, files: Mapping[str, bytes], message: str, date: str) -> str:
        """Commit *files* as the content of *directory* outside `articles/` (`Store.write_files`)."""
        state = self._tree_state()
        parts = directory.split("/")
        entries = {name: (self._object("blob", data), MODE_BLOB) for name, data in files.items()}
        state.folders[directory] = entries
        tree = self._object("tree", tree_bytes(entries))
        for depth in range(len(parts) - 1, 0, -1):
            parent = "/".join(parts[:depth])
            if parent not in state.folders:
                state.folders[parent] = self._git.entries(self.base, parent)
            state.folders[parent][parts[depth]] = (tree, MODE_TREE)
            tree = self._object("tree", tree_bytes(state.folders[parent]))
        state.root[parts[0]] = (tree, MODE_TREE)
        self.tip = self._commit(self._object("tree", tree_bytes(state.root)), message, date)
        self._written += 1
        return self.tip

    def write(self, article: str, files: Mapping[str, bytes], message: str, date: str, *,
              meta: Mapping[str, Any], blocks: tuple[Block, ...]) -> SnapshotRef:
        """Write a prepared version (files and message as `add` would make them); returns its ref."""
        trailers = parse_trailers(message)
        commit = self._write(article, files, message, date)
        ref = SnapshotRef(article, int(trailers.get("version", "1")), commit, trailers.get("fetched_at", date),
                          trailers.get("url", ""))
        self._priors[article] = Prior(ref, meta, blocks)
        self._latest[article] = commit
        return ref

    # -- versions ------------------------------------------------------------------------

    def prior(self, article: str) -> Prior | None:
        """The newest version of *article*: written earlier in this batch, or on `main`."""
        if article in self._priors:
            return self._priors[article]
        meta = self._stored_meta(article)
        if meta is None:
            return None
        latest = self.store.latest(article, at=None if self.base == self.published else self.base)
        if latest is None:
            raise StoreError(f"{article} has a meta.json but no commit history; run `git fsck` in the store")
        return Prior(latest.ref, meta, self.store.read_blocks(latest.ref))

    def _stored_meta(self, article: str) -> Mapping[str, Any] | None:
        # the base commit is known: no `git rev-parse` per lookup (an empty store has nothing)
        return self.store.latest_meta(article, at=self.base) if self.base is not None else None

    def find_article(self, *urls: str) -> str | None:
        """`Store.find_article`, also seeing the articles added in this batch."""
        for url in urls:
            if url and (article_id(url) in self._priors or self._stored_meta(article_id(url)) is not None):
                return article_id(url)
        return None

    def add(self, source: Source, *, url: str | None = None, article: str | None = None,
            check: Mapping[str, Any] | None = None, accept_shorter: bool = False) -> Outcome:
        """Add *source* as the next version of its article (or record it unchanged, or suspect).

        *url* decides the article as `snapshot --url` does; *article* forces a known id
        (what `update` re-fetched). *check* adds fields to the recorded check. A page whose
        text collapsed against the article's newest version (`suspect.shrinkage`) is kept as a
        suspect fetch, as `snapshot` keeps it, unless *accept_shorter*.
        """
        record, document = source.record, source.document
        found, primary, urls = identify(cast("Store", self), source, url=url)
        article = article or found
        prior = self.prior(article)
        blocks_text = dump_blocks(document.blocks)
        checked = {"article": article, "fetched_at": record.fetched_at, "location": record.location,
                   "status": record.status, "raw_sha256": record.sha256, **(check or {})}
        if prior is not None:
            if parse_timestamp(record.fetched_at) < parse_timestamp(prior.ref.fetched_at):
                raise UsageError(f"{article} v{prior.ref.version} was fetched at {prior.ref.fetched_at}; a copy "
                                 f"fetched earlier ({record.fetched_at}) cannot be added after it")
            if dump_blocks(prior.blocks) == blocks_text:
                self.checks.append({**checked, "result": "unchanged", "version": prior.ref.version})
                return Outcome(article, False, prior.ref, {k: 0 for k in CHANGE_KINDS}, document.metadata.title)
            shrunk = shrinkage(prior.blocks, document.blocks, version=prior.ref.version, signals=document.signals)
            if shrunk and not accept_shorter:
                return self._suspect(source, article, prior, urls, primary, shrunk, checked)
            summary = change_summary(diff_blocks(prior.blocks, document.blocks), len(document.blocks),
                                     include_cosmetic=False, count_cosmetic=True)
            number = prior.ref.version + 1
            first = str(prior.meta.get("first_fetched_at") or prior.meta.get("fetched_at") or record.fetched_at)
            urls = list(dict.fromkeys([*prior.meta.get("urls", []), *urls]))
            primary = prior.meta.get("article_url") or primary
        else:
            summary = {k: 0 for k in CHANGE_KINDS} | {"added": len(document.blocks), "unchanged": 0}
            number, first = 1, record.fetched_at
        raw_name = f"raw.{_RAW_EXT.get(document.format, 'bin')}" if self.keep_raw else None
        meta = build_meta(source, article=article, article_url=primary, urls=urls, version=number,
                          previous_commit=prior.ref.commit if prior else None, first_fetched_at=first,
                          summary=summary, raw_name=raw_name, previous_title=prior.meta.get("title") if prior else None,
                          tracked=tracked_url(prior.meta) if prior else None)
        files = {BLOCKS_FILE: blocks_text.encode("utf-8"),
                 META_FILE: (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
        if raw_name:
            files[raw_name] = record.raw
        commit = self._write(article, files, commit_message(article, number, summary, document.metadata.title,
                                                            primary, record), record.fetched_at)
        ref = SnapshotRef(article, number, commit, record.fetched_at, record.requested_url or primary)
        self._priors[article] = Prior(ref, meta, document.blocks)
        self._latest[article] = commit
        self.checks.append({**checked, "result": "created", "version": number})
        self.created += 1
        return Outcome(article, True, ref, summary, document.metadata.title)

    def _suspect(self, source: Source, article: str, prior: Prior, urls: list[str], primary: str, reason: str,
                 checked: Mapping[str, Any]) -> Outcome:
        record = source.record
        raw_name = f"raw.{_RAW_EXT.get(source.document.format, 'bin')}" if self.keep_raw else None
        meta = build_meta(source, article=article, article_url=prior.meta.get("article_url") or primary,
                          urls=list(dict.fromkeys([*prior.meta.get("urls", []), *urls])), version=prior.ref.version,
                          previous_commit=prior.ref.commit, summary={}, raw_name=raw_name,
                          first_fetched_at=str(prior.meta.get("first_fetched_at") or record.fetched_at),
                          previous_title=prior.meta.get("title"), tracked=tracked_url(prior.meta))
        url = record.requested_url or primary
        folder, files, message = suspect_record(source, article=article, url=url, reason=reason, latest=prior.ref,
                                                raw_name=raw_name, meta=meta)
        commit = self._write_folder(folder, files, message, record.fetched_at)
        self.checks.append({**checked, "result": "suspect", "version": prior.ref.version, "reason": reason,
                            "commit": commit})
        kept = SuspectFetch(article, record.fetched_at, url, commit, reason, prior.ref.version)
        return Outcome(article, False, prior.ref, {k: 0 for k in CHANGE_KINDS}, source.document.metadata.title,
                       suspect=kept)

    # -- publishing ----------------------------------------------------------------------

    def commit(self) -> str | None:
        """Publish every version added so far (one ref update) and their checks; returns `main`'s commit.

        The batch stays usable: later additions go into the next commit().
        """
        if self.tip != self.published:
            if self._pack is not None:
                self._pack.finish()
                self._pack = PackWriter(self.store.repo)
            assert self.tip is not None
            self._git.update_ref(self.tip, self.published)
            for article, commit in self._latest.items():
                self.store.remember_latest(article, commit)
            self._git.checkout_tree(self.published, self.tip)
            self._git.maintain(new_commits=self._written)
            self.base = self.published = self.tip
            self._latest, self._written = {}, 0
        if self.checks and self.store.exists:
            self.store.check_log.append(self.checks)
        self.checks = []
        return self.base

    def close(self) -> None:
        """Drop whatever was added since the last commit() (none of it reaches the store)."""
        if self._pack is not None:
            self._pack.discard()
            self._pack = None

    def __enter__(self) -> "VersionBatch":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
