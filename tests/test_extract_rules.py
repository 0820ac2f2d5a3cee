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


# -- extractor 1.4 ------------------------------------------------------------------------------

def blocks(markup: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc(markup).blocks if b.kind != "title"]


STORY = paragraphs(PROSE)
BODY = [(P, t) for t in PROSE]
TEASERS = ("<ul><li><a href='/n/1'>Brackwater pier to close for repairs</a></li>"
           "<li><a href='/n/2'>Harbour board elects a new chair</a></li></ul>")
CARDS = ("<div><h3><a href='/n/1'>Brackwater pier to close</a></h3><p>The council weighs a new design for the "
         "Victorian pier after a winter of storm damage, with a vote due in May.</p></div>"
         "<div><h3><a href='/n/2'>New chair for the harbour board</a></h3><p>Alma Treves, a former skipper, "
         "takes over from Basil Court, who led the board through the years of the ferry dispute.</p></div>")
COMMENT = ("<div><p>Marigold_77 · 3 hours ago</p><p>About time! I have been waiting for the second boat since the "
           "old one broke down every other week last summer.</p></div>")

TAIL_CASES = [
    ("boxed 'More from' list after the story", f"<article><h1>Ferry</h1>{STORY}<div><h2>More from the Post</h2>"
     f"{TEASERS}</div></article>", BODY),
    ("bare 'Recommended' heading with teaser cards", f"<article><h1>Ferry</h1>{STORY}<h2>Recommended</h2>{CARDS}"
     "</article>", BODY),
    ("labelled box between paragraphs", f"<article><h1>Ferry</h1>{paragraphs(PROSE[:2])}<div><div>Related</div>"
     f"{TEASERS}</div><p>{PROSE[2]}</p></article>", BODY),
    ("'Más información' box", f"<article>{paragraphs(PROSE[:2])}<div><div>Más información</div>{CARDS}</div>"
     f"<p>{PROSE[2]}</p></article>", BODY),
    ("comment thread with a count", f"<article><h1>Ferry</h1>{STORY}<section><h2>Comments (14)</h2>{COMMENT}"
     f"{COMMENT}</section></article>", BODY),
    ("bare comments heading runs to the next heading", f"<article>{STORY}<h3>Join the conversation</h3>{COMMENT}"
     "</article>", BODY),
    ("appeal box", f"<article>{STORY}<div><div>Support independent journalism</div><p>Brackwater Post is "
     "reader-funded. Your gift keeps our reporting free for everyone in the harbour towns.</p><p><a href='/give'>"
     "Donate</a></p></div></article>", BODY),
    ("'Before you move on' appeal", f"<article>{STORY}<div><h2>Before you move on…</h2><p>Every week thousands of "
     "readers turn to us for news that is open to all. Will you help us keep it that way?</p></div></article>",
     BODY),
]

TAIL_PROSE_KEPT = [
    ("a section opening with a related box keeps its prose", f"<article><p>{PROSE[0]}</p><section><h4>Related</h4>"
     f"{TEASERS}{paragraphs(PROSE[1:])}</section></article>", BODY),
    ("a bare 'Related' line before more prose", f"<article><p>{PROSE[0]}</p><p>Related</p>{TEASERS}"
     f"{paragraphs(PROSE[1:])}</article>", BODY),
    ("sub-heads that only start like labels", "<article><p>" + PROSE[0] + "</p><h2>More from the ferry workers"
     " about pay and the long winter refit</h2><h2>Public comments</h2><h2>Related costs</h2><p>" + PROSE[1]
     + "</p></article>", [(P, PROSE[0]), ("heading", "More from the ferry workers about pay and the long winter "
                                         "refit"), ("heading", "Public comments"), ("heading", "Related costs"),
                          (P, PROSE[1])]),
    ("prose about comments and donations", "<article><p>" + PROSE[0] + "</p><p>Comments on the plan close on "
     "Friday, and the harbour board said it had received 212 so far.</p><p>The food bank asked residents to "
     "donate tinned goods before the ferry strike.</p></article>",
     [(P, PROSE[0]), (P, "Comments on the plan close on Friday, and the harbour board said it had received 212 "
                         "so far."), (P, "The food bank asked residents to donate tinned goods before the ferry "
                                        "strike.")]),
    ("a membership heading over the story's own prose", f"<article><p>{PROSE[0]}</p><h2>Become a member</h2>"
     f"{paragraphs(PROSE[1:])}</article>", [(P, PROSE[0]), (P, PROSE[1]), (P, PROSE[2])]),
]


