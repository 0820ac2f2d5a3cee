"""provtrack.extract: the general HTML rules of extractor 1.2 and later (misnamed containers, JSON state bodies, chrome text)."""

from __future__ import annotations

import json

import pytest

from provtrack.extract import extract
from provtrack.model import Document

P = "paragraph"
PROSE = [
    "The Brackwater ferry will run twice an hour from June, the harbour board said on Monday evening.",
    "Skipper Odile Fenwick said the second boat had been refitted over the winter at the Quayside yard.",
    "Fares stay at two pounds for residents, while visitors will pay three pounds for a single crossing.",
]


def doc(markup: str) -> Document:
    return extract(markup, fmt="html")


def texts(markup: str, kind: str | None = None) -> list[str]:
    return [b.text for b in doc(markup).blocks if kind is None or b.kind == kind]


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


NAV = "<nav><ul><li><a href='/a'>News</a></li><li><a href='/b'>Sport</a></li></ul></nav>"


@pytest.mark.parametrize("wrapper", [
    '<div class="layout__navigation">{}</div>',
    '<div class="story-body paywall paywall-fade">{}</div>',
    '<div id="main-navigation"><div class="inner">{}</div></div>',
])
def test_prose_container_overrules_chrome_class_words(wrapper: str) -> None:
    page = NAV + "<main>" + wrapper.format("<h1>Ferry doubles</h1>" + paragraphs(PROSE)) + "</main>"
    assert texts(page, P) == PROSE


def test_prose_rescue_keeps_chrome_inside_the_article_out() -> None:
    page = ("<div class='site-navigation'><article><h1>Ferry doubles</h1>" + paragraphs(PROSE)
            + "<div class='related-links'><p>See also: Brackwater pier to close for repairs next spring "
              "while the council weighs a new design.</p></div></article></div>")
    assert texts(page, P) == PROSE


def test_prose_rescue_never_overrules_hidden_or_short_link_lists() -> None:
    hidden = '<div class="navigation" hidden>' + paragraphs(PROSE[:2]) + "</div>"
    page = "<article><h1>Ferry doubles</h1><p>" + PROSE[2] + "</p></article>" + hidden
    assert texts(page, P) == [PROSE[2]]
    links = '<div class="navigation"><p><a href="/x">Sport</a></p><p><a href="/y">Weather</a></p></div>'
    assert texts("<article>" + paragraphs(PROSE) + "</article>" + links, P) == PROSE


def test_paywalled_body_keeps_its_teaser_and_drops_the_prompt() -> None:
    page = ("<article><h1>Cannery sale</h1><div class='body paywall'>" + paragraphs(PROSE[:2])
            + "<div class='paywall-prompt'><h2>Subscribe to keep reading</h2><p>Only 1 dollar.</p></div>"
              "</div></article>")
    result = doc(page)
    assert [b.text for b in result.blocks if b.kind == P] == PROSE[:2]
    assert "paywall" in result.signals


def next_data(blocks: list[dict[str, str]], **article: str) -> str:
    state = {"props": {"pageProps": {"article": {"headline": "Ferry doubles", **article, "body": blocks}}}}
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}</script>'


def test_body_from_a_json_state_blob_when_the_page_shows_little() -> None:
    blocks = [{"type": "paragraph", "text": PROSE[0]}, {"type": "image", "text": "The refitted boat."},
              {"type": "heading", "text": "Cheaper for residents"}, {"type": "ad", "text": "Advertisement"},
              {"type": "paragraph", "text": PROSE[1]}, {"type": "paragraph", "text": f"<b>{PROSE[2]}</b>"}]
    page = "<html><body><div id='__next'><h1>Ferry doubles</h1></div>" + next_data(
        blocks, standfirst="Two boats from June.") + "</body></html>"
    got = [(b.kind, b.text) for b in doc(page).blocks if b.kind != "title"]
    assert got == [(P, "Two boats from June."), (P, PROSE[0]), ("caption", "The refitted boat."),
                   ("heading", "Cheaper for residents"), (P, PROSE[1]), (P, PROSE[2])]


def test_json_state_is_ignored_when_the_page_shows_the_text() -> None:
    blocks = [{"type": "paragraph", "text": t} for t in PROSE]
    page = "<article><h1>Ferry doubles</h1>" + paragraphs(PROSE[:2]) + "</article>" + next_data(blocks)
    assert texts(page, P) == PROSE[:2]
    assert texts("<article><p>Short.</p></article><script type='application/json'>{not json</script>", P) \
        == ["Short."]


def test_soft_hyphens_are_stripped() -> None:
    assert texts("<p>Zufahrts&shy;genehmigung f\u00fcr Hand\u00adwerker</p>") == ["Zufahrtsgenehmigung für Handwerker"]


@pytest.mark.parametrize("line", [
    "Lesen Sie auch", "Mehr zum Thema", "À lire aussi", "Lee también", "Leia também", "In this article",
    "Von Friederike Almsted", "Por Ana Ribeiro y Luis Otero", "Par Camille Durandet",
    "Got a news tip? Tell the Brackwater Post.",
    "View this post on Instagram",
])
def test_text_only_chrome_lines_are_dropped(line: str) -> None:
    assert texts(f"<article><p>{PROSE[0]}</p><p>{line}</p><p>{PROSE[1]}</p></article>", P) == PROSE[:2]


def test_embed_placeholder_is_dropped_but_the_post_and_its_attribution_kept() -> None:
    post = ('<blockquote class="instagram-media"><p>View this post on Instagram</p>'
            "<p>Two boats from June, at last!</p><p>A post shared by Brackwater Kayaks (@brackkayaks)</p>"
            "</blockquote>")
    got = texts(f"<article>{paragraphs(PROSE)}{post}</article>", "quote")
    assert got == ["Two boats from June, at last!", "A post shared by Brackwater Kayaks (@brackkayaks)"]


@pytest.mark.parametrize("line", ["This is a developing story and will be updated.",
                                  "This is breaking news. Please check back for updates."])
def test_editorial_notes_in_the_body_are_content(line: str) -> None:
    # The newsroom wrote them into the story, and their removal later is part of its history.
    assert texts(f"<article><p>{PROSE[0]}</p><p>{line}</p><p>{PROSE[1]}</p></article>", P) == [PROSE[0], line,
                                                                                                PROSE[1]]


@pytest.mark.parametrize("line", ["Von der Brücke aus sieht man die Fähre jeden Morgen ablegen.",
                                  "Por la mañana sale el primer barco.", "By the time the ferry left, it rained."])
def test_prose_that_starts_like_a_byline_is_kept(line: str) -> None:
    assert line in texts(f"<article><p>{PROSE[0]}</p><p>{line}</p></article>", P)


def test_key_points_are_content_and_related_posts_chrome() -> None:
    page = ("<article><div class='article-keypoints'><ul><li>Two boats from June.</li>"
            "<li>Resident fares unchanged.</li></ul></div>" + paragraphs(PROSE)
            + "<div class='relatedposts'><p>Brackwater pier to close for repairs while the council weighs a "
              "new design for it.</p></div></article>")
    assert texts(page, "list_item") == ["Two boats from June.", "Resident fares unchanged."]
    assert texts(page, P) == PROSE


def test_data_area_hints_mark_chrome() -> None:
    page = ("<article>" + paragraphs(PROSE) + "<div data-area='article_tags'><span>Ferries</span></div>"
            "<div data-area='author_box'><p>Odile Fenwick writes about the harbour for the Post.</p></div></article>")
    assert texts(page, P) == PROSE
