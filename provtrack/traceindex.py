"""I/O: the shingle index beside the store that answers "where else did this text appear first?".

The index is an SQLite file in the store's git directory (`.git/provtrack/trace.sqlite3`).
It is derived data: git holds the truth, and the index records the commit of `main` it
has read up to. Whenever `main` has moved on (a snapshot made while the index was busy,
an import, a `git pull`, a fresh `git clone`), the next use reads the missing versions
from git; when `main` no longer contains that commit (history rewritten), or the file is
damaged or from another index format, it is rebuilt from scratch. `snapshot` adds each
new version as it is written, so the index is normally current.

Tables:
    snaps(id, article, version, commit_hex, fetched_at, url)   one row per indexed version
    texts(id, key, words)        one row per distinct text (words zlib-compressed)
    occ(text_id, article, snap_id)  the earliest version of each article holding a text
    shingles(h, text_id)         sampled shingle hashes (see provtrack.shingles)
"""

from __future__ import annotations

import sqlite3
import zlib
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import git

from provtrack.blockfile import BLOCKS_FILE, load_blocks
from provtrack.errors import StoreError
from provtrack.model import Block, SnapshotRef
from provtrack.shingles import HASH_SCHEME, Resemblance, fingerprint, resemblance, text_key, words
from provtrack.store import REF, Store, article_dir, parse_trailers
from provtrack.timeutil import parse_timestamp

__all__ = ["INDEX_FILE", "Lookup", "Occurrence", "TraceIndex"]

