"""Bulk import of saved copies: a folder of saved pages, or a CSV manifest `url,fetched_at,path`.

Rows are written in fetch-time order as ordinary versions (see batch.py): one lock, one
pack of objects and one ref update for the whole import, so thousands of versions take
seconds. By default a single bad row stops the import before anything is stored; with
`skip_bad` the good rows are imported and the bad ones reported.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from provtrack.errors import ProvtrackError, UsageError
from provtrack.limits import DEFAULT_MAX_BYTES
from provtrack.timeutil import normalize_timestamp, parse_timestamp, utc_iso

if TYPE_CHECKING:  # gitpython and the extractor load only when an import runs
    from provtrack.store import Store
    from provtrack.suspect import SuspectFetch
    from provtrack.tracker import Source

#: file names a folder import picks up
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
MANIFEST_COLUMNS = ("url", "fetched_at", "path")
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ImportRow:
    """One saved copy to import."""

    where: str  # `manifest.csv:3` or the file's path, for messages
    path: Path
    fetched_at: str
    url: str | None = None
    fetched_at_source: str = "given"  # "file-mtime" when the time is the file's modification time


@dataclass(frozen=True)
class Problem:
    """A row that could not be imported, and why (one line)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: versions created, unchanged copies, articles touched, bad rows."""

    rows: int
    created: int
    unchanged: int
    articles: int
    problems: tuple[Problem, ...]
    written: bool
    commit: str | None = None
    #: copies whose text collapsed against the article's newest version, kept as evidence (see suspect.py)
    suspect: tuple[SuspectFetch, ...] = ()


# -- reading rows ------------------------------------------------------------------------

def read_rows(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[ImportRow], list[Problem]]:
    """The rows named by *paths* (folders, CSV manifests, single saved files) and the bad ones."""
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), f"no saved pages ({', '.join(PAGE_SUFFIXES)}) in this folder"))
            rows.extend(_file_row(p) for p in found)
        elif path.suffix.lower() == ".csv":
            _manifest_rows(path, rows, problems)
        elif path.is_file():
            rows.append(_file_row(path))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return rows, problems


def _file_row(path: Path) -> ImportRow:
    """A saved page whose fetch time is its modification time (its article: its canonical link)."""
    moment = datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)
    return ImportRow(where=str(path), path=path, fetched_at=utc_iso(moment), fetched_at_source="file-mtime")


def _manifest_rows(manifest: Path, rows: list[ImportRow], problems: list[Problem]) -> None:
    try:
        if manifest.stat().st_size > _MAX_MANIFEST_BYTES:
            problems.append(Problem(str(manifest), f"manifest larger than {_MAX_MANIFEST_BYTES} bytes"))
            return
        text = manifest.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(Problem(str(manifest), "no such file"))
        return
    except (OSError, UnicodeError) as exc:
        problems.append(Problem(str(manifest), f"cannot read manifest ({getattr(exc, 'strerror', None) or exc})"))
        return
    folder = manifest.resolve().parent
    reader = csv.reader(text.splitlines())
    columns: tuple[str, ...] = MANIFEST_COLUMNS
    for number, cells in enumerate(reader, start=1):
        where = f"{manifest}:{number}"
        if not cells or all(not c.strip() for c in cells):
            continue
        names = tuple(c.strip().lower() for c in cells)
        if number == 1 and set(names) == set(MANIFEST_COLUMNS):  # a header row may reorder the columns
            columns = names
            continue
        try:
            rows.append(_manifest_row(where, dict(zip(columns, cells, strict=True)), folder))
        except ValueError:
            problems.append(Problem(where, f"expected {len(columns)} columns ({','.join(columns)}), got {len(cells)}"))
        except ProvtrackError as exc:
            problems.append(Problem(where, str(exc)))


def _manifest_row(where: str, cells: dict[str, str], folder: Path) -> ImportRow:
    from provtrack.tracker import check_article_url

    url = cells["url"].strip() or None
    if url is not None:
        check_article_url(url)
    stamp = cells["fetched_at"].strip()
    if not stamp:
        raise UsageError("fetched_at is empty (give an ISO 8601 time, e.g. 2026-02-05T09:00Z)")
    fetched_at = normalize_timestamp(stamp)
    moment = parse_timestamp(fetched_at)
    if moment.year < 1971 or moment > datetime.now(timezone.utc) + timedelta(days=1):
        raise UsageError(f"fetched_at {fetched_at} is outside the range of plausible fetch times (1971 to now)")
    name = cells["path"].strip()
    if not name:
        raise UsageError("path is empty")
    path = (folder / name).resolve()
    # a manifest is data, possibly from someone else: it may not pull files from elsewhere into the archive
    if not path.is_relative_to(folder):
        raise UsageError(f"path {name!r} is outside the manifest's folder")
    return ImportRow(where=where, path=path, fetched_at=fetched_at, url=url)


# -- importing ---------------------------------------------------------------------------

def import_saved(store: Store, paths: Sequence[str | os.PathLike[str]], *, keep_raw: bool = True,
                 skip_bad: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
                 accept_shorter: bool = False) -> ImportReport:
    """Import every row of *paths* into *store* in fetch-time order.

    Without *skip_bad*, any bad row (unreadable, no article text, no canonical link without
    a URL, earlier than the article's stored versions) means nothing is stored. A copy whose
    text collapsed against the article's newest version is kept as a suspect fetch, as
    `snapshot` keeps it, unless *accept_shorter*.
    """
    from provtrack.batch import VersionBatch

    rows, problems = read_rows(paths)
    rows.sort(key=lambda r: parse_timestamp(r.fetched_at))  # stable: same time keeps the given order
    if not rows or (problems and not skip_bad):
        for _ in _load(rows, problems, max_bytes):  # still name every bad row, in one run
            pass
        return ImportReport(len(rows), 0, 0, 0, tuple(problems), written=False)
    touched: set[str] = set()
    unchanged = 0
    suspect: list[SuspectFetch] = []
    with store.locked(), VersionBatch(store, keep_raw=keep_raw) as batch:
        for row, source in _load(rows, problems, max_bytes):
            try:
                outcome = batch.add(source, url=row.url, accept_shorter=accept_shorter)
            except ProvtrackError as exc:
                problems.append(Problem(row.where, str(exc)))
                continue
            touched.add(outcome.article)
            if outcome.suspect is not None:
                suspect.append(outcome.suspect)
            else:
                unchanged += not outcome.created
        if problems and not skip_bad:
            return ImportReport(len(rows), 0, 0, 0, tuple(problems), written=False)
        created = batch.created
        commit = batch.commit()
    return ImportReport(len(rows), created, unchanged, len(touched), tuple(problems), written=True, commit=commit,
                        suspect=tuple(suspect))


def _load(rows: list[ImportRow], problems: list[Problem], max_bytes: int) -> Iterator[tuple[ImportRow, Source]]:
    """(row, Source) for each row that reads and extracts, in order; the others become problems.

    Extraction is CPU work: large imports spread it over worker processes, one per core.
    """
    jobs = zip(rows, [max_bytes] * len(rows))
    if len(rows) < _POOL_MIN_ROWS or (os.cpu_count() or 1) < 2:
        results: Iterator[tuple[Source | None, str | None]] = (_load_one(job) for job in jobs)
        yield from _sorted_out(rows, results, problems)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked worker would inherit the store's lock, and keep holding it if
    # this process were killed (SIGKILL) while the worker finished its chunk
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
        yield from _sorted_out(rows, pool.map(_load_one, jobs, chunksize=16), problems)


_POOL_MIN_ROWS = 64


def _sorted_out(rows: list[ImportRow], results: Iterator[tuple[Source | None, str | None]],
                problems: list[Problem]) -> Iterator[tuple[ImportRow, Source]]:
    for row, (source, error) in zip(rows, results):
        if source is None:
            problems.append(Problem(row.where, str(error).replace(str(row.path), Path(row.path).name)))
        else:
            yield row, source


def _load_one(job: tuple[ImportRow, int]) -> tuple[Source | None, str | None]:
    from provtrack.tracker import load_source

    row, max_bytes = job
    try:
        return load_source(str(row.path), fetched_at=row.fetched_at, max_bytes=max_bytes,
                           fetched_at_source=row.fetched_at_source), None
    except ProvtrackError as exc:
        return None, str(exc)
