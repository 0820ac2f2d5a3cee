"""`provtrack update` and `schedule` against a local server with changes, latency, 304s and failures."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from provtrack.schedule import MAX_INTERVAL, MIN_INTERVAL, next_check, parse_duration, format_duration
from provtrack.errors import UsageError
from provtrack.store import Store
from provtrack.update import select, update


class NewsServer:
    """Articles whose text, status and latency tests control; honours If-None-Match with 304."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.status: dict[str, int] = {}
        self.delay = 0.0
        self.etags = True
        self.requests: list[tuple[str, str | None]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                with server.lock:
                    server.requests.append((self.path, self.headers.get("If-None-Match")))
                time.sleep(server.delay)
                status = server.status.get(self.path, 200 if self.path in server.texts else 404)
                body = server.page(self.path).encode() if status == 200 else b"gone"
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if status == 200 and server.etags and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if server.etags:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def page(self, path: str) -> str:
        text = self.texts[path]
        return (f"<html><head><title>Story {path}</title><link rel='canonical' href='{self.url(path)}'></head>"
                f"<body><article><h1>Story {path}</h1><p>{text}</p><p>Reported by the Fenwick Tribune desk "
                f"in Lowmarsh, a town invented for these tests.</p></article></body></html>")


@pytest.fixture
def news():
    server = NewsServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _track(run, news, count: int) -> list[str]:
    urls = []
    for n in range(count):
        path = f"/news/{n}"
        news.texts[path] = f"Item {n}: the harbour wall was repaired on Monday."
        urls.append(news.url(path))
    assert run("snapshot", *urls).exit_code == 0
    return urls


def test_update_reports_changed_unchanged_and_failed_and_keeps_going(run, news, tmp_path):
    _track(run, news, 5)
    news.texts["/news/1"] = "Item 1: the harbour wall collapsed again on Tuesday."
    news.status["/news/2"] = 503
    news.etags = False  # 200s with the same text: unchanged without a 304
    news.texts["/news/3"] = news.texts["/news/3"]
    result = run("update", "--jobs", "3")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # one plain line per check as it completes (result padded to 9), then the closing table
    assert sum(line.startswith("changed    ") for line in lines) == 1
    assert sum(line.startswith("failed     ") for line in lines) == 1
    assert sum(line.startswith("unchanged  ") for line in lines) == 3
    table = lines[lines.index(next(line for line in lines if line.startswith("result"))):]
    assert [line.split()[0] for line in table[1:-1] if line.split()[0] in ("changed", "failed")] == \
        ["changed", "failed"]
    assert "HTTP 503 Service Unavailable" in result.stdout
    assert "1 changed, 3 unchanged, 1 failed (5 checked)" in result.stdout
    store = Store(tmp_path / "store")
    article = store.resolve_article(news.url("/news/1"))
    assert [v.ref.version for v in store.versions(article)] == [1, 2]
    failed = store.resolve_article(news.url("/news/2"))
    assert store.checks(failed)[-1]["result"] == "failed"
    log = run("log", failed)
    assert "failed" in log.stdout and "HTTP 503" in log.stdout


def test_conditional_requests_turn_into_unchanged_304_checks(run, news, tmp_path):
    _track(run, news, 2)
    first = run("update")
    assert first.exit_code == 0, first.output
    assert "304 not modified" in first.stdout
    sent = [etag for path, etag in news.requests[-2:]]
    assert all(etag and etag.startswith('"') for etag in sent)
    store = Store(tmp_path / "store")
    article = store.resolve_article(news.url("/news/0"))
    check = store.checks(article)[-1]
    assert (check["result"], check["status"], check["version"]) == ("unchanged", 304, 1)
    log = run("log", article)
    assert "unchanged since v1 as of" in log.stdout
    # a change is a 200 with a new ETag, stored as v2
    news.texts["/news/0"] = "Item 0: the harbour wall was rebuilt in stone."
    assert run("update", article).exit_code == 0
    assert [v.ref.version for v in store.versions(article)] == [1, 2]


def test_many_slow_articles_with_jobs(run, news, tmp_path):
    _track(run, news, 12)
    news.delay = 0.05
    for n in range(0, 12, 3):
        news.texts[f"/news/{n}"] += " Updated."
    result = run("update", "--jobs", "12")
    assert result.exit_code == 0, result.output
    assert "4 changed, 8 unchanged, 0 failed (12 checked)" in result.stdout
    store = Store(tmp_path / "store")
    assert len(list(store.articles())) == 12
    assert sum(len(store.versions(e.id)) for e in store.articles()) == 16


def test_unknown_article_and_empty_store(run, news):
    assert run("update").exit_code == 1  # no store yet
    _track(run, news, 1)
    result = run("update", "nothing-like-this")
    assert result.exit_code == 1 and "no article" in result.stderr


def test_adaptive_schedule_rule():
    t0 = datetime(2026, 2, 5, 8, tzinfo=timezone.utc)
    assert next_check(last_change=t0, last_check=None) == (MIN_INTERVAL, t0)
    # young and just changed: the minimum interval
    assert next_check(last_change=t0, last_check=t0 + timedelta(minutes=10))[0] == MIN_INTERVAL
    # quiet for 8 hours: every 2 hours
    interval, due = next_check(last_change=t0, last_check=t0 + timedelta(hours=8))
    assert interval == timedelta(hours=2) and due == t0 + timedelta(hours=10)
    assert next_check(last_change=t0, last_check=t0 + timedelta(days=90))[0] == MAX_INTERVAL
    # failures back off, bounded
    assert next_check(last_change=t0, last_check=t0 + timedelta(hours=8), failures=2)[0] == timedelta(hours=8)
    assert next_check(last_change=t0, last_check=t0 + timedelta(hours=8), failures=30)[0] == timedelta(hours=26)
    assert next_check(last_change=t0, last_check=t0, override=timedelta(hours=3))[0] == timedelta(hours=3)


@pytest.mark.parametrize("text, seconds", [("30m", 1800), ("1h", 3600), ("2d", 172800), ("1w", 604800),
                                           ("90s", 90), ("1.5h", 5400)])
def test_durations(text, seconds):
    assert parse_duration(text).total_seconds() == seconds
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)


