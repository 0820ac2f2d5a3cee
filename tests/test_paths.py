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


# --- canonical links that must not decide an article ---------------------------------------------

LIGHTHOUSE = ("<p>After forty years tending the north lamp, the keeper of Gull Point handed over the keys on Friday "
              "morning to a small crowd.</p><p>She recalled the winter storm of the long freeze, when the lamp "
              "stayed lit for nine nights without a break.</p>")
BAKERY = ("<p>A family bakery on Mill Lane took first prize at the county fair for its rye loaf, beating thirty "
          "rival entries.</p><p>The owners credit a sourdough starter kept alive since their grandmother opened "
          "the shop after the war.</p>")


def _story(title: str, body: str, canonical: str) -> str:
    return (f'<html><head><title>{title}</title><link rel="canonical" href="{canonical}"></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def _metas(store: Path) -> dict[str, dict]:
    import json

    return {p.parent.name: json.loads(p.read_text()) for p in store.glob("articles/*/*/meta.json")}


def test_pages_declaring_the_site_root_stay_apart(run, page_server, tmp_path) -> None:
    root = page_server.url("/")
    one = page_server.serve("/news/canon/lighthouse", _story("Keeper retires", LIGHTHOUSE, root))
    two = page_server.serve("/news/canon/bakery", _story("Bakery wins", BAKERY, root))
    for url in (one, two):
        result = run("snapshot", url)
        assert result.exit_code == 0 and " v1 " in result.stdout, result.output
        assert f"note: canonical link {root} ignored: it points at the site root" in result.stdout
    metas = _metas(tmp_path / "store")
    assert sorted(m["article_url"] for m in metas.values()) == sorted([two, one])
    assert all(m["identity_notes"] == [f"canonical link {root} ignored: it points at the site root"]
               for m in metas.values())
    again = run("snapshot", two)  # a re-fetch finds its own article by its URL, quietly
    assert " unchanged " in again.stdout and "note:" not in again.stdout


@pytest.mark.parametrize("canonical", ["/%2e%2e/%2e%2e/.git/config", "/news/", "/a/../b/c-d", "/sport"])
def test_a_canonical_link_that_normalises_oddly_or_names_a_section_is_ignored(run, page_server, tmp_path,
                                                                           canonical: str) -> None:
    page = page_server.serve("/news/odd/lighthouse", _story("Keeper retires", LIGHTHOUSE, page_server.url(canonical)))
    result = run("snapshot", page)
    assert result.exit_code == 0 and "ignored" in result.stdout
    (meta,) = _metas(tmp_path / "store").values()
    assert meta["article_url"] == page and meta["urls"] == [page]
    page_server.requests.clear()
    assert run("update").exit_code == 0
    assert page_server.requests == ["/news/odd/lighthouse"]  # re-fetches follow the page, not the link


def test_a_new_url_joins_by_canonical_link_only_when_the_text_is_the_same(run, page_server, tmp_path) -> None:
    canonical = page_server.url("/news/story/lighthouse-keeper")
    first = page_server.serve("/news/story/lighthouse-keeper", _story("Keeper retires", LIGHTHOUSE, canonical))
    assert " v1 " in run("snapshot", first).stdout
    amp = page_server.serve("/amp/lighthouse-keeper", _story("Keeper retires", LIGHTHOUSE + "<p>A farewell dinner follows next month.</p>",
                                                             canonical))
    joined = run("snapshot", amp)  # mostly the same text: a version of the same article
    assert "lighthouse-keeper-" in joined.stdout and " v2 " in joined.stdout and "note:" not in joined.stdout
    other = page_server.serve("/news/bakery-prize", _story("Bakery wins", BAKERY, canonical))
    apart = run("snapshot", other)
    assert apart.exit_code == 0 and " v1 " in apart.stdout and "bakery-prize-" in apart.stdout
    assert (f"note: not filed under {article_id(canonical)}: the page's canonical link {canonical} names that "
            f"article, but only 0% of the text is shared with its latest version; kept apart as its own "
            f"article") in apart.stdout
    metas = _metas(tmp_path / "store")
    kept = metas[article_id(other)]
    assert kept["article_url"] == other and kept["urls"] == [other] and "kept apart" in kept["identity_notes"][0]
    assert metas[article_id(canonical)]["version"] == 2
    assert " unchanged " in run("snapshot", other).stdout  # later fetches find it by its own URL


@pytest.mark.parametrize(("earlier", "later", "expected"), [
    ("one two three four five", "one two three four five", 1.0),
    ("one two three four five six", "one two three", 1.0),   # an excerpt lies wholly in the text
    ("one two three", "seven eight nine", 0.0),
    ("", "", 1.0), ("alpha", "", 0.0),
])
def test_shared_text(earlier: str, later: str, expected: float) -> None:
    from provtrack.model import Block
    from provtrack.tracker import shared_text

    blocks = [[Block("paragraph", t)] if t else [] for t in (earlier, later)]
    assert shared_text(*blocks) == expected


def test_a_fetched_page_with_a_malformed_canonical_link_is_its_own_article(run, page_server, tmp_path) -> None:
    page = page_server.serve("/news/broken/lighthouse", _story("Keeper retires", LIGHTHOUSE, "http://[::1/x"))
    result = run("snapshot", page)  # was an internal error: ValueError from urljoin in the extractor
    assert result.exit_code == 0 and " v1 " in result.stdout, result.output
    assert "note: canonical link ignored: it is malformed (http://[::1/x)" in result.stdout
    (meta,) = _metas(tmp_path / "store").values()
    assert meta["article_url"] == page and meta["canonical_url"] == "http://[::1/x"