INDEX_FILE = "trace.sqlite3"
INDEX_FORMAT = f"2/{HASH_SCHEME}"  # 2: shingles hashed from cached word hashes
#: postings read per shingle: a phrase in thousands of texts says little about any one of them
_POSTINGS_PER_SHINGLE = 200
#: a shingle held by more texts than this is a phrase of the house style ("of the county council"):
#: it proposes candidates only for a text that has no rarer shingle
_COMMON_SHINGLE = 64
#: shingles of one text looked up: its smallest hashes, so any long copy of it shares most of them
_LOOKUP_SHINGLES = 256
#: candidates confirmed word by word per block (best shingle overlap first)
_CANDIDATES = 12
#: word-by-word confirmations in one trace; past this, blocks are matched exactly only and the
#: result says so (a page of 60,000 near-identical lines would otherwise take minutes)
_MAX_CONFIRMATIONS = 20_000
#: a snapshot builds a missing index itself only for stores this small; bigger ones wait for `trace`
_BUILD_ON_SNAPSHOT = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snaps(id INTEGER PRIMARY KEY, article TEXT NOT NULL, version INTEGER NOT NULL,
    commit_hex TEXT NOT NULL UNIQUE, fetched_at TEXT NOT NULL, url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS texts(id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE, words BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS occ(text_id INTEGER NOT NULL, article TEXT NOT NULL, snap_id INTEGER NOT NULL,
    PRIMARY KEY(text_id, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shingles(h INTEGER NOT NULL, text_id INTEGER NOT NULL,
    PRIMARY KEY(h, text_id)) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Occurrence:
    """The earliest indexed version of one article holding text like a given block."""

    ref: SnapshotRef
    resemblance: Resemblance


class TraceIndex:
    """The shingle index of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.git_dir / "provtrack" / INDEX_FILE

    # -- keeping it current ---------------------------------------------------------------

    def refresh(self) -> int:
        """Read every version `main` has and the index lacks; returns how many were added."""
        head = self.store.head()
        if head is None:
            return 0
        for attempt in range(2):
            try:
                with self._writing() as db:
                    return self._catch_up(db, head)
            except sqlite3.DatabaseError:
                if attempt:
                    raise StoreError(f"the trace index {self.path} cannot be rebuilt") from None
                self.discard()  # damaged: derived data, so start again from git
        return 0

    def record(self, ref: SnapshotRef, blocks: Sequence[Block]) -> None:
        """Add a version `snapshot` has just committed (catching up first if the index is behind)."""
        if not self.path.exists():
            deferred = self.path.with_name(self.path.name + ".deferred")
            if deferred.exists():
                return  # a big store without an index: `trace` builds it (counted once, below)
            if self._commit_count() > _BUILD_ON_SNAPSHOT:
                try:  # building the whole index is `trace`'s job, not a snapshot's
                    deferred.parent.mkdir(parents=True, exist_ok=True)
                    deferred.touch()
                except OSError:
                    pass
                return
        with self._writing() as db:
            parents = self.store.repo.commit(ref.commit).parents
            if parents and _meta(db, "head") == parents[0].hexsha:
                self._add(db, ref, blocks)
                _set_meta(db, "head", ref.commit)
            else:
                self._catch_up(db, ref.commit)

    def rebuild(self) -> int:
        """Throw the index away and read the whole history again."""
        self.discard()
        return self.refresh()

    def discard(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _commit_count(self) -> int:
        if self.store.head() is None:
            return 0
        try:
            return int(self.store.repo.git.rev_list("--count", f"--max-count={_BUILD_ON_SNAPSHOT + 1}", REF))
        except (git.GitCommandError, ValueError):
            return 0

    def _catch_up(self, db: sqlite3.Connection, head: str) -> int:
        indexed = _meta(db, "head")
        if indexed == head:
            return 0
        if indexed and not self._is_ancestor(indexed, head):
            for table in ("snaps", "texts", "occ", "shingles"):
                db.execute(f"DELETE FROM {table}")  # history was rewritten under the index
            indexed = None
        added = 0
        for ref in self._versions(indexed, head):
            path = f"{article_dir(ref.article)}/{BLOCKS_FILE}"
            try:
                data = self.store.repo.git.get_object_data(f"{ref.commit}:{path}")[3]
                blocks = load_blocks(data.decode("utf-8"))
            except (git.GitCommandError, ValueError, StoreError, UnicodeDecodeError):
                continue  # not a version commit after all, or unreadable: `verify` reports those
            self._add(db, ref, blocks)
            added += 1
        _set_meta(db, "head", head)
        return added

    def _is_ancestor(self, older: str, newer: str) -> bool:
        try:
            self.store.repo.git.merge_base("--is-ancestor", older, newer)
        except git.GitCommandError:
            return False
        return True

    def _versions(self, since: str | None, head: str) -> Iterator[SnapshotRef]:
        span = f"{since}..{head}" if since else head
        proc = self.store.repo.git.log("--format=%H%x1f%B%x1e", span, "--", "articles", as_process=True)
        buffer = b""
        for chunk in iter(lambda: proc.stdout.read(65536), b""):
            *records, buffer = (buffer + chunk).split(b"\x1e")
            for record in records:
                commit, sep, message = record.decode("utf-8", "replace").strip().partition("\x1f")
                trailers = parse_trailers(message) if sep else {}
                if trailers.get("article") and trailers.get("version", "").isdigit():
                    yield SnapshotRef(trailers["article"], int(trailers["version"]), commit,
                                      trailers.get("fetched_at", ""), trailers.get("url", ""))
        proc.wait()

    def _add(self, db: sqlite3.Connection, ref: SnapshotRef, blocks: Iterable[Block]) -> None:
        cur = db.execute("INSERT OR IGNORE INTO snaps(article, version, commit_hex, fetched_at, url) "
                         "VALUES (?, ?, ?, ?, ?)", (ref.article, ref.version, ref.commit, ref.fetched_at, ref.url))
        if not cur.rowcount:
            return  # already indexed (a catch-up after a snapshot that recorded it)
        snap = cur.lastrowid
        for block in blocks:
            tokens = words(block.text)
            if not tokens:
                continue
            key = text_key(tokens)
            row = db.execute("SELECT id FROM texts WHERE key = ?", (key,)).fetchone()
            if row is None:
                text_id = db.execute("INSERT INTO texts(key, words) VALUES (?, ?)",
                                     (key, zlib.compress(" ".join(tokens).encode("utf-8"), 1))).lastrowid
                db.executemany("INSERT OR IGNORE INTO shingles(h, text_id) VALUES (?, ?)",
                               [(h, text_id) for h in fingerprint(tokens)])
            else:
                text_id = row[0]
            # keep the earliest version of each article that holds the text
            db.execute("INSERT INTO occ(text_id, article, snap_id) VALUES (?, ?, ?) "
                       "ON CONFLICT(text_id, article) DO UPDATE SET snap_id = excluded.snap_id "
                       "WHERE (SELECT fetched_at FROM snaps WHERE id = excluded.snap_id) "
                       "< (SELECT fetched_at FROM snaps WHERE id = occ.snap_id)", (text_id, ref.article, snap))

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.with_name(self.path.name + ".deferred").unlink(missing_ok=True)
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time; readers carry on
            try:
                if _meta(db, "format") != INDEX_FORMAT:  # new, or written by another index format
                    for table in ("meta", "snaps", "texts", "occ", "shingles"):
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        db.execute(statement)
                    _set_meta(db, "format", INDEX_FORMAT)
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    # -- asking it ------------------------------------------------------------------------

    def stats(self) -> tuple[int, int]:
        """(articles, versions) in the index."""
        if not self.path.exists():
            return 0, 0
        with closing(self._connect()) as db:
            try:
                row = db.execute("SELECT COUNT(DISTINCT article), COUNT(*) FROM snaps").fetchone()
            except sqlite3.OperationalError:  # created, but never filled
                return 0, 0
        return int(row[0]), int(row[1])

    def lookup(self, blocks: Sequence[Block], *, until: str | None = None) -> Lookup:
        """For each block, every article holding the same or nearly the same text, earliest version first.

        Work is bounded (see `_MAX_CONFIRMATIONS`); when the bound was reached, later blocks
        were matched exactly only, and the lookup's notes say so.

        Args:
            until: only versions fetched at or before this time count (tracing a stored version).
        """
        tokens = [words(block.text) for block in blocks]
        limit = parse_timestamp(until) if until else None
        search = _Search()
        with closing(self._connect()) as db:
            by_text: dict[int, dict[int, Resemblance]] = {}  # the same text twice is looked up once
            found: list[dict[int, Resemblance]] = []
            for t in tokens:
                key = text_key(t) if t else 0
                if t and key not in by_text:
                    by_text[key] = search.similar(db, t, key)
                found.append(by_text[key] if t else {})
            wanted = sorted({text_id for matches in found for text_id in matches})
            places: dict[int, list[SnapshotRef]] = {}
            for chunk in _chunks(wanted, 500):
                marks = ",".join("?" * len(chunk))
                for text_id, article, version, commit, fetched_at, url in db.execute(
                        f"SELECT occ.text_id, snaps.article, snaps.version, snaps.commit_hex, snaps.fetched_at, "
                        f"snaps.url FROM occ JOIN snaps ON snaps.id = occ.snap_id WHERE occ.text_id IN ({marks})",
                        chunk):
                    if limit is None or _before(fetched_at, limit):
                        places.setdefault(text_id, []).append(SnapshotRef(article, version, commit, fetched_at, url))
        result = []
        for matches in found:
            earliest: dict[str, Occurrence] = {}
            for text_id, how in matches.items():
                for ref in places.get(text_id, ()):
                    seen = earliest.get(ref.article)
                    if seen is None or _sort_key(Occurrence(ref, how)) < _sort_key(seen):
                        earliest[ref.article] = Occurrence(ref, how)
            result.append(sorted(earliest.values(), key=_sort_key))
        return Lookup(result, search.notes())


@dataclass(frozen=True)
class Lookup:
    """What `TraceIndex.lookup` found: per block, its occurrences; and notes on any work limit reached."""

    occurrences: list[list[Occurrence]]
    notes: tuple[str, ...] = ()


class _Search:
    """Finds indexed texts like a given one, within one trace's work budget."""

    def __init__(self) -> None:
        self.confirmations_left = _MAX_CONFIRMATIONS
        self.skipped = 0  # blocks matched exactly only, once the budget ran out
        self.postings: dict[int, list[int]] = {}  # shingle -> text ids (up to _COMMON_SHINGLE + 1)

    def notes(self) -> tuple[str, ...]:
        if not self.skipped:
            return ()
        return (f"near copies not searched for {self.skipped:,} block{'s' if self.skipped > 1 else ''} "
                f"(work limit of {_MAX_CONFIRMATIONS:,} comparisons reached); exact copies are still found",)

    def _posting(self, db: sqlite3.Connection, h: int, size: int) -> list[int]:
        known = self.postings.get(h)
        if known is None or (len(known) > _COMMON_SHINGLE and size > len(known)):
            known = [row[0] for row in db.execute("SELECT text_id FROM shingles WHERE h = ? LIMIT ?", (h, size))]
            if len(self.postings) > 200_000:
                self.postings.clear()
            self.postings[h] = known
        return known[:size]

    def similar(self, db: sqlite3.Connection, tokens: list[str], key: int) -> dict[int, Resemblance]:
        """Indexed texts that are the same as or nearly the same as *tokens*, by text id."""
        found: dict[int, Resemblance] = {}
        row = db.execute("SELECT id FROM texts WHERE key = ?", (key,)).fetchone()
        if row is not None:
            found[row[0]] = Resemblance("exact", 1.0)
        if self.confirmations_left <= 0:
            self.skipped += 1
            return found
        hashes = fingerprint(tokens)[:_LOOKUP_SHINGLES]
        shared: dict[int, int] = {}
        common: list[int] = []
        for h in hashes:
            posting = self._posting(db, h, _COMMON_SHINGLE + 1)
            if len(posting) > _COMMON_SHINGLE:
                common.append(h)
                continue
            for text_id in posting:
                if text_id not in found:
                    shared[text_id] = shared.get(text_id, 0) + 1
        if len(common) == len(hashes):  # nothing rarer: the common phrases are all there is to go on
            for h in common:
                for text_id in self._posting(db, h, _POSTINGS_PER_SHINGLE):
                    if text_id not in found:
                        shared[text_id] = shared.get(text_id, 0) + 1
        best = sorted(shared, key=lambda t: -shared[t])[:_CANDIDATES]
        if best:
            self.confirmations_left -= len(best)
            marks = ",".join("?" * len(best))
            for text_id, blob in db.execute(f"SELECT id, words FROM texts WHERE id IN ({marks})", best):
                how = resemblance(tokens, zlib.decompress(blob).decode("utf-8").split(" "))
                if how is not None:
                    found[text_id] = how
        return found


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:  # no tables yet
        return None
    return row[0] if row else None


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (key, value))


def _before(fetched_at: str, limit: object) -> bool:
    try:
        return parse_timestamp(fetched_at) <= limit  # type: ignore[operator]
    except ValueError:
        return False


def _sort_key(occ: Occurrence) -> tuple[str, int, str, int]:
    exactness = 0 if occ.resemblance.match == "exact" else 1
    return (occ.ref.fetched_at, exactness, occ.ref.article, occ.ref.version)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
