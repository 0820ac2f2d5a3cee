"""The git-backed snapshot store: one commit per version, one directory per article.

Layout (see snapshots/README.md for the full format)::

    provtrack-store.json              store format marker
    articles/<hh>/<article-id>/       hh = first two hex digits of the id's hash suffix
        blocks.txt                    one block per line: "<kind>: <text>"
        meta.json                     provenance of this version
        raw.<ext>                     the bytes as fetched (absent with --no-raw)

Versions are written as git objects directly (blobs and trees in-process, then
`git commit-tree` and a compare-and-swap `git update-ref`), so writing a version
costs time proportional to what changed, and a version is either fully on
`main` or not there at all. Reads never print; they return values or yield.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import git

from provtrack.blockfile import BLOCKS_FILE, META_FILE, load_blocks
from provtrack.checklog import CheckLog
from provtrack.gitwrite import MODE_BLOB, MODE_TREE, GitWriter, settle_index
from provtrack.errors import NotFoundError, ProvtrackError, StoreError, UsageError
from provtrack.model import Block, SnapshotRef
from provtrack.timeutil import parse_timestamp
from provtrack.urls import article_id, id_hash, is_url, normalize_url

STORE_FORMAT = 1
MARKER = "provtrack-store.json"
BRANCH = "main"
REF = f"refs/heads/{BRANCH}"
DEFAULT_LOCK_TIMEOUT = 30.0

_REV_NUM = re.compile(r"^v?(\d+)$")
_REV_LATEST = re.compile(r"^(latest|head)(?:~(\d+))?$")
_REV_TIME = re.compile(r"^\{(.+)\}$")
_REV_COMMIT = re.compile(r"^[0-9a-f]{4,40}$")

TRAILER_KEYS = {
    "Provtrack-Article": "article",
    "Provtrack-Version": "version",
    "Provtrack-URL": "url",
    "Provtrack-Fetched-At": "fetched_at",
    "Provtrack-Raw-SHA256": "raw_sha256",
    "Provtrack-Restates": "restates",
}


# -- values the store hands out ---------------------------------------------------------

@dataclass(frozen=True)
class StoredVersion:
    """One version of one article as recorded in the store."""

    ref: SnapshotRef
    raw_sha256: str
    #: the commit this one restates (set only on commits `sync` adds to restore the latest version)
    restates: str = ""


@dataclass(frozen=True)
class ArticleEntry:
    """An article's latest state, read from the current tree."""

    id: str
    meta: Mapping[str, Any]

    @property
    def url(self) -> str:
        return str(self.meta.get("article_url") or self.meta.get("requested_url") or "")


def _load_meta(data: bytes, where: str) -> dict[str, Any]:
    try:
        meta = json.loads(data)
    except ValueError:
        raise StoreError(f"corrupt {META_FILE} for {where} (not JSON); run `git fsck` in the store") from None
    if not isinstance(meta, dict):
        raise StoreError(f"corrupt {META_FILE} for {where} (not an object)")
    return meta


def _moment(stamp: str) -> datetime:
    try:
        return parse_timestamp(stamp)
    except ProvtrackError:
        return datetime.min.replace(tzinfo=timezone.utc)


def article_dir(article: str) -> str:
    """The store path of an article's directory."""
    return f"articles/{id_hash(article)[:2]}/{article}"


def parse_trailers(message: str) -> dict[str, str]:
    """The provtrack trailers of a commit message."""
    found: dict[str, str] = {}
    # only the last paragraph holds trailers; a title that looks like one cannot forge them
    for line in message.strip().split("\n\n")[-1].splitlines():
        key, sep, value = line.partition(": ")
        if sep and key in TRAILER_KEYS:
            found[TRAILER_KEYS[key]] = value.strip()
    return found


