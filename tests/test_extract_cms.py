"""A corpus of newsroom CMS page shapes (all fictional) with expected blocks, metadata, charsets and signals.

Each page in tests/fixtures/cms/NAME.html has NAME.expected: one block per line,
"kind: text", in reading order. Besides the exact blocks, the body-text 4-gram
shingle F1 (title and captions left out, as in public extraction benchmarks) is
printed per page (`pytest -s`) and must stay at or above 0.95.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from provtrack.extract import MIXED_CODEC, extract
from provtrack.extract_score import BODY_KINDS, shingle_f1
from provtrack.model import BLOCK_KINDS, Document

CMS = Path(__file__).resolve().parent / "fixtures" / "cms"
PAGES = sorted(p.stem for p in CMS.glob("*.html"))


def expected_blocks(name: str) -> list[tuple[str, str]]:
    pairs = []
    for line in (CMS / f"{name}.expected").read_text(encoding="utf-8").splitlines():
        if line.strip():
            kind, _, text = line.partition(": ")
            assert kind in BLOCK_KINDS, line
            pairs.append((kind, text))
    return pairs


def page(name: str) -> Document:
    return extract((CMS / f"{name}.html").read_bytes(), name=f"https://news.example/{name}.html")


def body(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(text for kind, text in pairs if kind in BODY_KINDS)


def test_the_corpus_has_at_least_twelve_distinct_layouts() -> None:
    assert len(PAGES) >= 12
    assert all((CMS / f"{name}.expected").exists() for name in PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_blocks(name: str) -> None:
    assert [(b.kind, b.text) for b in page(name).blocks] == expected_blocks(name)


@pytest.mark.parametrize("name", PAGES)
def test_body_f1(name: str) -> None:
    got = [(b.kind, b.text) for b in page(name).blocks]
    precision, recall, f1 = shingle_f1(body(expected_blocks(name)), body(got))
    print(f"\n{name:28} body 4-gram F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})")
    assert f1 >= 0.95


METADATA = {
    "wordpress_ferry": dict(title="The last crossing of the Brannock ferry", byline="Odile Banerjee-Frost",
                            published="2026-02-14T08:00:00+00:00", modified="2026-02-15T10:30:00+00:00",
                            canonical_url="https://tidewaterweekly.example/2026/02/14/last-crossing/",
                            language="en-GB", site_name="Tidewater Weekly"),
    "react_ssr_council": dict(title="Quarry Hill council splits over library hours", byline="Tamsin Okwuosa",
                              published="2026-04-02T17:45:00Z", site_name="The Lantern Dispatch"),
    "amp_storm": dict(title="Gale topples radio mast on Corrow Head", byline="Fergal Nnamdi-Roe",
                      published="2026-01-09T07:20:00+00:00", site_name="North Strand Echo",
                      canonical_url="https://northstrandecho.example/news/corrow-head-mast"),
    "jsonld_only_vote": dict(title="Fernvale votes to keep its wooden pier", byline="Lachlan Obi-Sorensen",
                             published="2026-03-21T09:00:00+10:00", modified="2026-03-21T11:15:00+10:00",
                             language="en-AU", description="Residents backed restoration over replacement by a "
                                                           "wide margin."),
    "live_flood": dict(published="2026-02-03T06:00:00Z", modified="2026-02-03T11:42:00Z"),
    "embeds_festival": dict(byline="Juno Adeyemi-Clarke", modified="2026-07-18T16:30:00+01:00",
                            canonical_url="https://news.example/culture/kelderby-festival-cancelled"),
    "wire_quake": dict(byline="HALVARD ONYANGO-BRISK", site_name="Meridian Wire"),
    "legacy_table_mill": dict(title="Mill fire: owners ‘will rebuild’",
                              byline="Gethin Oduya-Marsh, Sentinel reporter"),
    "paywall_mine": dict(byline="Anneliese Mbeki-Lund", published="2026-05-06T05:00:00-06:00"),
    # no <h1> and a <title> naming only the paper: the headline is the line above the byline
    "legacy_table_footbridge": dict(title="Footbridge over Tanner Creek to reopen by Labor Day",
                                    byline="Harriet Quillon"),
}


@pytest.mark.parametrize("name", sorted(METADATA))
def test_metadata(name: str) -> None:
    doc = page(name)
    got = doc.metadata.to_json()
    assert {k: got[k] for k in METADATA[name]} == METADATA[name]
    # The title block and the metadata title are the same text.
    assert doc.blocks[0].kind == "title" and doc.blocks[0].text == doc.metadata.title


@pytest.mark.parametrize("name, charset, source", [
    ("legacy_table_mill", "cp1252", "meta"),  # iso-8859-1 declared, windows-1252 curly quotes inside
    ("mixed_encoding_concert", MIXED_CODEC, "mixed"),  # UTF-8 page with a pasted windows-1252 paragraph
    ("wordpress_ferry", "utf-8", "meta"),
])
def test_charset_recorded(name: str, charset: str, source: str) -> None:
    doc = page(name)
    assert (doc.charset, doc.charset_source) == (charset, source)


def test_conflicting_http_and_meta_charsets() -> None:
    raw = (CMS / "legacy_table_mill.html").read_bytes()
    # The server claims UTF-8, the page says iso-8859-1, the bytes are windows-1252.
    doc = extract(raw, content_type="text/html; charset=utf-8")
    assert (doc.charset, doc.charset_source) == ("cp1252", "meta")
    assert [(b.kind, b.text) for b in doc.blocks] == expected_blocks("legacy_table_mill")


@pytest.mark.parametrize("name, signals", [
    ("paywall_mine", ("paywall", "truncated")),
    ("consent_wall_bridge", ("consent",)),
    ("jsonld_only_vote", ("jsonld-body",)),
    ("wordpress_ferry", ()),
    ("react_ssr_council", ()),
    ("live_flood", ()),  # a small cookie notice is not a consent wall
])
def test_page_signals(name: str, signals: tuple[str, ...]) -> None:
    assert page(name).signals == signals


@pytest.mark.parametrize("markup, signals", [
    ("<title>404 Not Found</title><h1>Not Found</h1><p>The requested URL was not found.</p>",
     ("error-page",)),
    ("<title>Just a moment...</title><p>Checking your browser before accessing the site.</p>", ("error-page",)),
    ("<h1>Headline only</h1>", ("no-body",)),
    ("<h1>Found a lost dog</h1><p>The dog was not found wanting.</p>", ()),
])
def test_error_and_empty_page_signals(markup: str, signals: tuple[str, ...]) -> None:
    assert extract(markup, fmt="html").signals == signals


def test_word_count_counts_body_blocks_only() -> None:
    doc = extract("<h1>Three word title</h1><figure><figcaption>A caption here</figcaption></figure>"
                  "<p>One two three four.</p><ul><li>five six</li></ul>", fmt="html")
    assert doc.word_count == 6


def test_text_and_markdown_documents_have_no_signals() -> None:
    assert extract("just text", fmt="text").signals == ()