@pytest.mark.parametrize("markup, expected", [c[1:] for c in TAIL_CASES + TAIL_PROSE_KEPT],
                         ids=[c[0] for c in TAIL_CASES + TAIL_PROSE_KEPT])
def test_the_body_ends_before_labelled_tails(markup: str, expected: list[tuple[str, str]]) -> None:
    assert blocks(markup) == expected


def test_prose_led_by_a_link_is_not_a_teaser_card() -> None:
    lead = ("<div><a href='/people/fenwick'>Odile Fenwick</a>, the skipper, said the crossing would take twelve "
            "minutes once the new timetable starts.</div>")
    page = f"<article><p>{PROSE[0]}</p><div><div>Related</div>{TEASERS}</div>{lead}<p>{PROSE[1]}</p></article>"
    assert texts(page, P) == [PROSE[0], "Odile Fenwick, the skipper, said the crossing would take twelve minutes "
                                        "once the new timetable starts.", PROSE[1]]


HEADING_CASES = [
    ("aria-level 2 sub-head", f"<div><div role='heading' aria-level='2'>Cheaper for residents</div>{STORY}</div>",
     [("heading", "Cheaper for residents")] + BODY),
    ("role heading without a level", f"<div>{STORY}<span role='heading'>What comes next</span></div>",
     BODY + [("heading", "What comes next")]),
    ("aria-level without role heading is text", f"<div>{STORY}<div aria-level='2'>Cheaper for residents</div></div>",
     BODY + [(P, "Cheaper for residents")]),
    ("other roles are text", f"<div>{STORY}<div role='note'>Cheaper for residents</div></div>",
     BODY + [(P, "Cheaper for residents")]),
]


@pytest.mark.parametrize("markup, expected", [c[1:] for c in HEADING_CASES], ids=[c[0] for c in HEADING_CASES])
def test_role_heading_is_a_heading(markup: str, expected: list[tuple[str, str]]) -> None:
    assert blocks(markup) == expected


def test_role_heading_level_one_is_the_headline() -> None:
    page = f"<div><div role='heading' aria-level='1'>Ferry doubles</div>{STORY}</div>"
    assert [(b.kind, b.text) for b in doc(page).blocks] == [("title", "Ferry doubles")] + BODY


