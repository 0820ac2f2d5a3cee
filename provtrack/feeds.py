"""RSS and Atom feeds: the list of feeds a store follows, and their article links.

Feeds are parsed with the standard library's xml.etree, but only after refusing any
DOCTYPE (so no entity can be declared, let alone expanded) and within a size bound. The
feed list is local to the machine (`.git/provtrack/feeds.json`), like the fetch log.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import urljoin, urlsplit

from provtrack.errors import FetchError, NotFoundError, ProvtrackError, UsageError

if TYPE_CHECKING:
    from provtrack.store import Store
    from provtrack.update import CheckResult, Target

MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 1000
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"


def feed_links(data: bytes, base_url: str) -> list[str]:
    """The article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, absolute, http(s) only, in feed order."""
    if len(data) > MAX_FEED_BYTES:
        raise FetchError(f"feed larger than {MAX_FEED_BYTES} bytes: {base_url}")
    if _DOCTYPE.search(data):
        raise FetchError(f"feed declares a DOCTYPE or entities (refused): {base_url}")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FetchError(f"not a well-formed feed ({exc}): {base_url}") from None
    found: list[str] = []
    if root.tag == "rss" or root.tag.endswith("RDF"):
        found = [(item.findtext("link") or item.findtext(f"{_RSS1}link") or "").strip()
                 for item in [*root.iter("item"), *root.iter(f"{_RSS1}item")]]
    elif root.tag == f"{_ATOM}feed":
        for entry in root.iter(f"{_ATOM}entry"):
            candidates = entry.findall(f"{_ATOM}link")
            best = next((c for c in candidates if c.get("rel", "alternate") == "alternate"), None)
            found.append((best.get("href") or "").strip() if best is not None else "")
    else:
        raise FetchError(f"not an RSS or Atom feed (root element {root.tag[:60]!r}): {base_url}")
    links: list[str] = []
    for link in found[:MAX_ITEMS]:
        try:  # a feed's own markup: a malformed link is skipped, never an internal error
            absolute = urljoin(base_url, link) if link else ""
            scheme = urlsplit(absolute).scheme
        except ValueError:
            continue
        if scheme in ("http", "https") and absolute not in links:
            links.append(absolute)
    return links


class FeedList:
    """The feeds a store follows (`provtrack feed add/list/remove`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.git_dir / "provtrack" / "feeds.json"

    def load(self) -> list[str]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        feeds = data.get("feeds", []) if isinstance(data, dict) else []
        return [f["url"] for f in feeds if isinstance(f, dict) and isinstance(f.get("url"), str)]

    def _save(self, feeds: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".feeds.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"feeds": [{"url": u} for u in feeds]}, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def add(self, url: str) -> bool:
        """Follow *url* (normalised); False if it was already followed."""
        from provtrack.tracker import check_article_url

        try:
            url = check_article_url(url)
        except UsageError:
            raise UsageError(f"a feed must be an http(s) URL without credentials, got {url!r}") from None
        with self.store.locked():
            feeds = self.load()
            if url in feeds:
                return False
            self._save([*feeds, url])
        return True

    def remove(self, url: str) -> None:
        with self.store.locked():
            feeds = self.load()
            matches = [f for f in feeds if f == url or f == _normal(url)]
            if not matches:
                raise NotFoundError(f"not following feed {url} (see `provtrack feed list`)")
            self._save([f for f in feeds if f not in matches])


def _normal(url: str) -> str:
    from provtrack.urls import normalize_url

    try:
        return normalize_url(url)
    except ProvtrackError:
        return url


def _read_feed(url: str, timeout: float) -> list[str] | ProvtrackError:
    from provtrack.fetch_http import fetch_url

    try:
        record = fetch_url(url, total_timeout=timeout, max_bytes=MAX_FEED_BYTES)
        return feed_links(record.raw, record.final_url or url)
    except ProvtrackError as exc:
        return exc


def feed_targets(store: Store, *, jobs: int = 8, timeout: float = 60.0) -> tuple[list[Target], list[CheckResult]]:
    """New article links from every followed feed (as update targets), and failures reading feeds."""
    from provtrack.update import CheckResult, Target

    feeds = FeedList(store).load() if store.exists else []
    if not feeds:
        return [], []
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(feeds)))) as pool:
        results = list(pool.map(lambda u: _read_feed(u, timeout), feeds))
    targets: list[Target] = []
    failures: list[CheckResult] = []
    seen: set[str] = set()
    for feed, got in zip(feeds, results):
        if isinstance(got, ProvtrackError):
            failures.append(CheckResult(feed, None, "failed", None, f"feed: {' '.join(str(got).split())}"))
            continue
        for link in got:
            key = _normal(link)
            if key in seen or store.find_article(key) is not None:
                continue
            seen.add(key)
            targets.append(Target(url=link))
    return targets, failures