@pytest.mark.parametrize("bad", ["", "5", "10x", "30s", "2y", "-1h", "400d"])
def test_bad_durations(bad):
    with pytest.raises(UsageError):
        parse_duration(bad)


def test_due_and_per_article_override(run, news, tmp_path):
    _track(run, news, 2)
    store = Store(tmp_path / "store")
    # just fetched: young and changing, next due after the minimum interval
    assert select(store, due=True) == []
    result = run("update", "--due")
    assert result.exit_code == 0 and "(0 checked)" in result.stdout
    assert len(select(store, due=True, now=datetime.now(timezone.utc) + MIN_INTERVAL + timedelta(minutes=1))) == 2
    article = store.resolve_article(news.url("/news/1"))
    result = run("schedule", article, "--every", "1h")
    assert result.exit_code == 0 and "every 1h" in result.stdout
    later = datetime.now(timezone.utc) + timedelta(minutes=30)
    assert [t.article for t in select(store, due=True, now=later)] == [store.resolve_article(news.url("/news/0"))]
    listing = run("schedule")
    assert "every 1h" in listing.stdout and "adaptive" in listing.stdout
    assert run("schedule", article, "--auto").exit_code == 0
    assert "every 1h" not in run("schedule").stdout
    assert run("schedule", article, "--every", "1h", "--auto").exit_code == 2
    assert run("schedule", "--every", "1h").exit_code == 2


def test_update_results_stream_as_they_complete(run, news, tmp_path):
    _track(run, news, 3)
    store = Store(tmp_path / "store")
    results = list(update(store, select(store), jobs=2))
    assert sorted(r.result for r in results) == ["unchanged"] * 3


def test_a_page_that_collapses_is_a_suspect_check_not_a_version(run, news, tmp_path):
    """update keeps a paywalled fetch as evidence, as snapshot does, instead of a v2 of mass deletions."""
    path = "/news/long"
    news.texts[path] = " ".join(f"Sentence {n} of the Lowmarsh council report on the harbour wall repairs."
                                for n in range(20))
    assert run("snapshot", news.url(path)).exit_code == 0
    news.texts[path] = "Subscribe to the Fenwick Tribune to keep reading."
    news.etags = False
    result = run("update")
    assert result.exit_code == 0, result.output
    assert any(line.startswith("suspect    ") for line in result.stdout.splitlines())
    assert "0 changed, 0 unchanged, 1 suspect, 0 failed" in result.stdout
    [article] = json.loads(run("list", "--format", "json").stdout)["articles"]
    assert article["versions"] == 1
    log = json.loads(run("log", article["id"], "--format", "json").stdout)
    assert len(log["versions"]) == 1 and len(log["suspect_fetches"]) == 1
    assert "shorter than v1" in log["suspect_fetches"][0]["reason"]
