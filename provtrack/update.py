"""Re-check tracked articles: concurrent conditional fetches, one writer, every check recorded.

Network I/O runs on a thread pool; the generator's consumer (one thread) does every store
write, each change under the store's lock as its own small batch (see batch.py). One
failing site never stops the run: its failure is a result and a recorded check.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from provtrack.batch import VersionBatch
from provtrack.errors import ExtractError, ProvtrackError, UsageError
from provtrack.extract import extract
from provtrack.fetch import utc_now
from provtrack.fetch_http import fetch_url
from provtrack.limits import DEFAULT_MAX_BYTES, DEFAULT_TOTAL_TIMEOUT
from provtrack.model import FetchRecord, summary_line
from provtrack.schedule import Due, Overrides, format_duration, next_check
from provtrack.store import ArticleEntry, Store
from provtrack.timeutil import parse_timestamp
from provtrack.tracker import Source

DEFAULT_JOBS = 8
_VALIDATORS = {"etag": "If-None-Match", "last_modified": "If-Modified-Since"}


@dataclass(frozen=True)
class Target:
    """Something to fetch: a tracked article (with its validators) or a new URL (article None)."""

    url: str
    article: str | None = None
    version: int = 0
    conditional: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: `changed`, `unchanged`, `suspect` (kept as evidence, not a version) or
    `failed`, with a one-line detail."""

    url: str
    article: str | None
    result: str
    version: int | None
    detail: str


# -- choosing what to check --------------------------------------------------------------

