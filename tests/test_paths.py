"""Article ids from hostile URLs never escape the store, never collide and are valid names everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from provtrack.errors import UsageError
from provtrack.store import Store, article_dir
from provtrack.urls import RESERVED_NAMES, article_id, id_hash, is_article_id, normalize_url

# pieces an attacker would reach for: traversal, separators in every spelling, look-alikes, devices
_HOSTILE = ["..", ".", "/", "\\", "%2f", "%2F", "%2e%2e", "%00", "\x00", "~", "con", "NUL", "aux.txt", "lpt1",
            "COM1", "ＣＯＮ", "аррӏе", "ехаmple", "K", "ı", "İ", "ß", "ﬁ", "\u202e", "\u200b", " ", "..\\..",
            "C:", "//", "?", "#", "@", ":", "*", "|", "<", ">", '"', "x" * 300, "é", "e\u0301", "🙂"]
_piece = st.one_of(st.sampled_from(_HOSTILE), st.text(min_size=1, max_size=12))
_host = st.lists(st.one_of(_piece, st.sampled_from(["example", "news", "com", "xn--80ak6aa92e"])),
                 min_size=1, max_size=5).map(".".join)
_path = st.lists(_piece, max_size=8).map(lambda parts: "/" + "/".join(parts))
_url = st.builds(lambda scheme, host, path, query: f"{scheme}{host}{path}{query}",
                 st.sampled_from(["http://", "https://", "HTTP://", "", "file://", "ftp://", "/"]),
                 _host, _path, st.sampled_from(["", "?a=1", "?utm_source=x", "#frag", "?q=%2F.."]))


def _identity(url: str) -> str:
    try:
        return normalize_url(url) if "://" in url else url
    except UsageError:
        return url


def _inside(root: Path, article: str) -> bool:
    target = (root / article_dir(article)).resolve()
    return target.parent.parent == root.resolve() / "articles" and target.name == article


@settings(max_examples=400)
@given(_url)
def test_ids_from_hostile_urls_are_safe_directory_names(url: str) -> None:
    article = article_id(url)
    assert is_article_id(article), article
    assert article == article_id(url)  # deterministic
    assert article.split(".")[0].lower() not in RESERVED_NAMES
    assert len(id_hash(article)) == 8 and all(c in "0123456789abcdef" for c in id_hash(article))
    assert _inside(Path("/srv/store"), article)


@settings(max_examples=150)
@given(st.lists(_url, min_size=2, max_size=20, unique=True))
def test_distinct_article_urls_get_distinct_ids(urls: list[str]) -> None:
    identities = {_identity(u) for u in urls}
    assert len({article_id(u) for u in identities}) == len(identities)


@pytest.mark.parametrize(("first", "second"), [
    ("https://news.example/Story", "https://news.example/story"),  # case-only difference in the path
    ("https://news.example/a%2Fb", "https://news.example/a/b"),  # a percent-encoded slash is not a slash
    ("https://news.example/storу", "https://news.example/story"),  # Cyrillic у
    ("https://аррӏе.example/x", "https://apple.example/x"),  # look-alike host
    ("https://news.example/x?id=1", "https://news.example/x?id=2"),
])
def test_look_alikes_and_case_only_differences_do_not_collide(first: str, second: str) -> None:
    assert article_id(first) != article_id(second)
    assert article_id(first).lower() != article_id(second).lower()  # also on case-insensitive file systems


@pytest.mark.parametrize("host", ["con", "CON", "nul", "aux", "prn", "com1", "lpt9"])
def test_reserved_device_names_never_start_an_id(host: str) -> None:
    article = article_id(f"https://{host}.example/story")
    assert article.split(".")[0] not in RESERVED_NAMES and is_article_id(article)
    assert article_id(f"https://{host}/story").startswith(f"{host.lower()}--")  # no dot: not a device name


def test_very_long_urls_give_bounded_ids() -> None:
    article = article_id("https://" + "sub." * 60 + "example/" + "-".join(["word"] * 500) + "?x=" + "y" * 9000)
    assert len(article) <= 92 and is_article_id(article)


@pytest.mark.parametrize("text", ["../x-12345678", "/etc/x-12345678", "a/b-12345678", "a..b-12345678",
                                  "con.x-12345678", ".hidden-12345678", "A-12345678", "x-1234567",
                                  "x" * 120 + "-12345678", ""])
def test_is_article_id_rejects(text: str) -> None:
    assert not is_article_id(text)


def test_hostile_urls_stay_inside_a_real_store(run, tmp_path) -> None:
    """End to end: the files of every stored article are under STORE/articles/<hh>/<id>/."""
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><h1>Harbour notice</h1><p>The east pier closes at dusk.</p>"
                    "</article></body></html>")
    urls = ["https://con.example/../../../../etc/passwd", "https://news.example/%2e%2e%2f%2e%2e%2fescape",
            "https://news.example/Story", "https://news.example/story", "https://аррӏе.example/x",
            "https://news.example/" + "long-" * 400]
    for url in urls:
        result = run("snapshot", str(page), "--url", url)
        assert result.exit_code == 0, result.stderr
    store = tmp_path / "store"
    made = [p for p in store.rglob("*") if ".git" not in p.parts]
    assert all(p.resolve().is_relative_to(store.resolve()) for p in made)
    articles = [p for p in (store / "articles").glob("*/*") if p.is_dir()]
    assert len(articles) == len(urls) and all(is_article_id(p.name) for p in articles)
    assert not (tmp_path / "etc").exists() and not (tmp_path / "escape").exists()
    assert {e.id for e in Store(store).articles()} == {p.name for p in articles}
