"""Which URL `update` re-fetches: the one requested when tracking began, not the page's canonical link."""

from __future__ import annotations

import json
import socket

import pytest

from provtrack.store import Store
from provtrack.tracker import tracked_url
from provtrack.update import select


def _page(text: str, canonical: str | None) -> str:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    return (f"<html><head><title>Harbour wall</title>{link}</head><body><article><h1>Harbour wall</h1>"
            f"<p>{text}</p><p>Reported by the Fenwick Tribune desk in Lowmarsh, a town invented for these "
            f"tests.</p></article></body></html>")


FIRST = "The harbour wall in Lowmarsh was repaired on Monday after the storm."
SECOND = "The harbour wall in Lowmarsh collapsed again on Tuesday, the council said."


def _latest_meta(tmp_path, article: str) -> dict:
    store = Store(tmp_path / "store")
    meta = store.latest_meta(article)
    assert meta is not None
    return meta


def _snapshot(run, url: str) -> str:
    result = run("snapshot", url)
    assert result.exit_code == 0, result.output
    return result.stdout.split()[0]


def test_update_fetches_the_requested_url_when_the_canonical_link_is_dead(run, page_server, tmp_path):
    """The defect: update re-fetched the canonical link (404) instead of the page that was tracked."""
    story = page_server.serve("/story", _page(FIRST, "/canonical-dead"))
    article = _snapshot(run, story)
    assert _latest_meta(tmp_path, article)["article_url"] == page_server.url("/canonical-dead")
    page_server.serve("/story", _page(SECOND, "/canonical-dead"))
    page_server.requests.clear()
    result = run("update")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"changed    {article}  ")
    assert "/canonical-dead" not in page_server.requests
    assert page_server.requests == ["/story"]
    store = Store(tmp_path / "store")
    assert [v.ref.version for v in store.versions(article)] == [1, 2]
    meta = _latest_meta(tmp_path, article)
    assert (meta["article"], meta["article_url"]) == (article, page_server.url("/canonical-dead"))
    assert meta["requested_url"] == meta["tracked_url"] == story
    assert store.checks(article)[-1]["location"] == story


def test_update_does_not_track_a_working_canonical_that_is_another_page(run, page_server, tmp_path):
    """A canonical link on the same site that works but serves something else is not what the user tracks."""
    story = page_server.serve("/2026/harbour-wall", _page(FIRST, "/harbour-wall-live"))
    page_server.serve("/harbour-wall-live", _page("Live updates: the tide, the wind and the ferry timetable.",
                                                   None))
    article = _snapshot(run, story)
    page_server.requests.clear()
    result = run("update")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"unchanged  {article}  ")
    assert page_server.requests == ["/2026/harbour-wall"]
    assert [v.ref.version for v in Store(tmp_path / "store").versions(article)] == [1]


def test_update_falls_back_to_the_canonical_url_when_the_requested_one_is_gone_and_says_so(
        run, page_server, tmp_path):
    story = page_server.serve("/story?id=7", _page(FIRST, "/harbour-wall-repaired"))
    article = _snapshot(run, story)
    del page_server.pages["/story?id=7"]  # 404 now
    canonical = page_server.serve("/harbour-wall-repaired", _page(SECOND, "/harbour-wall-repaired"))
    result = run("update")
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"changed    {article}  ")
    assert (f"fetched the article's canonical URL {canonical} instead of the requested URL {story}, "
            f"which failed: HTTP 404 Not Found") in line
    table = "".join(result.stdout.split("\n", 1)[1].split())  # the closing rows (a table, or stacked) wrap details
    assert "article'scanonicalURL" in table and "whichfailed:HTTP404" in table
    store = Store(tmp_path / "store")
    meta = _latest_meta(tmp_path, article)
    assert meta["version"] == 2 and meta["article"] == article
    assert (meta["requested_url"], meta["tracked_url"]) == (canonical, story)  # truthful, and still tracked
    check = store.checks(article)[-1]
    assert check["location"] == canonical and "canonical URL" in check["note"]
    # once the requested URL is back, update fetches it again; the canonical's ETag is not sent to it
    page_server.serve("/story?id=7", _page(SECOND, "/harbour-wall-repaired"), headers={"ETag": '"s2"'})
    page_server.requests.clear()
    again = run("update")
    assert again.exit_code == 0, again.output
    assert page_server.requests == ["/story?id=7"]
    assert again.stdout.startswith(f"unchanged  {article}  same text")
    assert "canonical" not in again.stdout


