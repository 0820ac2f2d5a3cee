"""A tolerant element tree over `html.parser` events, with site-chrome classification.

Pure: standard library only. Nothing here recurses on the tree: pages with
100,000 nested elements are ordinary input.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from provtrack.extract_hints import (
    BODY_CLASS,
    CHROME,
    CREDIT_WORDS,
    HARD,
    HARD_CUSTOM_TAGS,
    HIDDEN_STYLE,
    JUNK,
    JUNK_ROLES,
    META,
    QUOTE_GRAMS,
    SOFT,
    WALL_GRAMS,
    WEAK,
    category,
    class_words,
    parts,
)
from provtrack.extract_text import clean_text

__all__ = ["CHROME", "HARD", "META", "SOFT", "WEAK", "parts"]

#: Node flags. QUOTE: a pull quote or embedded post; CREDIT: a photo credit inside a caption;
#: WALL: a paywall, subscription or consent prompt (a page signal, see extract_signals);
#: HINTED: chrome by class/id words alone, which strong content evidence can overrule (see `rescue`).
CANDIDATE, CAPTION, BYLINE, AUTHOR, QUOTE, CREDIT, WALL, HINTED = 1, 2, 4, 8, 16, 32, 64, 128

VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
#: Elements whose boundaries end a block of running text.
BLOCK_TAGS = frozenset("""
address article aside blockquote body caption center dd details dialog dir div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p
pre section summary table tbody td tfoot th thead tr ul
""".split())
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_HARD_TAGS = frozenset("""
script style noscript template svg math iframe object embed canvas video audio picture select
option textarea button input label nav aside dialog menu head title
""".split())
# Start tags that implicitly close an open <p> (HTML tree construction, simplified).
_CLOSES_P = frozenset("""
address article aside blockquote center details dialog dir div dl dd dt fieldset figcaption figure
footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table ul
""".split())
#: Attributes that can change how an element is classified.
_HINT_ATTRS = frozenset("""
class id data-testid data-component data-area itemprop itemtype role aria-label aria-hidden hidden style rel placeholder fallback
""".split())
_SCOPE = frozenset({"table", "td", "th", "caption", "html", "template", "button", "object"})
_HEAD_OK = frozenset("meta link title script style base noscript template".split())

class Node:
    """One element: tag, attributes, children (nodes and text) and what the classifier decided."""

    __slots__ = (
        "attrs",
        "children",
        "end",
        "flags",
        "link_len",
        "mask",
        "order",
        "own",
        "parent",
        "tag",
        "text_len",
    )

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None, own: int, flags: int,
                 order: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []
        #: chrome category of this element alone; `mask` adds its ancestors' (set by analysis)
        self.own = own
        self.flags = flags
        #: document order of the start tag, and the last order inside this element
        self.order = order
        self.end = order
        self.mask = 0
        self.text_len = 0
        self.link_len = 0

    def contains(self, other: Node) -> bool:
        """True when *other* is this element or one of its descendants."""
        return self.order <= other.order <= self.end


def heading_level(node: Node) -> int:
    """1-6 for <h1>-<h6> and role="heading" elements (their aria-level, 2 when missing), else 0."""
    if node.tag in HEADINGS:
        return int(node.tag[1])
    if node.attrs.get("role", "").strip().lower() != "heading":
        return 0
    level = node.attrs.get("aria-level", "").strip()
    return min(6, max(1, int(level))) if level.isdigit() and len(level) < 3 else 2


def inline_text(node: Node, skip: int = CHROME, *, skip_tags: frozenset[str] = frozenset(),
                limit: int = 4000) -> str:
    """The cleaned text of *node* (about *limit* characters at most), leaving out chrome descendants.

    Block boundaries become spaces. The limit keeps title and byline probes cheap on
    hostile pages (thousands of nested headings).
    """
    out: list[str] = []
    size = 0
    stack: list[Node | str] = [node]
    while stack and size < limit:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item[:limit])
            size += len(item)
            continue
        if item is not node and (item.own & skip or item.tag in skip_tags):
            continue
        if item.tag in BLOCK_TAGS or item.tag == "br":
            out.append(" ")
            stack.append(" ")
        stack.extend(reversed(item.children))
    return clean_text("".join(out))


_COMMENT_CLOSE = re.compile(r"--\s*>")


def sanitize(markup: str) -> str:
    """Defuse constructs that make `html.parser` quadratic or raise, without changing the visible text.

    html.parser rescans to the end of input for every '<' with no '>' after it and
    every '<!--' with no comment close after it, and raises on unknown '<![' sections.
    Browsers treat '<![' as a bogus comment up to the next '>', which is what
    '<!_[' gets from html.parser; the other two are turned into literal text.
    """
    markup = markup.replace("<![", "<!_[")
    last_close = None
    for last_close in _COMMENT_CLOSE.finditer(markup):
        pass
    cut = 0 if last_close is None else max(0, last_close.start() - 3)
    if "<!--" in markup[cut:]:
        markup = markup[:cut] + markup[cut:].replace("<!--", "&lt;!--")
    gt = markup.rfind(">")
    if "<" in markup[gt + 1:]:
        markup = markup[:gt + 1] + markup[gt + 1:].replace("<", "&lt;")
    return markup


class TreeBuilder(HTMLParser):
    """Builds a Node tree with simplified HTML5 implied-end-tag rules, recording what metadata needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None, 0, 0, 0)
        self.stack: list[Node] = [self.root]
        #: tag -> stack positions of open elements with that tag (ascending)
        self.open: dict[str, list[int]] = {}
        #: stack positions of open scope boundaries (table, td, button ...)
        self.scopes: list[int] = [0]
        self.count = 0
        self.lang: str | None = None
        self.title: Node | None = None
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.h1s: list[Node] = []
        self.times: list[Node] = []
        self.bylines: list[Node] = []
        self.jsonld: list[Node] = []
        self.candidates: list[Node] = []
        self.walls: list[Node] = []
        #: <script type="application/json"> state blobs (__NEXT_DATA__ and the like)
        self.states: list[Node] = []

    def build(self, markup: str) -> Node:
        """Parse *markup* and return the root."""
        try:
            self.feed(sanitize(markup))
            self.close()
        except (AssertionError, ValueError, IndexError):  # pragma: no cover - html.parser internals
            pass  # keep the tree built so far: a partial article beats no article
        for node in self.stack:
            node.end = self.count
        return self.root

    # -- stack helpers -------------------------------------------------------------------------

    def _last(self, tag: str) -> int:
        positions = self.open.get(tag)
        return positions[-1] if positions else -1

    def _in_scope(self, tag: str, extra: tuple[str, ...] = ()) -> int:
        """Stack position of the innermost open *tag* not hidden behind a scope boundary, or -1."""
        pos = self._last(tag)
        if pos < 0 or tag in _SCOPE:
            return pos
        boundary = max([self.scopes[-1]] + [self._last(t) for t in extra])
        return pos if pos > boundary else -1

    def _pop_to(self, pos: int) -> None:
        """Close every element from the top of the stack down to position *pos* inclusive."""
        while len(self.stack) > pos:
            node = self.stack.pop()
            node.end = self.count
            self.open[node.tag].pop()
            if node.tag in _SCOPE:
                self.scopes.pop()

    # -- parser callbacks ----------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr: dict[str, str] = {}
        for name, value in attrs:
            attr.setdefault(name, value or "")
        if tag == "html":
            if self.lang is None and attr.get("lang", "").strip():
                self.lang = attr["lang"].strip()
            if self._last("html") >= 0:
                return
        elif tag in ("body", "head") and (self._last("body") >= 0 or self._last(tag) >= 0):
            return
        self._implied_ends(tag)
        self._record(tag, attr)
        own, flags = self._classify(tag, attr)
        self.count += 1
        node = Node(tag, attr, self.stack[-1], own, flags, self.count)
        self.stack[-1].children.append(node)
        self._collect(node)
        if tag in VOID:
            return
        self.open.setdefault(tag, []).append(len(self.stack))
        if tag in _SCOPE:
            self.scopes.append(len(self.stack))
        self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # HTML ignores the self-closing slash on non-void elements, except in svg/math,
        # which are skipped as chrome; closing those keeps the stack tidy.
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag and (self._last("svg") >= 0 or self._last("math") >= 0):
            self._pop_to(len(self.stack) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":
            self.handle_starttag("br", [])
            return
        if tag in ("html", "body"):
            return  # content after </body> still belongs to the body, as in browsers
        if tag in HEADINGS and self._last(tag) < 0:
            pos = max(self._last(h) for h in HEADINGS)  # </h3> closes an open <h2>
        elif tag == "li":
            pos = self._in_scope("li", ("ol", "ul"))
        else:
            pos = self._in_scope(tag)
        if pos > 0:
            self._pop_to(pos)

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag == "head" and data.strip():
            self._pop_to(len(self.stack) - 1)  # text cannot live in <head>: the body has begun
        # Appended, never concatenated onto the previous string: "a < b < c ..." arrives
        # in many pieces and repeated concatenation would be quadratic.
        if "\xad" in data:
            data = data.replace("\xad", "")  # soft hyphens are line-break hints, not text
        self.stack[-1].children.append(data)

    # -- helpers for callbacks -----------------------------------------------------------------

    def _implied_ends(self, tag: str) -> None:
        if self._last("head") >= 0 and tag not in _HEAD_OK:
            self._pop_to(self._last("head"))  # body content implies </head>
        if tag in _CLOSES_P and (pos := self._in_scope("p")) > 0:
            self._pop_to(pos)
        if tag == "li" and (pos := self._in_scope("li", ("ol", "ul"))) > 0:
            self._pop_to(pos)
        elif tag in ("dd", "dt"):
            pos = max(self._in_scope("dd", ("dl",)), self._in_scope("dt", ("dl",)))
            if pos > 0:
                self._pop_to(pos)
        elif tag in HEADINGS and self.stack[-1].tag in HEADINGS:
            self._pop_to(len(self.stack) - 1)
        elif tag in ("td", "th", "tr"):
            names = ("td", "th", "tr") if tag == "tr" else ("td", "th")
            pos = max(self._last(t) for t in names)
            if pos > self._last("table"):
                self._pop_to(pos)
        elif tag == "a" and (pos := self._in_scope("a")) > 0:
            self._pop_to(pos)  # browsers never nest links

    def _classify(self, tag: str, attr: dict[str, str]) -> tuple[int, int]:
        """(own chrome category, flags) of a new element."""
        if not attr or not _HINT_ATTRS.intersection(attr):  # the common cases (<p>, <a href>), kept cheap
            if tag in _HARD_TAGS or tag in HARD_CUSTOM_TAGS:
                return HARD, 0
            if tag in ("header", "footer", "form", "address"):
                return self._classify_tag(tag), 0
            return 0, CANDIDATE if tag in ("article", "main") else CAPTION if tag in ("figcaption", "caption") else 0
        flags = 0
        # data-testid / data-component carry the same hints as classes in server-rendered apps.
        cls = f"{attr.get('class', '')} {attr.get('id', '')} {attr.get('data-testid', '')} " \
              f"{attr.get('data-component', '')} {attr.get('data-area', '')}"
        lowered = cls.lower()
        itemprop = attr.get("itemprop", "").lower()
        role = attr.get("role", "").lower().strip()
        if (tag in ("article", "main") or role == "main" or itemprop == "articlebody"
                or BODY_CLASS.search(lowered) or attr.get("itemtype", "").endswith("Article")):
            flags |= CANDIDATE
        if tag in ("figcaption", "caption") or "caption" in lowered:
            flags |= CAPTION
        words, found = class_words(cls)
        if "byline" in words or "bylines" in words:
            flags |= BYLINE
        if ("author" in words or "authors" in words or "author" in itemprop.split()
                or "author" in attr.get("rel", "").lower().split()):
            flags |= AUTHOR
        if found & WALL_GRAMS:
            flags |= WALL
        # "copyright" marks site footers as chrome, but inside a figure it is the photo's credit.
        figure_copyright = "copyright" in words and (self._last("figure") >= 0 or self._last("figcaption") >= 0)
        if (CREDIT_WORDS.intersection(words) or figure_copyright) and not flags & (BYLINE | AUTHOR):
            flags |= CREDIT
        hidden = ("hidden" in attr or attr.get("aria-hidden", "").lower() == "true"
                  or bool(HIDDEN_STYLE.search(attr.get("style", "").lower())))
        if found & QUOTE_GRAMS or (tag == "blockquote" and ("embed" in words or "embedded" in words)):
            return (SOFT if hidden else 0), flags | QUOTE  # pull quotes and embedded posts are story text
        base = self._classify_tag(tag)
        if base == HARD or "placeholder" in attr or "fallback" in attr:  # AMP loading stand-ins
            return HARD, flags
        if base == META or flags & (BYLINE | AUTHOR) or itemprop in ("datepublished", "datemodified"):
            return META, flags
        if hidden:
            return SOFT, flags
        if role in JUNK_ROLES or ("aria-label" in attr and class_words(attr["aria-label"])[1] & JUNK):
            return SOFT, flags
        if tag in ("html", "body", "main", "article") or flags & CANDIDATE:
            return 0, flags  # layout classes on page wrappers ("has-sidebar") say nothing
        if flags & CREDIT and figure_copyright and found & JUNK == {"copyright"}:
            return 0, flags
        kind = category(words, found, in_article=self._last("article") >= 0 or self._last("main") >= 0)
        if kind == WEAK and tag in ("header", "footer", "form"):
            return base, flags  # the tag already said where it stands; "header" in its class adds nothing
        if kind in (SOFT, WEAK) and not base:
            flags |= HINTED
        return kind or base, flags

    def _classify_tag(self, tag: str) -> int:
        """Chrome category that the tag name alone decides."""
        if tag == "header":  # an article's own header holds the headline and standfirst
            return 0 if self._last("article") >= 0 or self._last("main") >= 0 else HARD
        if tag == "footer":  # inside a quote or figure it is the attribution or credit
            return 0 if self._last("blockquote") >= 0 or self._last("figure") >= 0 else HARD
        if tag == "form":
            return WEAK  # some CMSs wrap the whole page in one <form>
        if tag == "address":
            return META
        return HARD if tag in _HARD_TAGS or tag in HARD_CUSTOM_TAGS else 0

    def _record(self, tag: str, attr: dict[str, str]) -> None:
        """Page-level metadata carried by attributes alone."""
        if tag == "meta" and "content" in attr:
            for key in ("property", "name", "itemprop", "http-equiv"):
                if attr.get(key):
                    self.meta.setdefault(attr[key].strip().lower(), attr["content"].strip())
        elif tag == "link" and self.canonical is None and "canonical" in attr.get("rel", "").lower().split():
            self.canonical = attr.get("href", "").strip() or None

    def _collect(self, node: Node) -> None:
        """Remember the nodes that metadata and title selection look at."""
        tag = node.tag
        if tag == "title" and self.title is None and self._last("svg") < 0:
            self.title = node
        elif tag == "h1" or (node.attrs.get("aria-level", "").strip() == "1" and heading_level(node) == 1):
            self.h1s.append(node)
        elif tag == "time" and node.attrs.get("datetime", "").strip():
            self.times.append(node)
        elif tag == "script" and node.attrs.get("type", "").strip().lower() == "application/ld+json":
            self.jsonld.append(node)
        elif tag == "script" and node.attrs.get("type", "").strip().lower() == "application/json":
            self.states.append(node)
        if node.flags & (BYLINE | AUTHOR):
            self.bylines.append(node)
        if node.flags & CANDIDATE:
            self.candidates.append(node)
        if node.flags & WALL:
            self.walls.append(node)