def _validators(entry: ArticleEntry, checks: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    """If-None-Match / If-Modified-Since from the newest successful check, else from the stored headers."""
    for check in reversed(checks):
        if check.get("result") != "failed" and any(check.get(k) for k in _VALIDATORS):
            return tuple((h, str(check[k])) for k, h in _VALIDATORS.items() if check.get(k))
        if check.get("result") == "created":
            break
    headers = (entry.meta.get("http") or {}).get("headers") or {}
    found = (("If-None-Match", headers.get("ETag")), ("If-Modified-Since", headers.get("Last-Modified")))
    return tuple((h, str(v)) for h, v in found if v)


def _target(store: Store, entry: ArticleEntry) -> Target | None:
    url = str(entry.meta.get("article_url") or entry.meta.get("final_url") or "")
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return Target(url=url, article=entry.id, version=int(entry.meta.get("version") or 0),
                  conditional=_validators(entry, store.checks(entry.id)))


def schedules(store: Store) -> list[tuple[ArticleEntry, Due]]:
    """Every article with its interval and next check under the adaptive rule or its override."""
    overrides = Overrides(store.git_dir / "provtrack").load() if store.exists else {}
    out = []
    for entry in store.articles():
        checks = store.checks(entry.id)
        last_change = parse_timestamp(str(entry.meta.get("fetched_at") or "1970-01-01"))
        stamps = [parse_timestamp(str(c["fetched_at"])) for c in checks if c.get("fetched_at")]
        last_check = max([s for s in stamps if s >= last_change], default=None)
        failures = 0
        for check in reversed(checks):
            if check.get("result") != "failed":
                break
            failures += 1
        override = overrides.get(entry.id)
        interval, due = next_check(last_change=last_change, last_check=last_check, failures=failures,
                                   override=override)
        rule = f"every {format_duration(override)}" if override else "adaptive"
        out.append((entry, Due(entry.id, interval, due, rule)))
    return out


def select(store: Store, names: Sequence[str] = (), *, due: bool = False,
           now: datetime | None = None) -> list[Target]:
    """Targets for `update`: the named articles, or every article (only those due with *due*)."""
    moment = now or datetime.now(timezone.utc)
    if names:
        wanted = {store.resolve_article(name) for name in names}
        entries = [e for e in store.articles() if e.id in wanted]
    elif due:
        entries = [e for e, d in schedules(store) if d.next_check <= moment]
    else:
        entries = list(store.articles()) if store.exists else []
    targets = [t for t in (_target(store, e) for e in entries) if t is not None]
    if names and not targets:
        raise UsageError("none of the named articles has an http(s) URL to re-fetch")
    return targets


def plan(store: Store, names: Sequence[str] = (), *, due: bool = False, feeds: bool = True, jobs: int = DEFAULT_JOBS,
         timeout: float = DEFAULT_TOTAL_TIMEOUT) -> tuple[list[Target], list[CheckResult]]:
    """What `update` checks: `select`'s articles plus, unless articles are named, new links from the
    followed feeds; and the feeds that could not be read (as failed results)."""
    targets = select(store, names, due=due)
    if names or not feeds:
        return targets, []
    from provtrack.feeds import feed_targets

    new, failures = feed_targets(store, jobs=jobs, timeout=timeout)
    return targets + new, failures


def set_schedule(store: Store, names: Sequence[str], *, every: timedelta | None) -> list[str]:
    """Give the named articles a fixed interval (*every*), or return them to the adaptive rule (None)."""
    articles = [store.resolve_article(name) for name in names]
    overrides = Overrides(store.git_dir / "provtrack")
    with store.locked():
        current = overrides.load()
        for article in articles:
            if every is None:
                current.pop(article, None)
            else:
                current[article] = every
        overrides.save(current)
    return articles


# -- checking ----------------------------------------------------------------------------

def _fetch(target: Target, timeout: float, max_bytes: int) -> Source | FetchRecord | ProvtrackError:
    """Fetch and extract in a worker thread; errors are returned, not raised."""
    try:
        record = fetch_url(target.url, total_timeout=timeout, max_bytes=max_bytes,
                           conditional=dict(target.conditional) or None)
        if record.status == 304:
            return record
        document = extract(record.raw, content_type=record.content_type, name=record.final_url or target.url,
                           http_charset=record.charset)
        if not document.blocks:
            raise ExtractError(f"no article text found in {target.url}")
        return Source(record, document)
    except ProvtrackError as exc:
        return exc
    except Exception as exc:  # one hostile page must not stop the run
        return ProvtrackError(f"unexpected {type(exc).__name__} while fetching {target.url}")


def _header(record: FetchRecord, name: str) -> str | None:
    return next((v for k, v in record.headers if k.lower() == name.lower()), None)


def update(store: Store, targets: Sequence[Target], *, jobs: int = DEFAULT_JOBS, keep_raw: bool = True,
           timeout: float = DEFAULT_TOTAL_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[CheckResult]:
    """Check every target, yielding results as they complete (the consumer's thread writes the store)."""
    if not targets:
        return
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(targets))), thread_name_prefix="provtrack-fetch")
    try:
        futures: dict[Future[Source | FetchRecord | ProvtrackError], Target] = {
            pool.submit(_fetch, t, timeout, max_bytes): t for t in targets}
        for future in as_completed(futures):
            yield _record(store, futures[future], future.result(), keep_raw)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _record(store: Store, target: Target, got: Source | FetchRecord | ProvtrackError, keep_raw: bool) -> CheckResult:
    """Store what one fetch found (a new version, an unchanged check or a failure)."""
    if isinstance(got, ProvtrackError):
        return _failed(store, target, str(got), getattr(got, "status", None))
    if isinstance(got, FetchRecord):  # 304 Not Modified
        store.record_check({"article": target.article, "fetched_at": got.fetched_at, "location": target.url,
                            "status": 304, "result": "unchanged", "version": target.version,
                            **_kept_validators(got, dict(target.conditional))})
        return CheckResult(target.url, target.article, "unchanged", target.version, "304 not modified")
    validators = _kept_validators(got.record, {})
    try:
        with store.locked(), VersionBatch(store, keep_raw=keep_raw) as batch:
            outcome = batch.add(got, article=target.article, check=validators)
            batch.commit()
    except ProvtrackError as exc:
        return _failed(store, target, str(exc), got.record.status)
    if outcome.suspect is not None:
        return CheckResult(target.url, outcome.article, "suspect", outcome.ref.version,
                           f"{outcome.suspect.reason}; kept as evidence in commit {outcome.suspect.commit[:10]}, "
                           f"not as a version")
    if outcome.created:
        detail = "first version" if outcome.ref.version == 1 else summary_line(outcome.summary)
        return CheckResult(target.url, outcome.article, "changed", outcome.ref.version, detail)
    return CheckResult(target.url, outcome.article, "unchanged", outcome.ref.version, "same text")


def _kept_validators(record: FetchRecord, fallback: Mapping[str, str]) -> dict[str, str]:
    """The validators to send next time: the response's own, else the ones just sent (a 304 may omit them)."""
    found = {key: _header(record, "ETag" if key == "etag" else "Last-Modified") or fallback.get(header)
             for key, header in _VALIDATORS.items()}
    return {k: v for k, v in found.items() if v}


def _failed(store: Store, target: Target, reason: str, status: int | None) -> CheckResult:
    reason = " ".join(reason.split())
    if target.article is not None:
        store.record_check({"article": target.article, "fetched_at": utc_now(), "location": target.url,
                            "status": status, "result": "failed", "error": reason, "version": target.version})
    return CheckResult(target.url, target.article, "failed", target.version or None, reason)
