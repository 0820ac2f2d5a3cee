"""Pure helpers: article identity, timestamps, paragraph lineage."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from provtrack.blame import trace
from provtrack.errors import UsageError
from provtrack.model import Block
from provtrack.timeutil import human, normalize_timestamp
from provtrack.urls import article_id, canonical_problem, clean_url, normalize_url


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://WWW.News.Example:443/a/b?utm_source=x&id=3#top", "https://www.news.example/a/b?id=3"),
    ("http://news.example:8080", "http://news.example:8080/"),
    ("https://news.example/x?fbclid=1&gclid=2&utm_medium=m", "https://news.example/x"),
    ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
    ("https://news.example/a%20b", "https://news.example/a%20b"),
    ("https://news.example/a%2fb", "https://news.example/a%2Fb"),      # an escaped slash is not a slash
    ("https://news.example/a/./b/../c/", "https://news.example/a/c/"),  # dot segments resolved
    ("https://user:secret@news.example/x", "https://news.example/x"),  # credentials never kept
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_article_ids_are_readable_and_distinct():
    aid = article_id("https://www.valleyledger.example/news/2026/02/05/kestrel-valley-flood?utm_source=x")
    assert re.fullmatch(r"valleyledger\.example--kestrel-valley-flood-[0-9a-f]{8}", aid)
    assert article_id("https://news.example/Story") != article_id("https://news.example/story")
    assert article_id("https://news.example/story?utm_source=a") == article_id("https://news.example/story")


@given(st.text())
def test_article_ids_are_path_safe_for_any_url(path):
    aid = article_id("https://news.example/" + path)
    assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*", aid)
    assert ".." not in aid and "/" not in aid and len(aid) <= 110


@pytest.mark.parametrize("text, expected", [
    ("2026-02-05T10:00Z", "2026-02-05T10:00:00+00:00"),
    ("2026-02-05T11:00:00+01:00", "2026-02-05T10:00:00+00:00"),
    ("2026-02-05", "2026-02-05T00:00:00+00:00"),
    ("2026-02-05 10:00:30", "2026-02-05T10:00:30+00:00"),
])
def test_timestamps_normalise_to_utc(text, expected):
    assert normalize_timestamp(text) == expected


def test_bad_timestamp_is_a_usage_error():
    with pytest.raises(UsageError, match="bad timestamp"):
        normalize_timestamp("yesterday")
    assert human("2026-02-05T10:00:00+00:00") == "2026-02-05 10:00 UTC"


def _blocks(*texts: str) -> list[Block]:
    return [Block("paragraph", t) for t in texts]


def test_lineage_survives_edits_moves_and_restoration():
    from provtrack.diff import diff_blocks

    a = "The council met on Tuesday to discuss the new harbour budget for next year."
    b = "Residents protested outside the town hall for most of the afternoon session."
    c = "The mayor declined to comment on the protest when reached by phone later."
    history = [
        ("v1", _blocks(a, b)),
        ("v2", _blocks(a.replace("Tuesday", "Wednesday"), b, c)),   # edit + addition
        ("v3", _blocks(c, a.replace("Tuesday", "Wednesday"))),       # b removed, c moved up
        ("v4", _blocks(c, a.replace("Tuesday", "Wednesday"), b)),    # b restored
    ]
    lineage = trace(history, diff_blocks)
    last = lineage[-1]
    assert [lin.origin for lin in last] == ["v2", "v1", "v1"]
    assert last[1].last_changed == "v2" and last[1].edits == 1
    assert last[2].last_changed == "v4"  # it reappeared in v4, but its origin is still v1


def test_core_imports_no_terminal_cli_or_git_layers():
    code = ("import sys, provtrack.model, provtrack.extract, provtrack.diff, provtrack.blame, provtrack.urls, "
            "provtrack.timeutil, provtrack.errors, provtrack.blockfile, provtrack.align; "
            "print(sorted(m for m in ('click', 'rich', 'git') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- one spelling per URL: control characters refused, whitespace percent-encoded once -----------

@pytest.mark.parametrize("url, expected", [
    ("  https://news.example/a b  ", "https://news.example/a%20b"),       # surrounding space dropped, inner encoded
    ("https://news.example/x\u200by", "https://news.example/x%E2%80%8By"),  # an invisible character made visible
    ("https://news.example/\u202eevil", "https://news.example/%E2%80%AEevil"),
    ("https://news.example/\udcff", "https://news.example/%FF"),  # an undecodable command-line byte, as sent
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),  # an IPv6 literal keeps its brackets
    ("http://[2001:DB8::1]/x", "http://[2001:db8::1]/x"),
])
def test_urls_are_spelled_once(url, expected):
    assert normalize_url(url) == expected
    assert normalize_url(expected) == expected


@pytest.mark.parametrize("url", ["https://news.example/new\nline", "https://news.example/a\tb",
                                 "https://news.example/\x1b[31mred", "https://news.example/bell\x07",
                                 "https://news.example/c1\x85", "https://news.example/\x7f", "http://[::1/x",
                                 "https://news.example/\ud800"])
def test_control_characters_and_broken_urls_are_usage_errors(url):
    with pytest.raises(UsageError, match="malformed URL"):
        clean_url(url) if "[" not in url else normalize_url(url)
    with pytest.raises(UsageError):
        normalize_url(url)


_url_text = st.one_of(st.text(), st.lists(st.sampled_from(["http://", "[", "]", "::1", "%", "%2e", "..", "@", ":",
                                                           "/", "\\", "?", "#", " ", "\u3000", "\udcff", "é",
                                                           "x", "80"]), max_size=12).map("".join))


@given(_url_text)
def test_url_normalisation_raises_nothing_but_usage_error(text):
    for candidate in (text, "http://news.example/" + text, "https://" + text):
        canonical_problem(candidate, "http://news.example/a/b")  # a reason or None, never an exception
        try:
            cleaned = clean_url(candidate)
        except UsageError:
            continue
        assert not re.search(r"[\s\x00-\x1f\x7f-\x9f\u200b\u202e]", cleaned)
        try:
            normalize_url(candidate)
        except UsageError:
            pass


# --- which canonical links may name an article --------------------------------------------------

PAGE = "https://news.example/news/canon/lighthouse-keeper-retires"


@pytest.mark.parametrize("canonical, problem", [
    ("https://news.example/news/canon/lighthouse-keeper-retires", None),
    ("https://news.example/news/2026/02/05/lighthouse-keeper-retires", None),
    ("https://news.example/n/3", None),                       # a number names one page
    ("https://news.example/?p=123", None),                    # so does a query
    ("https://news.example/lighthouse.html", None),           # and a page extension
    ("https://news.example/story/lighthouse-keeper", None),   # two words are a slug
    ("https://news.example/", "site root"),
    ("https://news.example", "site root"),
    ("https://news.example/index.html", "site root"),
    ("https://news.example/?utm_source=x", "site root"),      # tracking parameters name nothing
    ("https://news.example/news/", "prefix of the page's own path"),
    ("https://news.example/news/canon", "prefix of the page's own path"),
    ("https://news.example/sport", "no article-like path segment"),
    ("https://news.example/%2e%2e/%2e%2e/.git/config", "normalises oddly"),
    ("https://news.example/a/../b-c-d", "normalises oddly"),
    ("https://news.example/a%2Fb-c", "normalises oddly"),
    ("https://news.example/a\\b-c", "normalises oddly"),
    ("https://news.example/a%00b-c", "normalises oddly"),
    ("https://user:pw@news.example/a-b", "user name or password"),
    ("http://[oops/x", "malformed"),
    ("https://news.example/a\nb", "malformed"),
])
def test_canonical_problem(canonical, problem):
    found = canonical_problem(canonical, PAGE)
    assert (found is None) if problem is None else (problem in (found or "")), found


def test_a_variant_of_a_page_may_declare_the_page_itself():
    assert canonical_problem("https://news.example/news/flood", "https://news.example/news/flood/amp") is None
    assert canonical_problem("https://news.example/news/flood", "https://news.example/amp/news/flood") is None
    assert canonical_problem("https://news.example/news/flood", "https://news.example/news/flood/comments")


# --- --at: the fetch time of a saved copy -------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026-02-05T10:00:59.999Z", "2026-02-05T10:00:59+00:00"),  # fractions dropped, never rounded up
    ("2026-02-05T10:00:00.5+01:00", "2026-02-05T09:00:00+00:00"),
    ("2026-02-05t10:00z", "2026-02-05T10:00:00+00:00"),
    ("2026-02-05T10:00", "2026-02-05T10:00:00+00:00"),        # no zone: UTC
    (" 2026-02-05 ", "2026-02-05T00:00:00+00:00"),            # a date alone: midnight UTC
])
def test_at_parsing(text, expected):
    assert normalize_timestamp(text) == expected


@pytest.mark.parametrize("text", ["", "2026-02-30", "2026-02-05T24:01Z", "10:00", "2026-02-05T10:00:60Z", "now"])
def test_bad_at_is_a_usage_error(text):
    with pytest.raises(UsageError, match="bad timestamp"):
        normalize_timestamp(text)