KICKER_CASES = [
    ("section label", f"<article><div>Transport</div><h1>Ferry doubles</h1>{STORY}</article>", BODY),
    ("two labels", f"<article><p>Exclusive</p><p>The Long Read</p><h1>Ferry doubles</h1>{STORY}</article>", BODY),
    ("inline label", f"<article><span>Harbour</span><h1>Ferry doubles</h1>{STORY}</article>", BODY),
    ("label under the lead photo", "<article><figure><img src=a><figcaption>The refitted boat.</figcaption></figure>"
     f"<p>Transport</p><h1>Ferry doubles</h1>{STORY}</article>", [("caption", "The refitted boat.")] + BODY),
    ("label inside the headline element", f"<article><h2><span>Exclusive:</span> <span>Ferry doubles from June"
     f"</span></h2>{STORY}</article><title>Ferry doubles from June</title>", BODY),
]
KICKER_PROSE_KEPT = [
    ("a sentence before the headline", f"<article><p>Crews stood by.</p><h1>Ferry doubles</h1>{STORY}</article>",
     [(P, "Crews stood by.")] + BODY),
    ("a label after the headline", f"<article><h1>Ferry doubles</h1><p>Transport</p>{STORY}</article>",
     [(P, "Transport")] + BODY),
    ("short lines after body text", f"<article><p>{PROSE[0]}</p><p>Transport</p><p>Harbour</p><h1>Ferry doubles"
     f"</h1>{paragraphs(PROSE[1:])}</article>", [(P, PROSE[0]), (P, "Transport"), (P, "Harbour")] + BODY[1:]),
    ("a heading that only ends like the headline", f"<article><h1>The ferry doubles</h1>{STORY}<h2>Why the town "
     "council says the ferry doubles</h2></article>", BODY + [("heading", "Why the town council says the ferry "
                                                                          "doubles")]),
    ("a heading ending in the headline's letters", "<title>The ferry doubles</title><article><h2>Refit: the ferry"
     f"doubles</h2>{STORY}</article>", [("heading", "Refit: the ferrydoubles")] + BODY),
]


@pytest.mark.parametrize("markup, expected", [c[1:] for c in KICKER_CASES + KICKER_PROSE_KEPT],
                         ids=[c[0] for c in KICKER_CASES + KICKER_PROSE_KEPT])
def test_kickers_above_the_headline_are_labels(markup: str, expected: list[tuple[str, str]]) -> None:
    assert blocks(markup) == expected


PHOTO = "<img src='/p/boat.jpg'>"
CAPTION_TEXT = "The refitted boat at the Quayside yard."
CREDIT_CASES = [
    ("credit after the caption", f"<figure>{PHOTO}<figcaption>{CAPTION_TEXT} <span class='credit'>Ines Varga"
     "</span></figcaption></figure>", [CAPTION_TEXT, "Ines Varga"]),
    ("credit printed over the photo, before the caption", f"<figure>{PHOTO}<span class='photo-credit'>Ines Varga/"
     f"Brackwater Post</span><figcaption>{CAPTION_TEXT}</figcaption></figure>",
     [CAPTION_TEXT, "Ines Varga/Brackwater Post"]),
    ("credit first inside the caption", f"<figure>{PHOTO}<figcaption><span class='credit'>Photo: Ines Varga</span> "
     f"{CAPTION_TEXT}</figcaption></figure>", [CAPTION_TEXT, "Photo: Ines Varga"]),
    ("'copyright' inside a figure is its credit", f"<figure><div>{PHOTO}<span class='image-copyright'>Brackwater "
     f"Harbour Board</span></div><figcaption>{CAPTION_TEXT}</figcaption></figure>",
     [CAPTION_TEXT, "Brackwater Harbour Board"]),
    ("caption and credit boxes without <figure>", f"<div class='image-box'>{PHOTO}<div class='caption'>"
     f"{CAPTION_TEXT}</div><div class='credit'>Ines Varga</div></div>", [CAPTION_TEXT, "Ines Varga"]),
    ("credit box before the caption box", f"<div class='image-box'>{PHOTO}<div class='credit'>Ines Varga</div>"
     f"<div class='caption'>{CAPTION_TEXT}</div></div>", [CAPTION_TEXT, "Ines Varga"]),
    ("a credit line as the caption's second line", f"<figure>{PHOTO}<figcaption><p>{CAPTION_TEXT}</p><p>Photo: "
     "Ines Varga</p></figcaption></figure>", [CAPTION_TEXT, "Photo: Ines Varga"]),
]
LONE_CREDITS = [
    ("marked-up credit, no caption", f"<figure><span class='credit'>Ines Varga</span>{PHOTO}</figure>"),
    ("a figcaption that is only a credit line", f"<figure>{PHOTO}<figcaption>Photo: Ines Varga</figcaption></figure>"),
    ("a figcaption that is only a copyright line", f"<figure>{PHOTO}<figcaption>© Brackwater Post</figcaption>"
     "</figure>"),
    ("an image box with only a credit", f"<div class='image-box'>{PHOTO}<div class='credit'>Ines Varga</div></div>"),
    ("a credit line between paragraphs", "<p class='photo-credit'>Ines Varga</p>"),
    ("a credit of a figure without caption, before another figure's caption", f"<figure><span class='credit'>Ines "
     f"Varga</span>{PHOTO}</figure><p>{PROSE[1]}</p><figure>{PHOTO}<figcaption>{CAPTION_TEXT}</figcaption></figure>"),
]