class Store:
    """A snapshot store rooted at *path* (a git repository with a provtrack marker)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False, any_format: bool = False) -> None:
        self.path = Path(path)
        self._locked = 0  # depth of `locked()`: index mirroring runs in the background only under the lock
        # a store that does not exist yet is created by its first write, so a failed
        # snapshot leaves nothing behind
        self._repo = self._open(create)
        if self._repo is not None:
            self._check_format(older_ok=any_format)  # any_format: only `provtrack upgrade` reads older stores

    # -- opening ------------------------------------------------------------------------

    def _open(self, create: bool) -> git.Repo | None:
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store path {self.path} is a file, not a directory")
        try:
            return git.Repo(self.path)
        except git.NoSuchPathError:
            if not create:
                raise StoreError(f"no store at {self.path} (run `provtrack init` or snapshot something first)") from None
        except git.InvalidGitRepositoryError:
            if not create:
                raise StoreError(f"{self.path} is not a provtrack store (not a git repository)") from None
        return None

    @property
    def exists(self) -> bool:
        """True once the store's repository exists on disk."""
        return self._repo is not None

    @property
    def repo(self) -> git.Repo:
        if self._repo is None:
            self._repo = self._create()
        return self._repo

    @property
    def _git(self) -> GitWriter:
        # one writer per store: its cache of parsed trees (immutable, keyed by id) outlives a call
        writer = self.__dict__.get("_writer")
        if writer is None or writer.repo is not self.repo:
            writer = self.__dict__["_writer"] = GitWriter(self.repo, REF)
        return writer

    def _create(self) -> git.Repo:
        """Initialise the repository; safe when several processes create the same store at once."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            existing = [p.name for p in self.path.iterdir() if p.name != ".git"]
        except OSError as exc:
            raise StoreError(f"cannot create store at {self.path}: {exc.strerror or exc}") from None
        deadline = time.monotonic() + 10
        while True:
            try:
                repo = git.Repo.init(self.path, initial_branch=BRANCH)
                break
            except git.GitCommandError as exc:
                try:  # a concurrent `git init` holds .git/config.lock; its repository will do
                    repo = git.Repo(self.path)
                    break
                except git.InvalidGitRepositoryError:
                    if time.monotonic() > deadline:
                        raise StoreError(f"cannot create store at {self.path}: {exc.stderr.strip()}") from None
                    time.sleep(0.05)
        try:  # index writes proportional to what changed, not to the number of files in the store
            repo.git.config("core.splitIndex", "true")
        except git.GitCommandError:
            pass
        if existing:  # files already in the folder are not part of the store; keep `git status` clean
            exclude = Path(repo.git_dir) / "info" / "exclude"
            exclude.parent.mkdir(exist_ok=True)
            with open(exclude, "a", encoding="utf-8") as handle:
                handle.write("".join(f"/{name}\n" for name in existing if "\n" not in name))
        return repo

    def _check_format(self, *, older_ok: bool = False) -> None:
        head = self.head()
        if head is None and not self._has_branches():
            head = self._adopt_remote_main()
        deadline = time.monotonic() + 2
        while head is None and self._has_branches():
            # another process may be creating this store: its first commit appears in a moment
            head = self.repo.git.for_each_ref("--format=%(objectname)", REF).strip() or None
            if head is None:
                if time.monotonic() > deadline:
                    raise StoreError(f"{self.path} is a git repository but not a provtrack store (no `{BRANCH}` branch)")
                time.sleep(0.02)
        if head is None:
            return  # an empty repository: the first write makes it a store
        try:
            marker = json.loads(self._read_blob(head, MARKER))
        except NotFoundError:
            raise StoreError(f"{self.path} is a git repository but not a provtrack store (no {MARKER})") from None
        except ValueError:
            raise StoreError(f"{self.path}: {MARKER} is not valid JSON") from None
        fmt = marker.get("format") if isinstance(marker, dict) else None
        if not isinstance(fmt, int):
            raise StoreError(f"{self.path}: {MARKER} has no store format number")
        if fmt > STORE_FORMAT:
            raise StoreError(f"store format {fmt} is newer than this provtrack supports ({STORE_FORMAT}); upgrade provtrack")
        if fmt < STORE_FORMAT and not older_ok:
            raise StoreError(f"store format {fmt} is older than this provtrack's ({STORE_FORMAT}); "
                             f"run `provtrack upgrade --store {self.path}` (keep a copy of the store first)")

    def _has_branches(self) -> bool:
        return bool(self.repo.git.for_each_ref("--count=1", "refs/heads"))

    def _adopt_remote_main(self) -> str | None:
        """A clone of a remote whose HEAD names another branch checks nothing out: take its `main`,
        as `git clone` would have."""
        try:
            remote = self.repo.git.rev_parse("--verify", "--quiet", "refs/remotes/origin/main").strip()
            if not remote:
                return None
            self.repo.git.update_ref(REF, remote, "0" * 40)
            self.repo.git.symbolic_ref("HEAD", REF)
            if not self.repo.bare:
                self.repo.git.read_tree("--reset", "-u", REF)
        except git.GitCommandError:
            pass
        return self.head()

    @property
    def git_dir(self) -> Path:
        return Path(self.repo.git_dir)

    # -- low-level reading --------------------------------------------------------------

    def head(self) -> str | None:
        """The commit `main` points at, or None for an empty store."""
        if self._repo is None:
            return None
        try:
            return self.repo.git.rev_parse("--verify", "--quiet", REF) or None
        except git.GitCommandError:
            return None

    def _read_blob(self, commit: str, path: str) -> bytes:
        # trees parsed directly and cached (gitpython validates every entry of the big
        # `articles/` shards on each lookup)
        folder, _, name = path.rpartition("/")
        try:
            entry = self._git.entries(commit, folder).get(name)
            if entry is None or entry[1] == MODE_TREE:
                raise NotFoundError(f"{path} is not in commit {commit[:10]}")
            return self.repo.odb.stream(entry[0]).read()
        except (ValueError, git.BadName, git.BadObject) as exc:
            raise StoreError(f"cannot read commit {commit[:10]}: {exc}") from None

    def read_meta(self, ref: SnapshotRef) -> dict[str, Any]:
        """The meta.json of a stored version."""
        return _load_meta(self._read_blob(ref.commit, f"{article_dir(ref.article)}/{META_FILE}"), ref.label)

    def read_blocks(self, ref: SnapshotRef) -> tuple[Block, ...]:
        """The extracted blocks of a stored version."""
        data = self._read_blob(ref.commit, f"{article_dir(ref.article)}/{BLOCKS_FILE}")
        return load_blocks(data.decode("utf-8"))

    def read_raw(self, ref: SnapshotRef) -> bytes:
        """The raw bytes of a stored version, as fetched."""
        meta = self.read_meta(ref)
        name = meta.get("raw_file")
        if not name:
            raise NotFoundError(f"{ref.label} was stored without its raw bytes (--no-raw)")
        return self._read_blob(ref.commit, f"{article_dir(ref.article)}/{name}")

    # -- articles -----------------------------------------------------------------------

    def articles(self) -> Iterator[ArticleEntry]:
        """Every article in the store with its latest meta.json, ordered by id."""
        head = self.head()
        if head is None:
            return
        # one `git ls-tree` names every meta.json, one `git cat-file --batch` reads them all:
        # walking tree objects, or asking for blobs one by one, costs a round trip per article
        listing = self.repo.git.ls_tree("-r", "-z", head, "--", "articles")
        wanted: list[tuple[str, str]] = []
        for record in listing.split("\0"):
            info, _, path = record.partition("\t")
            parts = path.split("/")
            fields = info.split()
            if len(parts) == 4 and parts[3] == META_FILE and len(fields) == 3 and fields[1] == "blob":
                wanted.append((parts[2], fields[2]))
        entries = []
        for (article, _), data in zip(wanted, self.read_blobs([sha for _, sha in wanted])):
            try:
                meta = json.loads(data)
            except ValueError:
                continue
            if isinstance(meta, dict):
                entries.append(ArticleEntry(article, meta))
        yield from sorted(entries, key=lambda e: e.id)

    def read_blobs(self, shas: list[str]) -> Iterator[bytes]:
        """The contents of many blobs, in order, from one `git cat-file --batch` run (b"" for a missing one)."""
        for data in self._cat_file(shas):
            yield b"" if data is None else data

    def read_many_blocks(self, refs: Sequence[SnapshotRef]) -> Iterator[tuple[Block, ...]]:
        """The blocks of many stored versions, in order, streamed from one `git cat-file --batch` run.

        What `read_blocks` gives for each, without a tree walk per version; lines that several
        versions share are parsed once.
        """
        seen: dict[str, Block] = {}
        names = [f"{ref.commit}:{article_dir(ref.article)}/{BLOCKS_FILE}" for ref in refs]
        for ref, data in zip(refs, self._cat_file(names)):
            if data is None:
                raise NotFoundError(f"{BLOCKS_FILE} of {ref.label} is not in commit {ref.commit[:10]}")
            if len(seen) > 200_000:  # an article with a vast vocabulary of lines: start over
                seen.clear()
            yield load_blocks(data.decode("utf-8"), seen=seen)

    def _cat_file(self, names: Sequence[str]) -> Iterator[bytes | None]:
        """Objects by name (a sha or `commit:path`), in order, streamed from one `git cat-file --batch`;
        None for a missing one. A thread writes the requests, so neither pipe can fill up and stall.
        (Reading ahead in a second thread, or through a larger pipe, was measured no faster.)"""
        if not names:
            return
        proc = subprocess.Popen(["git", "--git-dir", str(self.git_dir), "cat-file", "--batch"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        requests, out = proc.stdin, proc.stdout
        assert requests is not None and out is not None

        def send() -> None:
            try:
                for start in range(0, len(names), 512):
                    requests.write("".join(f"{n}\n" for n in names[start:start + 512]).encode())
                requests.close()
            except (BrokenPipeError, OSError):
                pass  # git went away: the reader reports it

        writer = threading.Thread(target=send, name="provtrack-cat-file", daemon=True)
        writer.start()
        try:
            for _ in names:
                header = out.readline().split()
                if len(header) == 2 and header[1] == b"missing":
                    yield None
                    continue
                size = int(header[2]) if len(header) == 3 and header[2].isdigit() else -1
                data = out.read(size + 1) if size >= 0 else b""  # the object and its closing newline
                if size < 0 or len(data) != size + 1:
                    raise StoreError(f"git cat-file failed in {self.path}: "
                                     f"{'unexpected output' if header else 'it stopped early'}")
                yield data[:size]
        finally:
            if proc.poll() is None:
                proc.kill()  # all answers read (git is about to exit) or the caller stopped early
            proc.wait()
            writer.join()
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()

    def latest_meta(self, article: str, *, at: str | None = None) -> dict[str, Any] | None:
        """The newest meta.json of *article* (as of commit *at*, default `main`), or None when it is not there."""
        head = at or self.head()
        if head is None:
            return None
        try:
            data = self._read_blob(head, f"{article_dir(article)}/{META_FILE}")
        except NotFoundError:
            return None
        return _load_meta(data, article)

    def latest(self, article: str, *, at: str | None = None) -> StoredVersion | None:
        """The newest version of *article* (on `main`, or as of commit *at*).

        A local cache names the commit that wrote each article's current meta.json; it is
        trusted only when that commit's meta.json is the very blob `main` holds now. Without
        it, git walks back to the last commit that touched the article.
        """
        head = at or self.head()
        if head is None:
            return None
        path = f"{article_dir(article)}/{META_FILE}"
        cached = self._cached_latest(article, head, path) if at is None else None
        if cached is not None:
            return cached
        out = self.repo.git.log("-1", "--format=%H%x1f%B", head, "--", f"{article_dir(article)}/{META_FILE}")
        commit, sep, message = out.strip().partition("\x1f")
        if not sep:
            return None
        version = self._version_from(commit, message)
        if version.ref.article != article:
            raise StoreError(f"the last commit that touched {article} ({commit[:10]}) was not written by provtrack "
                             f"(no Provtrack trailers); undo it with git before adding versions")
        if at is None:
            self.remember_latest(article, commit)
        return version

    def _latest_cache(self, article: str) -> Path:
        return self.git_dir / "provtrack" / "latest" / article

    def _cached_latest(self, article: str, head: str, path: str) -> StoredVersion | None:
        try:
            commit = self._latest_cache(article).read_text(encoding="ascii").strip()
            candidate = self.repo.commit(commit)
            if (candidate.tree / path).binsha != (self.repo.commit(head).tree / path).binsha:
                return None
        except (OSError, ValueError, KeyError, git.BadName, git.GitCommandError):
            return None
        message = candidate.message if isinstance(candidate.message, str) else candidate.message.decode("utf-8", "replace")
        version = self._version_from(candidate.hexsha, message)
        return version if version.ref.article == article else None

    def remember_latest(self, article: str, commit: str) -> None:
        """Note *commit* as the one that wrote *article*'s current version (a local cache)."""
        target = self._latest_cache(article)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{article}.{os.getpid()}.tmp")
            tmp.write_text(commit + "\n", encoding="ascii")
            os.replace(tmp, target)
        except OSError:
            pass  # only a cache

    def find_article(self, *urls: str) -> str | None:
        """The id of the first article already stored under one of *urls* (normalised), if any."""
        for url in urls:
            if url and self.latest_meta(article_id(url)) is not None:
                return article_id(url)
        return None

    def resolve_article(self, name: str) -> str:
        """An article id from a URL, an id, or a unique prefix of an id."""
        if not name.strip():
            raise UsageError("an article name must not be empty (give a URL, an id or a prefix of one)")
        if is_url(name):
            found = self.find_article(normalize_url(name))
            if found:
                return found
            for entry in self.articles():
                if name in entry.meta.get("urls", []) or normalize_url(name) in entry.meta.get("urls", []):
                    return entry.id
            raise NotFoundError(f"no article for URL {name} in the store")
        if self.latest_meta(name) is not None:
            return name
        matches = [e.id for e in self.articles() if e.id.startswith(name)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFoundError(f"no article {name!r} in the store (see `provtrack list`)")
        shown = ", ".join(matches[:5]) + (" ..." if len(matches) > 5 else "")
        raise UsageError(f"article prefix {name!r} is ambiguous: {shown}")

    # -- versions -----------------------------------------------------------------------

    def versions(self, article: str) -> list[StoredVersion]:
        """Every version of *article*, oldest first (from the commit trailers).

        Versions are ordered by fetch time and numbered 1, 2, ... in that order. That is the
        trailers' own numbering, except after `sync` merged versions that two trackers took
        concurrently (see snapshots/README.md); commits that only restate the latest version
        after such a merge (`Provtrack-Restates`) are not versions themselves.
        """
        found = [v for v in self._log(f"{article_dir(article)}/{META_FILE}")
                 if v.ref.article == article and not v.restates]
        found.sort(key=lambda v: (_moment(v.ref.fetched_at), v.ref.version))
        if all(v.ref.version == n for n, v in enumerate(found, start=1)):
            return found
        return [replace(v, ref=replace(v.ref, version=n)) for n, v in enumerate(found, start=1)]

    def recent_versions(self) -> Iterator[StoredVersion]:
        """Versions across the whole store, newest commit first (commit order, not fetch time)."""
        return (v for v in self._log("articles") if v.ref.article)

    def _log(self, path: str) -> Iterator[StoredVersion]:
        """Commits on `main` that touched *path*, newest first, read from one streamed `git log`."""
        if self.head() is None:
            return
        proc = self.repo.git.log("--format=%H%x1f%B%x1e", REF, "--", path, as_process=True)
        buffer = b""
        for chunk in iter(lambda: proc.stdout.read(65536), b""):
            *records, buffer = (buffer + chunk).split(b"\x1e")
            for record in records:
                commit, sep, message = record.decode("utf-8", "replace").strip().partition("\x1f")
                if sep:
                    yield self._version_from(commit, message)
        proc.wait()

    @staticmethod
    def _version_from(commit: str, message: str) -> StoredVersion:
        t = parse_trailers(message)
        try:
            number = int(t.get("version", "0"))
        except ValueError:
            number = 0
        ref = SnapshotRef(article=t.get("article", ""), version=max(number, 1), commit=commit,
                          fetched_at=t.get("fetched_at", ""), url=t.get("url", ""))
        return StoredVersion(ref=ref, raw_sha256=t.get("raw_sha256", ""), restates=t.get("restates", ""))

    def resolve(self, article: str, rev: str | None = None) -> StoredVersion:
        """A version of *article* from a revision: `v3`/`3`, `latest`, `previous`, `latest~2`,
        `{2026-02-05T10:00Z}` (current at that time) or a commit prefix."""
        versions = self.versions(article)
        if not versions:
            raise NotFoundError(f"no versions of {article} in the store")
        rev = (rev or "latest").strip()
        if rev == "previous":
            rev = "latest~1"
        if m := _REV_NUM.match(rev):
            number = int(m.group(1))
            for v in versions:
                if v.ref.version == number:
                    return v
            by_commit = [v for v in versions if v.ref.commit.startswith(rev)] if len(rev) >= 7 else []
            if len(by_commit) == 1:  # an all-digit short commit, not a version number
                return by_commit[0]
            raise NotFoundError(f"{article} has no version {number} (it has v1..v{versions[-1].ref.version})")
        if m := _REV_LATEST.match(rev):
            back = int(m.group(2) or 0)
            if back >= len(versions):
                raise NotFoundError(f"{article} has only {len(versions)} version(s); {rev} does not exist")
            return versions[-1 - back]
        if m := _REV_TIME.match(rev):
            moment = parse_timestamp(m.group(1))
            current = [v for v in versions if parse_timestamp(v.ref.fetched_at) <= moment]
            if not current:
                raise NotFoundError(f"{article} had no version yet at {m.group(1)}")
            return max(current, key=lambda v: (parse_timestamp(v.ref.fetched_at), v.ref.version))
        if _REV_COMMIT.match(rev):
            matches = [v for v in versions if v.ref.commit.startswith(rev)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise UsageError(f"commit prefix {rev} is ambiguous in {article}")
            raise NotFoundError(f"no version of {article} has commit {rev}")
        raise UsageError(f"bad revision {rev!r} (use v3, latest, previous, latest~2, a commit prefix or {{TIME}})")

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def locked(self, *, timeout: float | None = None) -> Iterator["Store"]:
        """Hold the store's writer lock (an flock, released even if the process dies)."""
        if timeout is None:
            timeout = float(os.environ.get("PROVTRACK_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
        lock_path = self.git_dir / "provtrack.lock"
        with open(lock_path, "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError(f"store {self.path} is locked by another provtrack process; "
                                         f"gave up after {timeout:g} s") from None
                    time.sleep(0.05)
            if self._locked == 0:
                self._clear_stale_packs()
            self._locked += 1
            try:
                yield self
            finally:
                self._locked -= 1
                settle_index(self.path)  # the next writer must find the index free
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _clear_stale_packs(self) -> None:
        """Remove pack files a killed writer left half-written (only a lock holder writes them)."""
        try:
            for stale in (self.git_dir / "objects" / "pack").glob("tmp_provtrack_*"):
                stale.unlink(missing_ok=True)
        except OSError:
            pass

    def ensure_initialised(self) -> str:
        """Create the first commit (the format marker) if the store is empty; returns `main`'s commit."""
        head = self.head()
        if head is not None:
            return head
        marker = json.dumps({"format": STORE_FORMAT, "layout": "articles/<hh>/<article-id>"}, indent=2) + "\n"
        tree = self._git.tree({MARKER: (self._git.blob(marker.encode()), MODE_BLOB)})
        commit = self._git.commit(tree.hex(), None, "Initialise provtrack store\n", None)
        self._git.update_ref(commit, None)
        self._git.sync_worktree({MARKER: (marker.encode(), self._git.blob(marker.encode()))}, prefix="", removed=(),
                                background=self._locked > 0)
        return commit

    def write_version(self, article: str, files: Mapping[str, bytes], *, message: str, date: str) -> str:
        """Commit *files* as the new content of *article*'s directory; returns the commit.

        Call while holding `locked()`. The article directory is replaced as a whole
        (files not named are removed). `date` (ISO 8601) is the author and commit date.
        """
        parent = self.ensure_initialised()
        adir = article_dir(article)
        shard_path, _ = adir.rsplit("/", 1)
        art_entries = {name: (self._git.blob(data), MODE_BLOB) for name, data in files.items()}
        art_tree = self._git.tree(art_entries)
        shard = self._git.entries(parent, shard_path)
        shard[article] = (art_tree, MODE_TREE)
        arts = self._git.entries(parent, "articles")
        arts[shard_path.split("/")[1]] = (self._git.tree(shard), MODE_TREE)
        root = self._git.entries(parent, "")
        root["articles"] = (self._git.tree(arts), MODE_TREE)
        old_names = set(self._git.entries(parent, adir))
        commit = self._git.commit(self._git.tree(root).hex(), parent, message, date)
        self._git.update_ref(commit, parent)
        self.remember_latest(article, commit)
        self._git.sync_worktree({n: (files[n], art_entries[n][0]) for n in files}, prefix=adir + "/",
                            removed=old_names - set(files), background=self._locked > 0)
        return commit

    def write_files(self, directory: str, files: Mapping[str, bytes], *, message: str, date: str) -> str:
        """Commit *files* as the content of *directory* (outside `articles/`), leaving all else as is.

        For records that are not versions of an article (e.g. `suspect/`, fetches kept as
        evidence). Call while holding `locked()`; returns the commit.
        """
        if directory.split("/", 1)[0] in ("articles", "") or ".." in directory.split("/"):
            raise StoreError(f"cannot write records into {directory!r}")
        parent = self.ensure_initialised()
        parts = directory.split("/")
        blobs = {name: (self._git.blob(data), MODE_BLOB) for name, data in files.items()}
        tree = self._git.tree(blobs)
        for depth in range(len(parts) - 1, -1, -1):
            entries = self._git.entries(parent, "/".join(parts[:depth]))
            entries[parts[depth]] = (tree, MODE_TREE)
            tree = self._git.tree(entries)
        commit = self._git.commit(tree.hex(), parent, message, date)
        self._git.update_ref(commit, parent)
        self._git.sync_worktree({n: (files[n], blobs[n][0]) for n in files}, prefix=directory + "/", removed=(),
                                background=self._locked > 0)
        return commit

    # -- cheap check records ------------------------------------------------------------

    @property
    def check_log(self) -> CheckLog:
        """The local fetch log beside the repository (see provtrack/checklog.py)."""
        return CheckLog(self.git_dir / "provtrack")

    def record_check(self, record: Mapping[str, Any]) -> None:
        """Append one fetch check (changed or not) to the local check log beside the repository."""
        self.check_log.append([record])

    def checks(self, article: str) -> list[dict[str, Any]]:
        """The recorded checks of *article*, oldest first."""
        if self._repo is None:
            return []
        return self.check_log.read(article)
