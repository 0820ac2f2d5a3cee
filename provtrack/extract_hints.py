"""Class/id/role vocabulary of the HTML extractor: which words mark chrome, bylines, layout, quotes and credits.

Pure: standard library only. Words are matched as words (split on separators and
camelCase humps), never as substrings: "download" is not "ad", "lead" is not "ad".
"""

from __future__ import annotations

import re

#: Chrome categories (bit flags). HARD: never content (scripts, navigation, asides).
#: SOFT: chrome by class/id/role (share bars, ads, related links). META: bylines and
#: timestamps, which feed metadata but are never blocks. WEAK: layout words (sidebar,
#: widget) and forms, which may also wrap a whole page and so never disqualify an
#: article container found inside them.
HARD, SOFT, META, WEAK = 1, 2, 4, 8
CHROME = HARD | SOFT | META | WEAK

_PART_SPLIT = re.compile(r"[\s_\-:./]+|(?<=[a-z0-9])(?=[A-Z])")
JUNK = frozenset("""
nav navbar navigation menu menubar submenu breadcrumb breadcrumbs crumbs skiplink skiplinks
share shares sharing sharebar sharetools socialshare social socials socialmedia sharedaddy
related relatedposts relatedstories relatedarticles recommended recommendation recommendations trending popular
mostread mostpopular mostviewed mostshared readmore morestories morenews moreon alsoread readnext
upnext youmayalsolike dontmiss comment comments commentcount commentcounts disqus replies
ad ads adv advert adverts advertisement advertisements advertising adslot adunit adsense dfp
sponsor sponsors sponsored promo promos promoted promotion promotions
newsletter newsletters subscribe subscription subscriptions signup paywall
cookie cookies cookiebanner consent gdpr tags tag taglist topics keywords
outbrain taboola popup modal overlay toolbar visuallyhidden sronly screenreadertext screenreaderonly
keyevents toc tableofcontents jumplinks loadmore copyright printonly disclaimer
""".split())
META_WORDS = frozenset("""
byline bylines author authors authorbio aboutauthor contributor contributors dateline timestamp
date dates pubdate posted postedon meta readtime readingtime kicker eyebrow overline badge
""".split())
WEAK_WORDS = frozenset("sidebar widget widgets rail masthead banner header footer topbar".split())
CONTENT_WORDS = frozenset("article body content main story entry post text".split())
JUNK_ROLES = frozenset("""
navigation banner contentinfo complementary search menu menubar toolbar dialog alertdialog form tablist
""".split())
BODY_CLASS = re.compile(
    r"(?:article|story|entry|post|news)[-_]*(?:body|content|text|copy)|(?<![a-z])body[-_]?(?:text|copy)"
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
#: Pull quotes (often in <aside>) and embedded posts (social media blockquotes): quoted story text.
QUOTE_GRAMS = frozenset("""
pullquote pullquotes pullout blockquote quotebox socialembed embeddedpost embedpost postembed
twittertweet tweet chirp instagrammedia tiktokembed mastodonembed
""".split())
#: Photo credits inside captions: kept as their own caption block, dropped when alone.
CREDIT_WORDS = frozenset("credit credits photographer photocredit imagecredit attribution".split())
#: Paywall, registration-wall and consent prompts; the first word of each pair names the signal.
WALL_GRAMS = frozenset("""
paywall regwall registrationwall subscriberwall meteredpaywall piano tpmodal subscriptionwall
consent consentwall cookiewall cookieconsent cookiebanner gdpr cmp spmessagecontainer
""".split())
CONSENT_GRAMS = frozenset("consent consentwall cookiewall cookieconsent cookiebanner gdpr cmp spmessagecontainer".split())

#: AMP and web-component chrome that html.parser sees as unknown tags.
HARD_CUSTOM_TAGS = frozenset("""
amp-ad amp-embed amp-sticky-ad amp-analytics amp-pixel amp-social-share amp-sidebar amp-consent
amp-user-notification amp-iframe amp-video amp-youtube amp-audio amp-list amp-script amp-state
amp-bind-macro amp-geo amp-access amp-subscriptions-dialog
""".split())


def parts(value: str) -> list[str]:
    """Lower-case words of a class/id value: split on separators and camelCase humps."""
    return [p.lower() for p in _PART_SPLIT.split(value) if p]


def grams(words: list[str]) -> set[str]:
    """Words, adjacent pairs and triples joined, and the whole run joined ("most-read" -> "mostread")."""
    found = set(words)
    for n in (2, 3):
        found.update("".join(words[i:i + n]) for i in range(len(words) - n + 1))
    found.add("".join(words))
    return found


def category(words: list[str], found: set[str] | frozenset[str], *, in_article: bool = False) -> int:
    """Chrome category from class/id words and their `grams`: junk beats byline/date; layout words lose to content.

    Inside an <article> or <main>, "header" and "banner" classes are the story's own
    header (headline, standfirst), not the site's.
    """
    if not words:
        return 0
    if found & JUNK:
        return SOFT
    if found & META_WORDS:
        return META
    weak = WEAK_WORDS.intersection(words)
    if in_article:
        weak -= {"header", "banner"}
    if weak and not CONTENT_WORDS.intersection(words):
        return WEAK
    return 0


_WORDS_CACHE: dict[str, tuple[list[str], frozenset[str]]] = {}


def class_words(value: str) -> tuple[list[str], frozenset[str]]:
    """`parts` and `grams` of a class/id string, cached: pages repeat the same few class strings."""
    hit = _WORDS_CACHE.get(value)
    if hit is None:
        words = parts(value)
        hit = (words, frozenset(grams(words)))
        if len(_WORDS_CACHE) >= 8192:
            _WORDS_CACHE.clear()
        _WORDS_CACHE[value] = hit
    return hit