def test_update_fails_in_one_line_when_the_requested_and_canonical_urls_both_fail(run, page_server, tmp_path):
    story = page_server.serve("/story", _page(FIRST, "/canonical-dead"))
    article = _snapshot(run, story)
    page_server.pages["/story"] = (410, {"Content-Type": "text/plain"}, b"gone")
    result = run("update")
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if x.startswith("failed     ")]
    assert f"HTTP 410 Gone for {story}" in line
    assert f"the article's canonical URL {page_server.url('/canonical-dead')} failed too: HTTP 404" in line
    assert "1 failed (1 checked)" in result.stdout
    store = Store(tmp_path / "store")
    assert [v.ref.version for v in store.versions(article)] == [1]  # nothing stored is lost
    check = store.checks(article)[-1]
    assert (check["result"], check["location"], check["status"]) == ("failed", story, 410)


def test_update_does_not_fall_back_when_the_requested_url_fails_for_another_reason(run, page_server, tmp_path):
    """A 503 says the site is down, not that the article moved: the canonical is not fetched."""
    story = page_server.serve("/story", _page(FIRST, "/harbour-wall-repaired"))
    page_server.serve("/harbour-wall-repaired", _page(SECOND, None))
    article = _snapshot(run, story)
    page_server.pages["/story"] = (503, {"Content-Type": "text/plain"}, b"busy")
    page_server.requests.clear()
    result = run("update")
    assert result.exit_code == 1
    assert page_server.requests == ["/story"]
    assert "HTTP 503 Service Unavailable" in result.stdout and "canonical" not in result.stdout
    assert Store(tmp_path / "store").checks(article)[-1]["status"] == 503


def test_update_does_not_fall_back_to_an_article_url_on_another_site(run, page_server, tmp_path):
    """The own-site rule of `usable_canonical`: a URL on another site is not this page's article."""
    story = page_server.serve("/story", _page(FIRST, None))
    elsewhere = page_server.url("/syndicated-harbour-wall").replace("127.0.0.1", "localhost")
    page_server.serve("/syndicated-harbour-wall", _page(SECOND, None))
    result = run("snapshot", story, "--url", elsewhere)
    assert result.exit_code == 0, result.output
    del page_server.pages["/story"]
    page_server.requests.clear()
    result = run("update")
    assert result.exit_code == 1
    assert page_server.requests == ["/story"]
    assert f"HTTP 404 Not Found for {story}" in result.stdout


def test_update_falls_back_to_the_canonical_url_when_the_requested_host_no_longer_resolves(
        run, page_server, tmp_path, monkeypatch):
    """A retired mobile host (m.) whose canonical link names the desktop site: DNS failure is gone too."""
    resolve, dead = socket.getaddrinfo, set()

    def fake_getaddrinfo(host, *args, **kwargs):
        if host in dead:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve("127.0.0.1" if host.endswith("harbour.test") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    port = page_server.httpd.server_address[1]
    canonical = f"http://harbour.test:{port}/harbour-wall-repaired"
    page_server.serve("/harbour-wall-repaired", _page(FIRST, canonical))
    article = _snapshot(run, f"http://m.harbour.test:{port}/harbour-wall-repaired")
    page_server.serve("/harbour-wall-repaired", _page(SECOND, canonical))
    dead.add("m.harbour.test")
    result = run("update")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"changed    {article}  ")
    assert f"fetched the article's canonical URL {canonical} instead of the requested URL" in result.stdout
    assert "which failed: cannot resolve host" in result.stdout