@pytest.mark.parametrize("figure, expected", [c[1:] for c in CREDIT_CASES], ids=[c[0] for c in CREDIT_CASES])
def test_credits_marked_up_apart_are_their_own_caption_block(figure: str, expected: list[str]) -> None:
    page = f"<article><p>{PROSE[0]}</p>{figure}<p>{PROSE[2]}</p></article>"
    assert blocks(page) == [(P, PROSE[0])] + [("caption", t) for t in expected] + [(P, PROSE[2])]


@pytest.mark.parametrize("figure", [c[1] for c in LONE_CREDITS], ids=[c[0] for c in LONE_CREDITS])
def test_a_credit_alone_is_never_a_block(figure: str) -> None:
    page = f"<article><p>{PROSE[0]}</p>{figure}<p>{PROSE[2]}</p></article>"
    assert all(b.text not in ("Ines Varga", "Photo: Ines Varga", "© Brackwater Post")
               for b in doc(page).blocks)
    assert [t for k, t in blocks(page) if k == "caption"] in ([], [CAPTION_TEXT])


def test_copyright_outside_figures_stays_chrome() -> None:
    page = f"<article>{STORY}<div class='copyright'>Brackwater Post, harbour edition</div></article>"
    assert blocks(page) == BODY


def table_page(cell: str, *, side: str = "", top: str = "", title: str = "The Brackwater Post") -> str:
    """An old CMS page: a layout table with a links column, the story cell and an optional side column."""
    nav = "<td width=120><a href='/'>Front page</a><br><a href='/local'>Local</a><br><a href='/sport'>Sport</a></td>"
    return (f"<html><head><title>{title}</title></head><body><table width=760>"
            f"<tr><td colspan=3><img src='/masthead.gif' alt='The Brackwater Post'></td></tr>{top}"
            f"<tr>{nav}<td width=480 valign=top>{cell}</td>{side}</tr>"
            "<tr><td colspan=3><font size=1>Copyright 2004 Brackwater Post. All rights reserved.</font></td></tr>"
            "</table></body></html>")


HEADLINE = "Second ferry joins the Brackwater crossing"
TEXT_CELL = "<br><br>".join(PROSE)
SIDE = ("<td width=160 valign=top><b>WEATHER</b><br>Showers, high of 14<br><br><b>CONTACT THE POST</b><br>"
        "4 Quay Street, Brackwater<br>Phone 555-0131</td>")
