"""provtrack.extract: decoding, format detection, and HTML / plain-text / Markdown extraction."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provtrack.errors import ExtractError
from provtrack.extract import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    EXTRACTORS,
    decode,
    detect_format,
    extract,
    register,
)
from provtrack.extract_text import TextExtractor
from provtrack.model import BLOCK_KINDS, Block, Document, Metadata

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"
C0 = re.compile(r"[\x00-\x08\x0b-\x1f]")


def pairs(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.blocks]


def html(markup: str) -> list[tuple[str, str]]:
    return pairs(extract(markup, fmt="html"))


P = "paragraph"

# ---------------------------------------------------------------------------------------------------
# HTML: table-driven snippets -> (kind, text) lists

HTML_CASES = [
    ("inline markup flattened", ("<p>Hello <em>big</em> <a href='/w'>wide</a> <strong>wor</strong><b>ld</b>, "
     "<span>and</span> <i>more</i> text here.</p>"), [(P, "Hello big wide world, and more text here.")]),
    ("no space invented between inline tags", "<p>Fire<b>fighters</b></p>", [(P, "Firefighters")]),
    ("whitespace collapsed", "<p>  one \n\t two\r\n three  </p>", [(P, "one two three")]),
    ("entities decoded", "<p>Fish &amp; chips &mdash; &#8220;fresh&#8221; caf&eacute; &#x41;&lt;B&gt;</p>",
     [(P, "Fish & chips — “fresh” café A<B>")]),
    ("empty and nbsp-only blocks dropped", "<p> </p><p>&nbsp;</p><p></p><div>  </div><p>kept</p>", [(P, "kept")]),
    ("br br splits, single br joins", "<p>one<br>two<br> <br>three<br/><br/><br/>four</p>",
     [(P, "one two"), (P, "three"), (P, "four")]),
    ("loose div text is paragraphs", "<div>Loose text<p>inner</p>tail text</div>",
     [(P, "Loose text"), (P, "inner"), (P, "tail text")]),
    ("unclosed p", "<p>one<p>two<div>three</div>", [(P, "one"), (P, "two"), (P, "three")]),
    ("stray closing p", "</p><p>x</p></p></p><p>y", [(P, "x"), (P, "y")]),
    ("nested p in div", "<div><p>a</p><div><div><p>b</p></div></div></div>", [(P, "a"), (P, "b")]),
    ("uppercase tags", "<P>Upper <EM>case</EM></P><H2>SUB</H2><UL><LI>Item</LI></UL>",
     [(P, "Upper case"), ("heading", "SUB"), ("list_item", "Item")]),
    ("malformed attributes", ("<p class=lead data-x='1' =bad id=>Text</p><p title=a\"b>Next</p>"
     "<p class=\"a\"\"b\" id=x\"y>Third</p><p <p>Fourth</p><p class=x class=y / >Fifth</p>"),
     [(P, "Text"), (P, "Next"), (P, "Third"), (P, "Fourth"), (P, "Fifth")]),
    ("headline and subheads", "<h1>Fire at the docks</h1><h2>What happened</h2><p>x</p><h3>Next</h3><h6>Six</h6>",
     [("title", "Fire at the docks"), ("heading", "What happened"), (P, "x"), ("heading", "Next"),
      ("heading", "Six")]),
    ("only one title; later h1 is a heading", "<h1>First</h1><p>x</p><h1>Second</h1>",
     [("title", "First"), (P, "x"), ("heading", "Second")]),
    ("h1 with br and inline markup", "<h1>Storm <em>batters</em><br>coast</h1>", [("title", "Storm batters coast")]),
    ("figcaption", ("<figure><img src=a.jpg alt='Smoke'><figcaption>Smoke over <b>Dock Street</b>."
     "</figcaption></figure>"), [("caption", "Smoke over Dock Street.")]),
    ("caption classes", ("<div class='wp-caption'><img src=x><p class='wp-caption-text'>One</p></div>"
     "<p class='photo-caption'>Two</p><div class='image-caption'>Three</div><p id='caption-4'>Four</p>"),
     [("caption", "One"), ("caption", "Two"), ("caption", "Three"), ("caption", "Four")]),
    ("blockquote paragraphs and attribution", ("<blockquote><p>We lost everything.</p><p>We will rebuild.</p>"
     "<footer>&mdash; Bram Oyelaran</footer></blockquote>"),
     [("quote", "We lost everything."), ("quote", "We will rebuild."), ("quote", "— Bram Oyelaran")]),
    ("bare blockquote text", "<blockquote>Just words<br><br>More words</blockquote>",
     [("quote", "Just words"), ("quote", "More words")]),
    ("list items", "<ul><li>one<li>two <em>too</em></ul><ol><li><p>three</p></li></ol>",
     [("list_item", "one"), ("list_item", "two too"), ("list_item", "three")]),
    ("definition lists and tables are paragraphs", "<dl><dt>Term<dd>Meaning</dl><table><tr><td>a<td>b</table>",
     [(P, "Term"), (P, "Meaning"), (P, "a"), (P, "b")]),
    ("control characters stripped, other unicode kept", "<p>a\x00b\x07c\x1fd\u00a0e\u200bf \U0001F525 \u05e9</p>",
     [(P, "abcd\u00a0e\u200bf \U0001F525 \u05e9")]),
    ("byline paragraph to metadata, prose kept", ("<p>By the time crews arrived, it was over.</p>"
     "<p>By Mara Quist and Tobiah Lenz</p><p>By Ines Farrow | Staff Writer</p><p>By Friday, crews had left.</p>"),
     [(P, "By the time crews arrived, it was over."), (P, "By Friday, crews had left.")]),
    ("text after the head starts the body", "<head><title>T</title>Stray text<p>para</p>",
     [("title", "T"), (P, "Stray text"), (P, "para")]),
    ("timestamp lines dropped", ("<p>Updated 3 minutes ago</p><p>Published March 3, 2026 at 9:14 a.m. EST</p>"
     "<p>Posted: 2 hours ago</p><p>Mar. 3, 2026</p><p>Published reports say 3 were hurt.</p>"),
     [(P, "Published reports say 3 were hurt.")]),
    ("time element alone is chrome, inside prose it is text", ("<p><time datetime='2026-03-03'>March 3</time></p>"
     "<p>Updated <time datetime='2026-03-03T09:00'>9:00</time></p>"
     "<p>The fire started <time datetime='2026-03-02'>Monday</time> night.</p>"),
     [(P, "The fire started Monday night.")]),
    ("short link-dense paragraphs dropped", ("<p><a href='/a'>Read more: council votes on budget</a></p>"
     "<p>See <a href='/b'>the report</a> released on Friday by the harbor authority.</p>"
     "<p><a href='#section-2'>Jump to section two</a></p>"),
     [(P, "See the report released on Friday by the harbor authority."), (P, "Jump to section two")]),
    ("boilerplate lines dropped", ("<p>Advertisement</p><p>Story continues below advertisement</p>"
     "<p>14 comments</p><p>Share this article</p><p>4 min read</p><p>Real text.</p>"), [(P, "Real text.")]),
    ("nbsp kept inside text", "<p>2&nbsp;a.m.</p>", [(P, "2\u00a0a.m.")]),
    ("headline repeated as a heading is dropped", "<h1>Storm</h1><h2>Storm</h2><p>x</p>",
     [("title", "Storm"), (P, "x")]),
    ("unclosed everything", "<div><p>Start <b>bold <i>both", [(P, "Start bold both")]),
    ("CDATA and conditional comments", "<p>a<![CDATA[hidden]]>b</p><![if !IE]><p>c</p><![endif]>",
     [(P, "ab"), (P, "c")]),
    # html.parser would rescan to the end for every unterminated "<!--"; it is kept as literal text instead.
    ("unterminated comment is literal text", "<p>x</p><!-- note --><p>y</p><!-- unterminated <p>z",
     [(P, "x"), (P, "y"), (P, "<!-- unterminated"), (P, "z")]),
    ("literal less-than", "<p>3 < 4 and 5 > 2</p>", [(P, "3 < 4 and 5 > 2")]),
    ("pull quote in an aside is a quote", ("<p>Before.</p><aside class='pull-quote'><p>Lonely is for people with "
     "time.</p></aside><aside><p>Sidebar.</p></aside><p>After.</p>"),
     [(P, "Before."), ("quote", "Lonely is for people with time."), (P, "After.")]),
    ("embedded post is quoted story text", ("<p>Fans were told online.</p><blockquote class='social-embed'><p>The "
     "show is off. Refunds soon.</p>&mdash; Fest (@fest)</blockquote><div class='social-share'>Share</div>"),
     [(P, "Fans were told online."), ("quote", "The show is off. Refunds soon."), ("quote", "— Fest (@fest)")]),
    ("caption and credit marked up apart", ("<figure><img src=a><figcaption>Crews at dawn. <span class='credit'>"
     "Photo: Ada Lin</span></figcaption></figure>"), [("caption", "Crews at dawn."), ("caption", "Photo: Ada Lin")]),
    ("lone credits are not blocks", ("<figure><img src=a><figcaption><span class='credit'>Photo: Ada Lin</span>"
     "</figcaption></figure><p>Text.</p><p class='photo-credit'>Photos: Ada Lin</p>"), [(P, "Text.")]),
    ("lazy figure caption from data attributes", ("<div class='image' data-caption='The old mill.' "
     "data-credit='Photo: Ada Lin'><img data-src=a.jpg></div><p>Text.</p>"),
     [("caption", "The old mill."), ("caption", "Photo: Ada Lin"), (P, "Text.")]),
    ("data caption yields to a figcaption", ("<figure><img data-src=a data-caption='Mill.'><figcaption>Mill."
     "</figcaption></figure>"), [("caption", "Mill.")]),
    ("AMP chrome and loading stand-ins", ("<p>One.</p><amp-ad type=x><div placeholder>Advertisement</div>"
     "<div fallback>Ad failed</div></amp-ad><amp-img src=a layout=responsive><noscript><img src=a></noscript>"
     "</amp-img><amp-social-share type=email></amp-social-share><p>Two.</p>"), [(P, "One."), (P, "Two.")]),
    ("key events list is navigation", ("<div class='key-events'><h2>Key events</h2><ul><li><a href='#p1'>Rest "
     "centre opens</a></li></ul></div><p>Post.</p>"), [(P, "Post.")]),
    ("copyright and rights lines dropped", ("<p>Text.</p><p>© 2026 Gull Point Courier</p><p>Copyright 2026 "
     "Wire. All rights reserved. Not for redistribution.</p><p>All rights reserved.</p>"), [(P, "Text.")]),
    ("prose about copyright kept", "<p>Copyright law changed in 2024, the court said.</p>",
     [(P, "Copyright law changed in 2024, the court said.")]),
    ("byline with an unmarked date", ("<p>By Ada Lin <time datetime='2026-01-02'>Jan. 2, 2026</time></p>"
     "<p>Text.</p>"), [(P, "Text.")]),
    ("author bio at the end dropped", ("<p>By Ada Lin</p><p>The council met on Tuesday night.</p><p>It voted to "
     "close the branch.</p><p>Ada Lin covers local government. Reach her at the newsroom.</p>"),
     [(P, "The council met on Tuesday night."), (P, "It voted to close the branch.")]),
    ("a last paragraph naming an official is not a bio", ("<p>The council met.</p><p>It voted.</p><p>Mayor Rosa "
     "Teo has said work begins in spring; contact the council for details.</p>"),
     [(P, "The council met."), (P, "It voted."), (P, "Mayor Rosa Teo has said work begins in spring; contact the "
                                                    "council for details.")]),
    ("bio-like prose in the middle kept", ("<p>Ada Lin covers the council.</p><p>Second.</p><p>Third.</p>"),
     [(P, "Ada Lin covers the council."), (P, "Second."), (P, "Third.")]),
    ("sibling inline elements get a space at a sentence end", ("<div><span>Vote at the town hall.</span><span>"
     "Wren Cole for the Dispatch</span></div><p>Fire<b>fighters</b> and <i>Mc</i>Donald</p>"),
     [(P, "Vote at the town hall. Wren Cole for the Dispatch"), (P, "Firefighters and McDonald")]),
    ("leading byline and date lines of a br block dropped", ("<p>By Ada Lin, staff reporter<br>Friday, 14 March 2003"
     "<br><br>The mill burned.<br>Nobody was hurt.</p>"), [(P, "The mill burned. Nobody was hurt.")]),
    ("unmarked prompts and lone credit lines dropped", ("<p>The bridge opened.</p><p>Sign up for our free "
     "morning newsletter and get the news in your inbox.</p><p>Photo: Ada Lin/The Dispatch</p><p>Follow us on "
     "Chirper.</p><p>Read more: Bridge delays explained</p><p>Photographers were there.</p>"),
     [(P, "The bridge opened."), (P, "Photographers were there.")]),
    ("kicker and live badge are labels", ("<p class='kicker'>Politics</p><span class='live-badge'>LIVE</span>"
     "<p>Text.</p>"), [(P, "Text.")]),
]


@pytest.mark.parametrize("markup, expected", [c[1:] for c in HTML_CASES], ids=[c[0] for c in HTML_CASES])
def test_html_blocks(markup: str, expected: list[tuple[str, str]]) -> None:
    assert html(markup) == expected


CHROME_TAGS = ["script", "style", "noscript", "template", "svg", "nav", "aside", "form", "button", "iframe",
               "header", "footer", "select", "textarea", "video", "dialog"]


@pytest.mark.parametrize("tag", CHROME_TAGS)
def test_chrome_tags_are_not_content(tag: str) -> None:
    markup = f"<body><{tag}>Chrome words</{tag}><main><p>Article text that matters.</p></main></body>"
    assert html(markup) == [(P, "Article text that matters.")]


CHROME_ATTRS = [
    'class="site-nav"', 'class="navbar"', 'role="navigation"', 'class="share-bar"', 'class="social-links"',
    'class="sharing"', 'aria-label="Share this story"', 'class="read-more"', 'class="related-stories"',
    'class="most-read"', 'id="mostPopular"', 'class="trending"', 'class="recommended"', 'class="comments"',
    'id="comment-count"', 'class="ad"', 'class="ad-slot"', 'id="ads-top"', 'class="advert"',
    'class="advertisement"', 'class="sponsor-box"', 'class="sponsored"', 'class="promo"', 'class="newsletter"',
    'class="subscribe-cta"', 'id="cookie-banner"', 'class="gdpr-consent"', 'class="breadcrumbs"',
    'class="tags"', 'class="story-tags"', 'class="author-bio"', 'class="sidebar"', 'class="widget"',
    'class="byline"', 'class="author"', 'class="dateline"', 'class="timestamp"', 'class="article-date"',
    'class="sr-only"', 'class="visually-hidden"', 'hidden', 'aria-hidden="true"', 'style="display: none"',
    'role="complementary"', 'class="skip-link"', 'itemprop="author"',
]


@pytest.mark.parametrize("attrs", CHROME_ATTRS)
def test_chrome_classes_ids_and_roles_are_not_content(attrs: str) -> None:
    markup = f"<p>Keep this paragraph.</p><div {attrs}><p>Chrome words here</p></div><p>And this one.</p>"
    assert html(markup) == [(P, "Keep this paragraph."), (P, "And this one.")]


def test_class_words_are_matched_as_words_not_substrings() -> None:
    markup = ("<div class='lead shadow download headline-read'><p>Lead paragraph.</p></div>"
              "<div class='navigator-story'><p>Second.</p></div>")
    assert html(markup) == [(P, "Lead paragraph."), (P, "Second.")]


def test_layout_class_on_a_page_wrapper_does_not_hide_the_article() -> None:
    markup = "<body class='has-sidebar'><div class='page has-sidebar'><p>Only text, in a wrapper.</p></div></body>"
    assert html(markup) == [(P, "Only text, in a wrapper.")]


def test_page_wrapped_in_a_form_still_yields_the_article() -> None:
    markup = "<form id='aspnetForm'><article><h1>Head</h1><p>Body text in a form.</p></article></form>"
    assert html(markup) == [("title", "Head"), (P, "Body text in a form.")]


# ---------------------------------------------------------------------------------------------------
# HTML: choosing the article container and the headline

def test_article_container_beats_sidebar_and_teasers() -> None:
    markup = """
    <div class="top"><p>Welcome to the Gull Point Courier website where you can find news.</p></div>
    <main>
      <article><h1>Ferry fares rise</h1>
        <p>The county ferry board voted on Monday to raise fares by 12 percent from April.</p>
        <p>Commuters said the increase would hit island workers hardest.</p></article>
      <section class="more"><h2><a href="/x">Other story</a></h2><p>A teaser for another story.</p></section>
    </main>"""
    assert html(markup) == [
        ("title", "Ferry fares rise"),
        (P, "The county ferry board voted on Monday to raise fares by 12 percent from April."),
        (P, "Commuters said the increase would hit island workers hardest."),
    ]


def test_a_body_split_into_same_class_sections_is_kept_whole() -> None:
    first, second = "First part of the story, with enough words to count. " * 6, "Second part, after the ad. " * 8
    markup = (f"<nav><a href='/'>Home</a></nav><div class='wrap'><h1>Split story</h1>"
              f"<section class='story-body'><p>{first}</p></section><div class='ad'>Advertisement</div>"
              f"<section class='story-body'><p>{second}</p></section></div><div class='teasers'><p>Teaser text "
              f"for another story entirely.</p></div>")
    assert html(markup) == [("title", "Split story"), (P, first.strip()), (P, second.strip())]


def test_title_from_h1_just_outside_the_body_container() -> None:
    markup = """<div class="article-header"><h1>Headline outside</h1><p class="byline">By Ana Ruiz</p></div>
    <div class="sidebar"><h1>Sidebar heading</h1></div>
    <div class="article-body"><p>The first paragraph of the story is long enough to matter.</p>
    <p>Second paragraph.</p></div>
    <div class="footer-links"><p>About us</p></div>"""
    doc = extract(markup, fmt="html")
    assert pairs(doc) == [("title", "Headline outside"),
                          (P, "The first paragraph of the story is long enough to matter."),
                          (P, "Second paragraph.")]
    assert doc.metadata.title == "Headline outside" and doc.metadata.byline == "Ana Ruiz"


def test_site_logo_h1_is_not_the_headline() -> None:
    markup = """<head><meta property="og:site_name" content="The Harbor Gazette">
    <meta property="og:title" content="Pier reopens after repairs"></head>
    <div class="masthead"><h1>The Harbor Gazette</h1></div>
    <div class="story-body"><p>The Pier Road pier reopened on Saturday after eight months of repairs.</p></div>"""
    assert html(markup)[0] == ("title", "Pier reopens after repairs")


@pytest.mark.parametrize("head, title", [
    (('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "From JSON-LD"}</script>'
     '<meta property="og:title" content="From OG">'), "From JSON-LD"),
    (('<meta property="og:title" content="From OG | The Harbor Gazette">'
     '<meta property="og:site_name" content="The Harbor Gazette">'), "From OG"),
    ("<title>From title | The Harbor Gazette</title>", "From title"),
    ("<title>From title - Harbor Gazette</title>", "From title"),
    ("<title>Harbor Gazette: From title</title><meta property='og:site_name' content='Harbor Gazette'>",
     "From title"),
    ("<title>Storm batters coast — no injuries</title>", "Storm batters coast — no injuries"),
    ("<title>Tide tables - updated daily</title>", "Tide tables - updated daily"),
])
def test_title_fallbacks_without_h1(head: str, title: str) -> None:
    doc = extract(f"<html><head>{head}</head><body><p>Body text.</p></body></html>", fmt="html")
    assert pairs(doc) == [("title", title), (P, "Body text.")]
    assert doc.metadata.title == title


def test_no_title_source_means_no_title_block() -> None:
    doc = extract("<p>Just a fragment.</p>", fmt="html")
    assert pairs(doc) == [(P, "Just a fragment.")] and doc.metadata.title is None


# ---------------------------------------------------------------------------------------------------
# HTML: metadata

def meta(markup: str, **kwargs: str) -> Metadata:
    return extract(markup, fmt="html", **kwargs).metadata


def test_jsonld_article_in_a_list_with_type_list() -> None:
    m = meta('<script type="application/ld+json">[{"@type": "WebPage"}, {"@type": ["ReportageNewsArticle"], '
             '"headline": "LD headline", "author": "Ana Ruiz", "datePublished": "2026-01-05T08:00:00Z", '
             '"dateModified": "2026-01-05T09:30:00Z", "description": "LD description", "inLanguage": "es"}]'
             '</script><p>Body.</p>')
    assert m == Metadata(title="LD headline", byline="Ana Ruiz", published="2026-01-05T08:00:00Z",
                         modified="2026-01-05T09:30:00Z", language="es", description="LD description")


def test_jsonld_graph_authors_and_publisher() -> None:
    m = meta('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
             '{"@type": "Organization", "name": "Org"}, {"@type": "NewsArticle", "headline": "Graph head", '
             '"author": [{"@type": "Person", "name": "Ola Berg"}, {"name": "Ines Farrow"}, {"name": "Kai Moe"}], '
             '"publisher": {"@type": "Organization", "name": "Fjord Post"}}]}</script><p>Body.</p>')
    assert (m.title, m.byline, m.site_name) == ("Graph head", "Ola Berg, Ines Farrow and Kai Moe", "Fjord Post")


@pytest.mark.parametrize("payload", ["{ not json", "", "[1, 2", '{"@type": "NewsArticle", "headline": ',
                                     "[" * 100_000, "null", '"a string"', '{"@type": 5}'])
def test_invalid_jsonld_is_ignored(payload: str) -> None:
    m = meta(f'<script type="application/ld+json">{payload}</script><h1>Visible</h1><p>Body.</p>')
    assert m.title == "Visible"


def test_meta_tags_canonical_language_site_and_description() -> None:
    m = meta("""<html lang="en-GB"><head>
    <meta property="og:site_name" content="Gull Point Courier">
    <meta name="description" content="Ferry fares rise by 12 percent.">
    <meta property="og:description" content="OG description">
    <meta property="article:published_time" content="2026-02-01T07:00:00+00:00">
    <meta property="article:modified_time" content="2026-02-01T10:15:00+00:00">
    <meta property="og:url" content="https://courier.example/og-url">
    <link rel="canonical" href="https://courier.example/news/ferry-fares">
    </head><body><h1>Ferry fares rise</h1><p>Body.</p></body></html>""")
    assert m == Metadata(title="Ferry fares rise", published="2026-02-01T07:00:00+00:00",
                         modified="2026-02-01T10:15:00+00:00", canonical_url="https://courier.example/news/ferry-fares",
                         language="en-GB", site_name="Gull Point Courier", description="Ferry fares rise by 12 percent.")


def test_og_url_fallback_resolved_against_the_page_url() -> None:
    m = meta('<meta property="og:url" content="/news/a"><p>x</p>', name="https://courier.example/news/a?utm=1")
    assert m.canonical_url == "https://courier.example/news/a"


def test_time_elements_give_published_and_modified() -> None:
    m = meta("""<article><h1>Head</h1>
    <p class="story-meta">By <span class="author">Ines Farrow</span> |
      <time datetime="2026-03-01T10:00:00Z">March 1</time> · Updated
      <time datetime="2026-03-02T11:00:00Z">March 2</time></p>
    <p>Text of the story.</p></article>""")
    assert (m.byline, m.published, m.modified) == ("Ines Farrow", "2026-03-01T10:00:00Z", "2026-03-02T11:00:00Z")


def test_times_in_sidebars_are_ignored() -> None:
    m = meta("<aside><time datetime='1999-01-01'>old</time></aside><div class='related'>"
             "<time datetime='1998-01-01'>old</time></div><article><h1>H</h1><p>Text.</p>"
             "<time class='published' datetime='2026-04-04'>April 4</time></article>")
    assert m.published == "2026-04-04"


# ---------------------------------------------------------------------------------------------------
# The realistic fixture page

GAZETTE_BLOCKS = [
    ("title", "Fire guts Dock Street warehouse, displacing 40 workers"),
    (P, "No one was hurt, but the blaze wiped out the largest marine supplier on the Calloway waterfront."),
    # The credit is marked up on its own (<span class="credit">), so it is its own caption block.
    ("caption", "Smoke rises over Dock Street early Tuesday."),
    ("caption", "Photo: Ines Farrow/The Harbor Gazette"),
    (P, ("A three-alarm fire tore through the Oyelaran Marine Supply warehouse on Dock Street overnight, leaving "
         "roughly 40 employees without a workplace and sending a column of smoke over the harbor that could be "
         "seen from Gull Point.")),
    (P, ("Crews from three stations arrived shortly after 2\u00a0a.m. and fought the blaze for nearly five hours, "
         "Calloway Fire Chief Lena Ortiz said. No injuries were reported.")),
    ("heading", "“We lost everything”"),
    (P, ("Owner Bram Oyelaran, whose father opened the business in 1987, stood across the street as firefighters "
         "doused the last hot spots.")),
    ("quote", ("It’s forty years of work. We will rebuild, but right now I just want my people to know they will "
               "be paid.")),
    ("quote", "— Bram Oyelaran, owner"),
    (P, "Investigators have not determined a cause. Ortiz said the department would look at:"),
    ("list_item", "the building’s electrical panel, replaced in 2019;"),
    ("list_item", "a propane storage cage on the north wall; and"),
    ("list_item", "reports from neighbors of a loud bang around 1:45 a.m."),
    (P, ("The city has opened the Harbor Community Center on Pier Road for displaced workers who need help with "
         "emergency assistance forms.")),
    (P, "Donations can be dropped off there until Friday."),
]


def test_full_news_page_fixture() -> None:
    raw = (FIXTURES / "harbor_gazette_fire.html").read_bytes()
    doc = extract(raw, content_type="text/html; charset=utf-8",
                  name="https://harborgazette.example/news/2026/03/03/dock-street-fire")
    assert pairs(doc) == GAZETTE_BLOCKS
    assert doc.metadata == Metadata(
        title="Fire guts Dock Street warehouse, displacing 40 workers",
        byline="Mara Quist and Tobiah Lenz",
        published="2026-03-03T06:12:00-05:00",
        modified="2026-03-03T09:41:00-05:00",
        canonical_url="https://harborgazette.example/news/2026/03/03/dock-street-fire",
        language="en-US",
        site_name="The Harbor Gazette",
        description="A three-alarm fire destroyed the Oyelaran Marine Supply warehouse in Port Calloway overnight.",
    )
    assert (doc.format, doc.charset, doc.charset_source) == ("html", "utf-8", "http")
    assert (doc.extractor, doc.extractor_version) == (EXTRACTOR_NAME, EXTRACTOR_VERSION) == ("provtrack-html", "1.4")
    chrome = ["Skip to content", "cookies", "Sports", "Advertisement", "Share on", "14 comments", "Local news",
              "Council weighs", "morning briefing", "Read more", "Tags", "joined the paper", "terrible news",
              "Ferry schedule", "Most read", "Lighthouse", "3 months for $1", "All rights reserved", "JavaScript",
              "PORT CALLOWAY", "Updated 3 minutes ago", "March 3, 2026", "dataLayer"]
    assert not [word for word in chrome if word in doc.text]


def test_fixture_document_follows_the_extract_contract(validate) -> None:
    raw = (FIXTURES / "harbor_gazette_fire.html").read_bytes()
    doc = extract(raw, name="harbor_gazette_fire.html")
    from provtrack.model import sha256_hex
    data = {"schema": "provtrack.extract/1",
            "source": {"location": "harbor_gazette_fire.html", "sha256": sha256_hex(raw)},
            "metadata": doc.metadata.to_json(), "blocks": [b.to_json() for b in doc.blocks]}
    validate(data, "extract")
    assert (doc.charset, doc.charset_source) == ("utf-8", "meta")


def test_fixture_survives_the_same_page_in_windows_1252() -> None:
    raw = (FIXTURES / "harbor_gazette_fire.html").read_text(encoding="utf-8")
    legacy = raw.replace('<meta charset="utf-8">', '<meta charset="windows-1252">').encode("cp1252")
    doc = extract(legacy, name="fire.html")
    assert (doc.charset, doc.charset_source) == ("cp1252", "meta")
    assert pairs(doc) == GAZETTE_BLOCKS


# ---------------------------------------------------------------------------------------------------
# Decoding

DECODE_CASES = [
    ("http charset used when it decodes", "café".encode(), "utf-8", ("café", "utf-8", "http")),
    ("http label normalised", "café".encode(), "UTF8", ("café", "utf-8", "http")),
    ("iso-8859-1 decodes as windows-1252", b"caf\xe9 \x93q\x94", "iso-8859-1", ("café “q”", "cp1252", "http")),
    ("other legacy http charset", "ĉu".encode("iso8859-3"), "iso-8859-3", ("ĉu", "iso8859-3", "http")),
    ("utf-8 bom", b"\xef\xbb\xbfcaf\xc3\xa9", None, ("café", "utf-8-sig", "bom")),
    ("utf-16-le bom", b"\xff\xfe" + "café".encode("utf-16-le"), None, ("café", "utf-16-le", "bom")),
    ("utf-16-be bom", b"\xfe\xff" + "café".encode("utf-16-be"), None, ("café", "utf-16-be", "bom")),
    ("bom outranks a contradicting http charset", b"\xef\xbb\xbfcaf\xc3\xa9", "iso-8859-1",
     ("café", "utf-8-sig", "bom")),
    ("bom agreeing with http", b"\xff\xfe" + "hi".encode("utf-16-le"), "utf-16", ("hi", "utf-16-le", "http")),
    ("meta charset", b'<meta charset="windows-1252"><p>\x93q\x94</p>', None,
     ('<meta charset="windows-1252"><p>“q”</p>', "cp1252", "meta")),
    ("meta http-equiv", b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-15"><p>\xa4</p>',
     None, ('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-15"><p>€</p>',
            "iso8859-15", "meta")),
    ("http wins over meta", b'<meta charset="koi8-r"><p>caf\xe9</p>', "windows-1252",
     ('<meta charset="koi8-r"><p>café</p>', "cp1252", "http")),
    ("plain utf-8", "naïve “quotes”".encode(), None, ("naïve “quotes”", "utf-8", "utf-8")),
    ("ascii is utf-8", b"plain", None, ("plain", "utf-8", "utf-8")),
    ("wrong single-byte http charset loses to valid utf-8", "café “q”".encode(), "iso-8859-1",
     ("café “q”", "utf-8", "utf-8")),
    ("wrong legacy meta charset loses to valid utf-8", '<meta charset="windows-1251"><p>café</p>'.encode(),
     None, ('<meta charset="windows-1251"><p>café</p>', "utf-8", "utf-8")),
    ("http utf-8 that is not utf-8 falls back", b"<p>caf\xe9</p>", "UTF-8", ("<p>café</p>", "cp1252", "fallback")),
    ("meta utf-8 that is not utf-8 falls back", b'<meta charset="utf-8"><p>caf\xe9</p>', None,
     ('<meta charset="utf-8"><p>café</p>', "cp1252", "fallback")),
    ("utf-16 http label on ascii bytes is ignored", b"<p>hi</p>", "utf-16", ("<p>hi</p>", "utf-8", "utf-8")),
    ("meta utf-16 means utf-8", b'<meta charset="utf-16"><p>caf\xc3\xa9</p>', None,
     ('<meta charset="utf-16"><p>café</p>', "utf-8", "meta")),
    ("windows-1252 fallback recorded", b"caf\xe9 \x96 dash", None, ("café – dash", "cp1252", "fallback")),
    ("undefined cp1252 bytes replaced", b"caf\xe9 \x81\x8d", None, ("café \ufffd\ufffd", "cp1252", "fallback")),
    ("unknown label ignored", b"caf\xc3\xa9", "x-klingon", ("café", "utf-8", "utf-8")),
    ("utf-7 refused", b"+AGEAYgBj-", "utf-7", ("+AGEAYgBj-", "utf-8", "utf-8")),
    ("non-text codec refused", b"aGk=", "base64", ("aGk=", "utf-8", "utf-8")),
    ("multi-byte legacy charset", "日本語".encode("shift_jis"), "shift_jis", ("日本語", "cp932", "http")),
    ("empty", b"", None, ("", "utf-8", "utf-8")),
    ("utf-16-le without bom", "<p>Hi, café</p>".encode("utf-16-le"), None,
     ("<p>Hi, café</p>", "utf-16-le", "fallback")),
    ("utf-16-be without bom", "plain words".encode("utf-16-be"), None, ("plain words", "utf-16-be", "fallback")),
    ("utf-8 with pasted windows-1252 islands", "café “q”".encode() + b" \x93x\x94 \x96", None,
     ("café “q” “x” –", "utf-8+cp1252", "mixed")),
    ("mixed bytes beat a wrong legacy meta charset", b'<meta charset="iso-8859-1">' + "“é”".encode() + b"\x93",
     None, ('<meta charset="iso-8859-1">“é”“', "utf-8+cp1252", "mixed")),
    ("one stray utf-8 pair in windows-1252 is windows-1252", b"caf\xe9 \xc3\xa9", None,
     ("café Ã©", "cp1252", "fallback")),
]


@pytest.mark.parametrize("raw, charset, expected", [c[1:] for c in DECODE_CASES], ids=[c[0] for c in DECODE_CASES])
def test_decode(raw: bytes, charset: str | None, expected: tuple[str, str, str]) -> None:
    assert decode(raw, http_charset=charset) == expected


def test_meta_charset_only_counts_in_the_first_4kb() -> None:
    raw = b"<p>" + b"x" * 5000 + b'</p><meta charset="windows-1252"><p>caf\xe9</p>'
    assert decode(raw)[1:] == ("cp1252", "fallback")


def test_extract_records_charset_and_takes_it_from_content_type() -> None:
    doc = extract(b"<p>caf\xe9</p>", content_type="text/html; charset=ISO-8859-1")
    assert (doc.charset, doc.charset_source, pairs(doc)) == ("cp1252", "http", [(P, "café")])
    doc = extract("<p>café</p>", content_type="text/html")
    assert (doc.charset, doc.charset_source) == (None, "str")


LABELS = [None, "utf-8", "utf-16", "utf-16-be", "iso-8859-1", "ascii", "shift_jis", "gb2312", "euc-kr",
          "utf-7", "rot13", "hex", "nonsense", "", "  'UTF-8'  ", "utf-32", "cp1252", "koi8-r", "x" * 100]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(LABELS))
def test_decode_never_raises(raw: bytes, label: str | None) -> None:
    text, codec, source = decode(raw, http_charset=label)
    assert isinstance(text, str) and codec and source in {"http", "bom", "meta", "utf-8", "mixed", "fallback"}


# ---------------------------------------------------------------------------------------------------
# Format detection

DETECT_CASES = [
    ("text/html", b"plain words", {"content_type": "text/html"}, "html"),
    ("xhtml", b"<x/>", {"content_type": "application/xhtml+xml; charset=utf-8"}, "html"),
    ("text/markdown", b"words", {"content_type": "text/markdown"}, "markdown"),
    ("text/plain is text", b"<p>not parsed</p>", {"content_type": "text/plain"}, "text"),
    ("text/plain but .md", b"words", {"content_type": "text/plain", "name": "notes.md"}, "markdown"),
    ("html extension", b"words", {"name": "story.HTML"}, "html"),
    ("markdown extension in url", b"words", {"name": "https://a.example/raw/notes.markdown?x=1#y"}, "markdown"),
    ("windows path txt", b"# words", {"name": "C:\\drafts\\notes.TXT"}, "text"),
    ("octet-stream text sniffed", b"<!DOCTYPE html><p>x", {"content_type": "application/octet-stream"}, "html"),
    ("sniff doctype", b"\n  <!doctype html><html><p>x</p>", {}, "html"),
    ("sniff fragment", b"<p>Hello</p>", {}, "html"),
    ("sniff xml", b"<?xml version='1.0'?><html/>", {}, "html"),
    ("sniff utf-16 bom html", b"\xff\xfe" + "<html><p>x</p>".encode("utf-16-le"), {}, "html"),
    ("sniff utf-16 html without bom", "<html><p>x</p>".encode("utf-16-le"), {}, "html"),
    ("utf-16 text without bom", "Just words here.".encode("utf-16-be"), {}, "text"),
    ("sniff atx heading", b"# Title\n\nBody", {}, "markdown"),
    ("sniff link", b"See [the report](https://x.example/r) today.", {}, "markdown"),
    ("sniff plain", b"Just some words.\n\nMore words.", {}, "text"),
    ("empty", b"", {}, "text"),
    ("unknown extension sniffed", b"<html><body>x", {"name": "page.cgi"}, "html"),
]


@pytest.mark.parametrize("raw, kwargs, fmt", [c[1:] for c in DETECT_CASES], ids=[c[0] for c in DETECT_CASES])
def test_detect_format(raw: bytes, kwargs: dict[str, str], fmt: str) -> None:
    assert detect_format(raw, **kwargs) == fmt


NOT_TEXT = [
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", {}, "PDF"),
    ("pdf after whitespace", b"\r\n%PDF-1.4\n", {"name": "report.pdf"}, "report.pdf is a PDF"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, "PNG image"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", {}, "JPEG image"),
    ("gif", b"GIF89a\x01\x00", {}, "GIF image"),
    ("zip", b"PK\x03\x04\x14\x00", {}, "ZIP"),
    ("gzip", b"\x1f\x8b\x08\x00", {}, "gzip"),
    ("mp4", b"\x00\x00\x00\x18ftypmp42", {}, "media"),
    ("pdf content type", b"anything", {"content_type": "application/pdf"}, "PDF"),
    ("image content type", b"GIF-ish", {"content_type": "image/webp"}, "image"),
    ("binary octet-stream", bytes(range(256)) * 4, {"content_type": "application/octet-stream"}, "binary"),
    ("nul-heavy", b"\x00\x01" * 300 + b"abc", {}, "NUL"),
]


@pytest.mark.parametrize("raw, kwargs, message", [c[1:] for c in NOT_TEXT], ids=[c[0] for c in NOT_TEXT])
def test_non_text_content_is_refused_with_one_line(raw: bytes, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ExtractError, match=re.escape(message)) as info:
        detect_format(raw, **kwargs)
    assert "\n" not in str(info.value)
    with pytest.raises(ExtractError):
        extract(raw, **kwargs)


def test_html_error_page_served_as_an_image_is_still_html() -> None:
    assert detect_format(b"<!DOCTYPE html><h1>Not found</h1>", content_type="image/png") == "html"


def test_explicit_format_skips_detection_and_unknown_format_is_an_error() -> None:
    assert extract(b"# not a heading", fmt="text").blocks == (Block(P, "# not a heading"),)
    with pytest.raises(ExtractError, match="unknown format 'pdf'"):
        extract(b"x", fmt="pdf")


def test_extractor_registry() -> None:
    class Shouting:
        def extract(self, text: str, *, base_url: str | None = None) -> tuple[tuple[Block, ...], Metadata]:
            return (Block(P, text.upper()),), Metadata()

    register("shout", Shouting())
    try:
        doc = extract(b"hi", fmt="shout")
        assert (pairs(doc), doc.format, doc.extractor) == ([(P, "HI")], "shout", EXTRACTOR_NAME)
    finally:
        del EXTRACTORS["shout"]
    assert sorted(EXTRACTORS) == ["html", "markdown", "text"]


# ---------------------------------------------------------------------------------------------------
# Plain text

TEXT_CASES = [
    ("chunks and inner newlines", "First paragraph\nstill first.\n\n\nSecond   paragraph.\n",
     ["First paragraph still first.", "Second paragraph."]),
    ("crlf and lone cr", "a\r\nb\r\n\r\nc\rd\r\re", ["a b", "c d", "e"]),
    ("whitespace-only lines are blank", "one\n   \t\ntwo\n \u00a0 \nthree", ["one", "two", "three"]),
    ("nothing else is split or merged", "# not a heading\n- not a list\n> not a quote\n\n<p>not html</p>",
     ["# not a heading - not a list > not a quote", "<p>not html</p>"]),
    ("leading and trailing blank lines", "\n\n\n  body  \n\n\n", ["body"]),
    ("controls stripped", "a\x00b\x1bc\n\nd", ["abc", "d"]),
    ("only whitespace", " \n\t\n ", []),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in TEXT_CASES], ids=[c[0] for c in TEXT_CASES])
def test_plain_text(text: str, expected: list[str]) -> None:
    doc = extract(text.encode("utf-8"), content_type="text/plain")
    assert pairs(doc) == [(P, t) for t in expected]
    assert doc.format == "text" and doc.metadata == Metadata()


_WORD = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=6).flatmap(
    lambda words: st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=len(words), max_size=len(words)).map(
        lambda gaps: "".join(g + w for g, w in zip(gaps, words))))
_CHUNK = st.lists(_LINE, min_size=1, max_size=4)
_BLANK = st.lists(st.sampled_from(["", " ", "\t", "  \t "]), min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CHUNK, _BLANK), min_size=0, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
def test_text_property_n_chunks_make_n_paragraphs(chunks: list[tuple[list[str], list[str]]], newline: str) -> None:
    text = "".join(newline.join(lines) + newline + newline.join(blank) + newline for lines, blank in chunks)
    doc = extract(text, fmt="text")
    assert [b.kind for b in doc.blocks] == [P] * len(chunks)
    assert [b.text for b in doc.blocks] == [" ".join(" ".join(lines).split()) for lines, _ in chunks]


def _reference_paragraphs(text: str) -> list[str]:
    """The plain-text rule written the slow, obvious way: lines; a blank line ends a paragraph."""
    paragraphs, chunk = [], []
    for line in re.split(r"\r\n?|\n", text) + [""]:
        if line.strip():
            chunk.append(line)
        elif chunk:
            joined = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", "", " ".join(chunk))
            joined = re.sub("[\ud800-\udfff]", "\ufffd", joined)
            cleaned = re.sub(r"[ \t\n\r\f\v]+", " ", joined).strip()
            if cleaned:
                paragraphs.append(cleaned)
            chunk = []
    return paragraphs


_ANY_TEXT = st.text(alphabet=st.one_of(st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x85\u2028\u00a0\u00ad\x00\x1b\x9b")),
                                      st.characters()), max_size=60)


@settings(max_examples=500, deadline=None)
@given(_ANY_TEXT)
def test_plain_text_fast_path_matches_the_line_by_line_rule(text: str) -> None:
    blocks, _ = TextExtractor().extract(text)
    assert [b.text for b in blocks] == _reference_paragraphs(text)


# ---------------------------------------------------------------------------------------------------
# Markdown

MARKDOWN_CASES = [
    ("title, headings, paragraphs", "# Harbor *fire* update\n\nCrews **contained** it.\nBy dawn.\n\n## Next ##\n",
     [("title", "Harbor fire update"), (P, "Crews contained it. By dawn."), ("heading", "Next")]),
    ("first block not h1: no title", "Intro.\n\n# Later\n", [(P, "Intro."), ("heading", "Later")]),
    ("h2 first is a heading", "## Sub\n\nx", [("heading", "Sub"), (P, "x")]),
    ("setext", "Big title\n=========\n\nSub\n---\n\nBody", [("title", "Big title"), ("heading", "Sub"), (P, "Body")]),
    ("quotes joined and split on bare >", "> one\n> two\n>\n> three\n\nafter",
     [("quote", "one two"), ("quote", "three"), (P, "after")]),
    ("list markers", "- a\n* b\n+ c\n1. d\n2) e\n  continued\n",
     [("list_item", "a"), ("list_item", "b"), ("list_item", "c"), ("list_item", "d"), ("list_item", "e continued")]),
    ("inline markup stripped", ("See [the report](https://x.example/r \"t\"), ![map](m.png), `code *x*`, "
     "<https://a.example>, __bold__, _em_, ~~old~~ and &amp;."),
     [(P, "See the report, map, code *x*, https://a.example, bold, em, old and &.")]),
    ("escapes and intraword underscores", r"Keep \*stars\*, snake_case, 2*3*4 and a \[bracket\].",
     [(P, "Keep *stars*, snake_case, 2*3*4 and a [bracket].")]),
    ("fenced code is one paragraph, literal", "```python\nx = *y*  # [a](b)\n\nprint(x)\n```\n",
     [(P, "x = *y* # [a](b) print(x)")]),
    ("thematic breaks and reference definitions dropped", "a\n\n---\n\n[ref]: https://x.example\n\nb",
     [(P, "a"), (P, "b")]),
    ("hashtag is not a heading", "#notaheading\n", [(P, "#notaheading")]),
    ("inline html tags dropped", "Text <span class=\"x\">inside</span> here", [(P, "Text inside here")]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in MARKDOWN_CASES], ids=[c[0] for c in MARKDOWN_CASES])
def test_markdown(text: str, expected: list[tuple[str, str]]) -> None:
    doc = extract(text.encode("utf-8"), name="notes.md")
    assert doc.format == "markdown" and pairs(doc) == expected
    assert doc.metadata.title == (expected[0][1] if expected and expected[0][0] == "title" else None)


def test_markdown_fixture() -> None:
    doc = extract((FIXTURES / "council_briefing.md").read_bytes(), content_type="text/markdown")
    assert pairs(doc) == [
        ("title", "Port Calloway council briefing: harbor rebuild fund"),
        (P, "The council voted 5-2 on Tuesday to open a $2 million fund for businesses hit by the Dock Street fire."),
        ("heading", "What the fund covers"),
        ("list_item", "Temporary premises for up to six months"),
        ("list_item", "Wages for displaced workers, paid through employers"),
        ("list_item", "Replacement of uninsured equipment"),
        ("quote", "Nobody on the waterfront should lose their job because of one night, said Councillor Priya Venn."),
        (P, "Applications open on March 10 at the Harbor Community Center."),
    ]


# ---------------------------------------------------------------------------------------------------
# Hostile input: must neither crash nor hang (sizes keep the suite quick; timing lives in benchmarks/)

def test_hundred_thousand_nested_elements() -> None:
    n = 100_000
    assert html("<div>" * n + "<p>deep</p>" + "</div>" * n) == [(P, "deep")]
    assert html("<div><span>" * n + "unclosed") == [(P, "unclosed")]
    assert html("<blockquote>" * n + "quoted") == [("quote", "quoted")]
    assert html("<h1><b>" * 20_000 + "headline")[0][0] == "title"


def test_fifty_megabyte_single_line() -> None:
    line = "word " * 10_000_000
    assert extract("<p>" + line, fmt="html").blocks == (Block(P, line.strip()),)
    assert extract(line.encode(), fmt="text").blocks == (Block(P, line.strip()),)


@pytest.mark.parametrize("markup", [
    "<a" * 100_000, "</" * 100_000, "</a" * 100_000, "<!--" * 100_000, "<!-- >" * 100_000, "<![CDATA[>" * 100_000,
    "<![foo[" * 1_000, "<!" * 100_000, "<?" * 100_000, "<a b='" * 100_000, "&#" * 100_000, "&" * 100_000,
    "<p>" + "&amp;&lt;&#x41;&eacute;&nosuch;&#0;&#xD800;" * 100_000, "\x00<p>\x00" * 100_000, "<" * 100_000,
])
def test_pathological_markup(markup: str) -> None:
    doc = extract(markup, fmt="html")
    assert all(not C0.search(b.text) for b in doc.blocks)


def test_nul_bytes_in_html_bytes_are_stripped() -> None:
    doc = extract(b"<html><body><h1>Fi\x00re</h1><p>a\x00b</p></body></html>" + b"\x00" * 2000)
    assert pairs(doc) == [("title", "Fire"), (P, "ab")]


@pytest.mark.parametrize("text", ["[" * 200_000 + "(" * 200_000, "`" * 200_000, "*a " * 200_000,
                                  "# x" + " " * 200_000 + "y", "> " * 200_000, "_" * 200_000])
def test_pathological_markdown(text: str) -> None:
    extract(text, fmt="markdown")


_MARKUP = st.lists(st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<br>", "<h1>", "</h1>", "<h2>", "<li>", "<ul>", "</ul>", "<blockquote>",
    "</blockquote>", "<a href='/x'>", "</a>", "<script>", "</script>", "<!--", "-->", "&amp;", "&", "<", ">",
    "<nav>", "</nav>", "<article>", "</article>", "<figcaption>", "<time datetime='2026'>", "</time>",
    "<div class='share'>", "<span>", "</span>", "\x00", "\x07", " ", "\n", "word", "Another word", "By Ann Lee",
    "Updated 2 hours ago", "<title>", "</title>", " | Site", "\u00a0", "é", "<![if x]>", "<table><tr><td>",
]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_MARKUP, st.text(max_size=300)))
def test_html_property_blocks_are_well_formed(markup: str) -> None:
    doc = extract(markup, fmt="html")
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("title") <= 1 and ("title" not in kinds or kinds[0] == "title")
    assert doc.metadata.title == (doc.blocks[0].text if kinds[:1] == ["title"] else None)
    for block in doc.blocks:
        assert block.kind in BLOCK_KINDS and block.text == block.text.strip()
        assert not C0.search(block.text) and "  " not in block.text and "\n" not in block.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_markdown_property_never_fails(text: str) -> None:
    doc = extract(text, fmt="markdown")
    assert all(b.text and not C0.search(b.text) for b in doc.blocks)
    assert [b.kind for b in doc.blocks].count("title") <= 1


# ---------------------------------------------------------------------------------------------------
# Architecture

def test_extract_is_pure_of_click_rich_and_git() -> None:
    code = ("import sys, provtrack.extract; "
            "bad = [m for m in ('click', 'rich', 'git') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
