"""Feeds: RSS and Atom parsed safely with the standard library; `update` tracks new links."""

from __future__ import annotations

import pytest

from provtrack.errors import FetchError
from provtrack.feeds import MAX_FEED_BYTES, feed_links
from provtrack.store import Store

BASE = "https://gullhaven.example/feeds/news.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Gullhaven Post</title>
<item><title>Bridge</title><link>https://gullhaven.example/news/bridge</link></item>
<item><title>Relative</title><link>/news/relative</link></item>
<item><title>Duplicate</title><link>https://gullhaven.example/news/bridge</link></item>
<item><title>Mail</title><link>mailto:desk@gullhaven.example</link></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Gullhaven Post</title>
<entry><title>One</title><link rel="self" href="https://gullhaven.example/api/1"/>
<link href="https://gullhaven.example/news/one"/></entry>
<entry><title>Two</title><link rel="alternate" type="text/html" href="two"/></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<item rdf:about="x"><title>Old style</title><link>https://gullhaven.example/news/rdf</link></item>
</rdf:RDF>"""


@pytest.mark.parametrize("data, links", [
    (RSS, ["https://gullhaven.example/news/bridge", "https://gullhaven.example/news/relative"]),
    (ATOM, ["https://gullhaven.example/news/one", "https://gullhaven.example/feeds/two"]),
    (RDF, ["https://gullhaven.example/news/rdf"]),
])
def test_rss_atom_and_rdf_links(data, links):
    assert feed_links(data, BASE) == links


@pytest.mark.parametrize("data, message", [
    (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss>&b;</rss>', "DOCTYPE"),
    (b'<!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss/>', "DOCTYPE"),
    (b"<rss><channel><item>", "not a well-formed feed"),
    (b"<html><body>hello</body></html>", "not an RSS or Atom feed"),
    (b"<rss>" + b" " * MAX_FEED_BYTES + b"</rss>", "feed larger than"),
])
def test_hostile_or_broken_feeds_are_refused_in_one_line(data, message):
    with pytest.raises(FetchError, match=message):
        feed_links(data, BASE)


def _article(n: int, server) -> str:
    return (f"<html><head><title>Story {n}</title><link rel='canonical' href='{server.url(f'/news/{n}')}'>"
            f"</head><body><article><h1>Story {n}</h1><p>The Gullhaven Post reports that story {n} is about "
            f"the new tide gauge on the north pier.</p></article></body></html>")


def test_update_follows_feeds_and_tracks_new_links_once(run, page_server, tmp_path):
    for n in range(3):
        page_server.serve(f"/news/{n}", _article(n, page_server))
    items = "".join(f"<item><link>{page_server.url(f'/news/{n}')}</link></item>" for n in range(2))
    feed_url = page_server.serve("/rss.xml", f"<rss><channel>{items}</channel></rss>", content_type="application/rss+xml")
    assert run("feed", "add", feed_url).exit_code == 0
    assert "already following" in run("feed", "add", feed_url).stdout
    assert run("feed", "list").stdout.strip() == feed_url
    result = run("update")
    assert result.exit_code == 0, result.output
    assert "2 changed, 0 unchanged, 0 failed (2 checked)" in result.stdout
    store = Store(tmp_path / "store")
    assert len(list(store.articles())) == 2
    # the next run re-checks the two articles and picks up the feed's new link
    items += f"<item><link>{page_server.url('/news/2')}</link></item>"
    page_server.serve("/rss.xml", f"<rss><channel>{items}</channel></rss>", content_type="application/rss+xml")
    result = run("update")
    assert "1 changed, 2 unchanged, 0 failed (3 checked)" in result.stdout
    assert run("feed", "remove", feed_url).exit_code == 0
    assert run("feed", "list").stdout == ""
    assert run("feed", "remove", feed_url).exit_code == 1


def test_a_broken_feed_is_a_failure_but_articles_are_still_checked(run, page_server):
    page_server.serve("/news/0", _article(0, page_server))
    assert run("snapshot", page_server.url("/news/0")).exit_code == 0
    page_server.serve("/bad.xml", '<!DOCTYPE x [<!ENTITY e "boom">]><rss>&e;</rss>', content_type="text/xml")
    assert run("feed", "add", page_server.url("/bad.xml")).exit_code == 0
    result = run("update")
    assert result.exit_code == 1
    assert "feed: feed declares a DOCTYPE" in result.output
    assert "0 changed, 1 unchanged, 1 failed (2 checked)" in result.stdout


def test_bad_feed_urls(run):
    result = run("feed", "add", "ftp://gullhaven.example/feed")
    assert result.exit_code == 2 and "http(s) URL" in result.stderr


def test_a_malformed_link_in_a_feed_is_skipped_not_an_internal_error():
    feed = (b'<rss version="2.0"><channel><title>Harbour Desk</title>'
            b'<item><link>http://[::1</link></item>'
            b'<item><link>https://quillanbay.example/news/ferry-timetable</link></item></channel></rss>')
    assert feed_links(feed, "https://quillanbay.example/feed.xml") == ["https://quillanbay.example/news/ferry-timetable"]