TABLE_CASES = [
    ("headline, byline and staff line above the text", table_page(
        f"<font size=5><b>{HEADLINE}</b></font><br>By Ottilie Marsh<br>Post Staff Writer<br><br>{TEXT_CELL}"),
     [("title", HEADLINE)] + BODY),
    ("headline and byline as blocks of their own", table_page(
        f"<p><font size=5><b>{HEADLINE}</b></font></p><p>By Ottilie Marsh</p>{STORY}"), [("title", HEADLINE)] + BODY),
    ("the side column beside the story cell is layout", table_page(
        f"<font size=5><b>{HEADLINE}</b></font><br>By Ottilie Marsh<br>March 4, 2004<br><br>{TEXT_CELL}", side=SIDE),
     [("title", HEADLINE)] + BODY),
    ("headline row above the story row", table_page(f"By Ottilie Marsh<br><br>{TEXT_CELL}", top=(
        f"<tr><td colspan=3><font size=5><b>{HEADLINE}</b></font></td></tr>"), title=f"Brackwater Post - {HEADLINE}"),
     [("title", HEADLINE)] + BODY),
    ("photo table: image cell, caption cell", table_page(
        f"{PROSE[0]}<br><br><table align=right><tr><td>{PHOTO}</td></tr><tr><td><font size=1>{CAPTION_TEXT}</font>"
        f"</td></tr></table>{PROSE[1]}<br><br>{PROSE[2]}", title=f"Brackwater Post - {HEADLINE}"),
     [("title", "Brackwater Post - " + HEADLINE), BODY[0], ("caption", CAPTION_TEXT)] + BODY[1:]),
    ("photo table with a <tbody>", table_page(
        f"{PROSE[0]}<br><br><table><tbody><tr><td>{PHOTO}</td><td>{CAPTION_TEXT}</td></tr></tbody></table>"
        f"{PROSE[1]}<br><br>{PROSE[2]}", title=f"Brackwater Post - {HEADLINE}"),
     [("title", "Brackwater Post - " + HEADLINE), BODY[0], ("caption", CAPTION_TEXT)] + BODY[1:]),
    ("photo table: image and caption in one cell", table_page(
        f"{PROSE[0]}<br><br><table align=left><tr><td><a href='/big.jpg'>{PHOTO}</a><br><i>{CAPTION_TEXT}</i></td>"
        f"</tr></table>{PROSE[1]}<br><br>{PROSE[2]}", title=f"Brackwater Post - {HEADLINE}"),
     [("title", "Brackwater Post - " + HEADLINE), BODY[0], ("caption", CAPTION_TEXT)] + BODY[1:]),
]
TABLE_KEPT = [
    ("a data table in the story keeps its cells", f"<article><h1>Ferry doubles</h1>{STORY}<table><tr><th>Crossing"
     "</th><th>Fare</th></tr><tr><td>Resident single</td><td>2 pounds</td></tr></table></article>",
     [("title", "Ferry doubles")] + BODY + [(P, "Crossing"), (P, "Fare"), (P, "Resident single"), (P, "2 pounds")]),
    ("a table of an image and a long paragraph is not a photo", f"<article><h1>Ferry doubles</h1><table><tr><td>"
     f"{PHOTO}</td><td>{PROSE[0]} {PROSE[1]} {PROSE[2]}</td></tr></table></article>",
     [("title", "Ferry doubles"), (P, f"{PROSE[0]} {PROSE[1]} {PROSE[2]}")]),
    ("the story's second column beside its cell is kept", table_page(
        f"<font size=5><b>{HEADLINE}</b></font><br>By Ottilie Marsh<br><br>{TEXT_CELL}", side=f"<td>{PROSE[2]}</td>"),
     [("title", HEADLINE)] + BODY + [BODY[2]]),
    ("a sentence above the byline is text, not the headline", table_page(
        f"<p>Fares are unchanged.</p><p>By Ottilie Marsh</p>{STORY}"),
     [("title", "The Brackwater Post"), (P, "Fares are unchanged.")] + BODY),
    ("a page with a headline element keeps the line above a byline", table_page(
        f"<h1>{HEADLINE}</h1><p>Second boat</p><p>By Ottilie Marsh</p>{STORY}"),
     [("title", HEADLINE), (P, "Second boat")] + BODY),
]


@pytest.mark.parametrize("markup, expected", [c[1:] for c in TABLE_CASES + TABLE_KEPT],
                         ids=[c[0] for c in TABLE_CASES + TABLE_KEPT])
def test_table_layouts(markup: str, expected: list[tuple[str, str]]) -> None:
    assert [(b.kind, b.text) for b in doc(markup).blocks] == expected