def test_update_of_a_saved_file_fetches_its_given_url(run, page_server, tmp_path):
    saved = tmp_path / "saved.html"
    saved.write_text(_page(FIRST, "/harbour-wall-repaired"), encoding="utf-8")
    url = page_server.serve("/2026/harbour-wall", _page(SECOND, "/harbour-wall-repaired"))
    result = run("snapshot", str(saved), "--url", url, "--at", "2026-02-05T09:00Z")
    assert result.exit_code == 0, result.output
    article = result.stdout.split()[0]
    assert _latest_meta(tmp_path, article)["tracked_url"] == url
    page_server.requests.clear()
    result = run("update")
    assert result.exit_code == 0, result.output
    assert page_server.requests == ["/2026/harbour-wall"]
    assert result.stdout.startswith(f"changed    {article}  ")


def test_update_json_and_log_stay_valid_after_a_fallback(run, page_server, tmp_path, validate):
    story = page_server.serve("/story", _page(FIRST, "/harbour-wall-repaired"))
    article = _snapshot(run, story)
    del page_server.pages["/story"]
    page_server.serve("/harbour-wall-repaired", _page(SECOND, None))
    assert run("update").exit_code == 0
    log = json.loads(run("log", article, "--format", "json").stdout)
    validate(log, "log")
    assert [v["url"] for v in log["versions"]] == [story, page_server.url("/harbour-wall-repaired")]


@pytest.mark.parametrize("meta, expected", [
    ({"tracked_url": "https://a.example/s", "urls": ["https://a.example/t"]}, "https://a.example/s"),
    # versions written before tracked_url was recorded: the first URL seen, which is version 1's request
    ({"urls": ["https://a.example/s?id=1", "https://a.example/canonical"], "article_url": "https://a.example/canonical",
      "requested_url": "https://a.example/canonical"}, "https://a.example/s?id=1"),
    ({"urls": [], "article_url": "https://a.example/c", "requested_url": None}, "https://a.example/c"),
    ({"tracked_url": None, "urls": ["saved.html"], "article_url": "https://a.example/c"}, "https://a.example/c"),
    ({"urls": [], "article_url": "", "requested_url": None}, None),
])
def test_tracked_url_of_stored_metadata(meta, expected):
    assert tracked_url(meta) == expected


def test_select_targets_carry_the_tracked_url_and_the_canonical_fallback(run, page_server, tmp_path):
    story = page_server.serve("/story", _page(FIRST, "/harbour-wall-repaired"))
    _snapshot(run, story)
    store = Store(tmp_path / "store")
    [target] = select(store)
    assert (target.url, target.canonical) == (story, page_server.url("/harbour-wall-repaired"))


_A, _C = "https://a.example/story?id=7", "https://a.example/harbour-wall"


@pytest.mark.parametrize("checks, meta_url, url, expected", [
    # the newest successful check fetched this URL: its validators
    ([{"result": "created", "location": _A, "etag": '"1"'}], _A, _A, (("If-None-Match", '"1"'),)),
    # ... failed checks in between do not count
    ([{"result": "created", "location": _A, "etag": '"1"'}, {"result": "failed", "location": _A}], _A, _A,
     (("If-None-Match", '"1"'),)),
    # the newest successful check fetched the canonical URL: its ETag says nothing about the requested URL
    ([{"result": "unchanged", "location": _A, "etag": '"1"'}, {"result": "created", "location": _C, "etag": '"2"'}],
     _C, _A, ()),
    ([{"result": "unchanged", "location": _A, "etag": '"1"'}, {"result": "created", "location": _C, "etag": '"2"'}],
     _C, _C, (("If-None-Match", '"2"'),)),
    # no check log: the stored version's headers, if that version was requested at this URL
    ([], _A, _A, (("If-None-Match", '"h"'),)),
    ([], _C, _A, ()),
    # records without a location (older logs) are taken to be of the URL
    ([{"result": "unchanged", "last_modified": "Thu, 05 Feb 2026 09:00:00 GMT"}], _A, _A,
     (("If-Modified-Since", "Thu, 05 Feb 2026 09:00:00 GMT"),)),
])
def test_validators_are_sent_only_to_the_url_they_came_from(checks, meta_url, url, expected):
    from provtrack.store import ArticleEntry
    from provtrack.update import _validators

    entry = ArticleEntry("a", {"requested_url": meta_url, "http": {"headers": {"ETag": '"h"'}}})
    assert _validators(entry, checks, url) == expected
