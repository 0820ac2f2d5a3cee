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
from provtrack.errors import ExtractError, FetchError, ProvtrackError, UsageError
from provtrack.extract import extract
from provtrack.fetch import utc_now
from provtrack.fetch_http import fetch_url
from provtrack.limits import DEFAULT_MAX_BYTES, DEFAULT_TOTAL_TIMEOUT
from provtrack.model import FetchRecord, summary_line
from provtrack.schedule import Due, Overrides, format_duration, next_check
from provtrack.store import ArticleEntry, Store
from provtrack.timeutil import parse_timestamp
from provtrack.tracker import Source, same_site, tracked_url
from provtrack.urls import normalize_url

DEFAULT_JOBS = 8
_VALIDATORS = {"etag": "If-None-Match", "last_modified": "If-Modified-Since"}


@dataclass(frozen=True)
class Target:
    """Something to fetch: a tracked article (with its validators) or a new URL (article None).

    A tracked article is fetched at the URL requested when tracking began (`tracked_url`), not
    at its canonical URL: a template's canonical link may be dead or name another page.
    """

    url: str
    article: str | None = None
    version: int = 0
    conditional: tuple[tuple[str, str], ...] = ()
    #: the article's canonical URL on the same site, fetched instead only when *url* is gone
    canonical: str | None = None
    canonical_conditional: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: `changed`, `unchanged`, `suspect` (kept as evidence, not a version) or
    `failed`, with a one-line detail."""

    url: str
    article: str | None
    result: str
    version: int | None
    detail: str
    #: set when the page came from the article's canonical URL, not the tracked one, saying why
    note: str | None = None

    @property
    def full_detail(self) -> str:
        """The detail and the note, on one line."""
        return f"{self.detail}; {self.note}" if self.note else self.detail


@dataclass(frozen=True)
class _Fetched:
    """What one worker got (a page, a 304 or an error) and from which URL."""

    got: Source | FetchRecord | ProvtrackError
    url: str
    note: str | None = None


# -- choosing what to check --------------------------------------------------------------

def _validators(entry: ArticleEntry, checks: Sequence[Mapping[str, Any]], url: str) -> tuple[tuple[str, str], ...]:
    """If-None-Match / If-Modified-Since for *url* from the newest successful check, else from the stored
    headers; none when that check or version fetched another URL (its validators say nothing about *url*)."""
    for check in reversed(checks):
        if check.get("result") == "failed":
            continue
        if not _same_url(check.get("location"), url):
            return ()
        if any(check.get(k) for k in _VALIDATORS):
            return tuple((h, str(check[k])) for k, h in _VALIDATORS.items() if check.get(k))
        if check.get("result") == "created":
            break
    if not _same_url(entry.meta.get("requested_url"), url):
        return ()
    headers = (entry.meta.get("http") or {}).get("headers") or {}
    found = (("If-None-Match", headers.get("ETag")), ("If-Modified-Since", headers.get("Last-Modified")))
    return tuple((h, str(v)) for h, v in found if v)


def _same_url(recorded: object, url: str) -> bool:
    """Whether a check's or version's recorded URL is *url* (a record without one is taken to be)."""
    if recorded is None:
        return True
    if not isinstance(recorded, str):
        return False
    try:
        return recorded == url or normalize_url(recorded) == normalize_url(url)
    except UsageError:
        return False


def _fallback(url: str, article_url: str) -> str | None:
    """The article URL to fetch when *url* is gone: another URL, on the same site (as `usable_canonical` has it)."""
    if not article_url or _same_url(article_url, url) or urlsplit(article_url).scheme not in ("http", "https"):
        return None
    return article_url if same_site(article_url, url) else None


def _target(store: Store, entry: ArticleEntry) -> Target | None:
    url = tracked_url(entry.meta)
    if url is None:
        return None
    checks = store.checks(entry.id)
    canonical = _fallback(url, str(entry.meta.get("article_url") or ""))
    return Target(url=url, article=entry.id, version=int(entry.meta.get("version") or 0),
                  conditional=_validators(entry, checks, url), canonical=canonical,
                  canonical_conditional=_validators(entry, checks, canonical) if canonical else ())


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

def _fetch(target: Target, timeout: float, max_bytes: int) -> _Fetched:
    """Fetch the target's URL, or its canonical URL when that one is gone, in a worker thread.

    Only a gone URL (404, 410, unknown host) is worth a second request: a site that is down,
    slow or refusing serves its canonical URL no better.
    """
    got = _fetch_one(target.url, target.conditional, timeout, max_bytes)
    if target.canonical is None or not (isinstance(got, FetchError) and got.gone):
        return _Fetched(got, target.url)
    reason = " ".join(str(got).split())
    second = _fetch_one(target.canonical, target.canonical_conditional, timeout, max_bytes)
    if isinstance(second, ProvtrackError):
        also = " ".join(str(second).split())
        return _Fetched(FetchError(f"{reason}; the article's canonical URL {target.canonical} failed too: {also}",
                                   status=got.status, gone=True), target.url)
    return _Fetched(second, target.canonical, f"fetched the article's canonical URL {target.canonical} instead of "
                                              f"the requested URL {target.url}, which failed: {reason}")


def _fetch_one(url: str, conditional: tuple[tuple[str, str], ...], timeout: float,
               max_bytes: int) -> Source | FetchRecord | ProvtrackError:
    """Fetch and extract one URL; errors are returned, not raised."""
    try:
        record = fetch_url(url, total_timeout=timeout, max_bytes=max_bytes, conditional=dict(conditional) or None)
        if record.status == 304:
            return record
        document = extract(record.raw, content_type=record.content_type, name=record.final_url or url,
                           http_charset=record.charset)
        if not document.blocks:
            raise ExtractError(f"no article text found in {url}")
        return Source(record, document)
    except ProvtrackError as exc:
        return exc
    except Exception as exc:  # one hostile page must not stop the run
        return ProvtrackError(f"unexpected {type(exc).__name__} while fetching {url}")


def _header(record: FetchRecord, name: str) -> str | None:
    return next((v for k, v in record.headers if k.lower() == name.lower()), None)


def update(store: Store, targets: Sequence[Target], *, jobs: int = DEFAULT_JOBS, keep_raw: bool = True,
           timeout: float = DEFAULT_TOTAL_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[CheckResult]:
    """Check every target, yielding results as they complete (the consumer's thread writes the store)."""
    if not targets:
        return
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(targets))), thread_name_prefix="provtrack-fetch")
    try:
        futures: dict[Future[_Fetched], Target] = {
            pool.submit(_fetch, t, timeout, max_bytes): t for t in targets}
        for future in as_completed(futures):
            yield _record(store, futures[future], future.result(), keep_raw)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _record(store: Store, target: Target, fetched: _Fetched, keep_raw: bool) -> CheckResult:
    """Store what one fetch found (a new version, an unchanged check or a failure)."""
    got, url, note = fetched.got, fetched.url, fetched.note
    noted = {"note": note} if note else {}
    if isinstance(got, ProvtrackError):
        return _failed(store, target, str(got), getattr(got, "status", None))
    if isinstance(got, FetchRecord):  # 304 Not Modified
        sent = target.conditional if url == target.url else target.canonical_conditional
        store.record_check({"article": target.article, "fetched_at": got.fetched_at, "location": url,
                            "status": 304, "result": "unchanged", "version": target.version,
                            **_kept_validators(got, dict(sent)), **noted})
        return CheckResult(url, target.article, "unchanged", target.version, "304 not modified", note)
    validators = _kept_validators(got.record, {})
    try:
        with store.locked(), VersionBatch(store, keep_raw=keep_raw) as batch:
            outcome = batch.add(got, article=target.article, check={**validators, **noted})
            batch.commit()
    except ProvtrackError as exc:
        return _failed(store, target, f"{exc}; {note}" if note else str(exc), got.record.status, url)
    if outcome.suspect is not None:
        return CheckResult(url, outcome.article, "suspect", outcome.ref.version,
                           f"{outcome.suspect.reason}; kept as evidence in commit {outcome.suspect.commit[:10]}, "
                           f"not as a version", note)
    if outcome.created:
        detail = "first version" if outcome.ref.version == 1 else summary_line(outcome.summary)
        return CheckResult(url, outcome.article, "changed", outcome.ref.version, detail, note)
    return CheckResult(url, outcome.article, "unchanged", outcome.ref.version, "same text", note)


def _kept_validators(record: FetchRecord, fallback: Mapping[str, str]) -> dict[str, str]:
    """The validators to send next time: the response's own, else the ones just sent (a 304 may omit them)."""
    found = {key: _header(record, "ETag" if key == "etag" else "Last-Modified") or fallback.get(header)
             for key, header in _VALIDATORS.items()}
    return {k: v for k, v in found.items() if v}


def _failed(store: Store, target: Target, reason: str, status: int | None, url: str | None = None) -> CheckResult:
    reason, url = " ".join(reason.split()), url or target.url
    if target.article is not None:
        store.record_check({"article": target.article, "fetched_at": utc_now(), "location": url,
                            "status": status, "result": "failed", "error": reason, "version": target.version})
    return CheckResult(url, target.article, "failed", target.version or None, reason)
