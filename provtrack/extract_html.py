"""The HTML extractor: article container, headline, and typed blocks without site chrome.

Pure: standard library only (`html.parser` via provtrack.extract_dom).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from provtrack.extract_dom import (
    BLOCK_TAGS,
    CAPTION,
    CHROME,
    HARD,
    HEADINGS,
    META,
    SOFT,
    VOID,
    Node,
    TreeBuilder,
)
from provtrack.extract_meta import choose_title, page_info, page_metadata
from provtrack.extract_text import clean_text
from provtrack.model import Block, Metadata, normalize_text

#: Short blocks that are mostly link text are navigation, not prose.
_LINK_DENSITY = 0.5
_SHORT = 160
#: A container holding less than this share of the page's text is a teaser, not the article.
_MIN_SHARE = 0.3

_BOILERPLATE = re.compile(
    r"(?:advertisement|advertisements|skip advertisement|(?:story|article) continues below(?: this)? advertisement"
    r"|continue reading(?: below)?|share(?: this(?: article| story)?)?|sponsored(?: content)?"
    r"|related(?: stories| articles| coverage)?|most (?:read|popular|viewed)|trending(?: now)?|read more"
    r"|sign up|subscribe(?: now)?|loading\.*|(?:\d+ )?(?:comments?|shares?)|view comments"
    r"|\d+ min(?:ute)?s? read)[.:!]?",
    re.IGNORECASE,
)
_LABELS = frozenset("published updated posted modified last first on at | · • - – —".split())
_MONTHS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun"
                  .split())
_RELATIVE = frozenset("ago yesterday today now".split())
_DATE_FILLER = frozenset("""
a an one two three four five six seven eight nine ten just at on am pm a.m p.m noon midnight and
sec secs second seconds min mins minute minutes hr hrs hour hours day days week weeks month months year years
""".split()) | _LABELS
_DATE_NUMBER = re.compile(r"\d{1,4}(?:[:/.\-]\d{1,4})*(?:st|nd|rd|th|am|pm|h)?")
_BY_LINE = re.compile(r"by[\s:]+(.+)", re.IGNORECASE)
_NAME_FILLER = frozenset("and the of in for at with staff writer writers reporter reporters correspondent "
                         "editor editors contributor photographer de van von da".split())


@dataclass
class _Raw:
    """A candidate block before clean-up and chrome filtering."""

    kind: str
    text: str
    link_chars: int
    has_time: bool
    untimed: str


class HtmlExtractor:
    """HTML: headline first, then the article container's blocks in reading order."""

    def extract(self, text: str, *, base_url: str | None = None) -> tuple[tuple[Block, ...], Metadata]:
        """Blocks and metadata of an HTML page."""
        builder = TreeBuilder()
        root = builder.build(text)
        info = page_info(builder)
        title: str | None = None
        blocks: list[Block] = []
        byline_hint: str | None = None
        # Class/id-based chrome can be wrong about a whole page; when it leaves nothing,
        # try again trusting only tags and byline/date markers.
        for active in (CHROME, HARD | META):
            _analyse(root, active)
            container = _container(builder.candidates, root)
            title_node, title = choose_title(builder, container, info)
            emitter = _Emitter(title_node, active)
            emitter.run(container)
            blocks, byline_hint = _finish(emitter.raw, title)
            if blocks:
                break
        title = clean_text(title) if title else None
        head = (Block("title", title),) if title else ()
        return head + tuple(blocks), page_metadata(builder, info, title or None, byline_hint, base_url)


def _analyse(root: Node, active: int) -> None:
    """Set every node's inherited chrome mask, and its non-chrome text and link-text lengths (post-order)."""
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            node.mask = (node.parent.mask if node.parent is not None else 0) | node.own
            stack.append((node, True))
            stack.extend((c, False) for c in node.children if isinstance(c, Node))
            continue
        text = link = 0
        for child in node.children:
            if isinstance(child, str):
                text += len(child.strip())
            elif not child.own & active:
                text += child.text_len
                link += child.link_len
        node.text_len = text
        node.link_len = text if _is_link(node) else link


def _is_link(node: Node) -> bool:
    """An <a> that leads away from the page (in-page anchors are tables of contents, not chrome)."""
    href = node.attrs.get("href", "").strip() if node.tag == "a" else ""
    return bool(href) and not href.startswith("#")


def _score(node: Node) -> int:
    """Text length times (1 - link density), i.e. non-link text length."""
    return node.text_len - node.link_len


def _container(candidates: list[Node], root: Node) -> Node:
    """The article container: the best-scoring candidate outside hard chrome and junk, or the whole page."""
    eligible = [c for c in candidates
                if c.parent is not None and not c.parent.mask & (HARD | SOFT) and _score(c) > 0]
    if not eligible:
        return root
    best = max(eligible, key=_score)
    if best.tag == "main" or best.attrs.get("role", "").lower() == "main":
        # A page-level <main> also holds teasers; the article inside it is the better container.
        inner = [c for c in eligible if c is not best and best.contains(c) and c.tag != "main"
                 and _score(c) >= 0.5 * _score(best)]
        if inner:
            best = max(inner, key=_score)
    if _score(best) < _MIN_SHARE * _score(root):
        return root
    return best


_ENTER, _EXIT = 0, 1
_BR = ("\n", -1)


class _Emitter:
    """Walks a container in document order, cutting running text into typed raw blocks."""

    def __init__(self, title_node: Node | None, active: int) -> None:
        self.title_node = title_node
        self.active = active
        self.raw: list[_Raw] = []
        self.buf: list[tuple[str, int]] = []
        self.quote = self.caption = self.link = self.time = 0
        self.kinds: list[str] = []

    def run(self, container: Node) -> None:
        """Emit the raw blocks of *container* (iteratively: nesting depth is unbounded)."""
        stack: list[tuple[int, Node | str]] = [(_ENTER, container)]
        while stack:
            op, item = stack.pop()
            if isinstance(item, str):
                self.buf.append((item, (1 if self.link else 0) | (2 if self.time else 0)))
            elif op == _EXIT:
                self._boundary(item, entering=False)
            elif item is container or not (item.own & self.active or item is self.title_node):
                if item.tag == "br":
                    self.buf.append(_BR)
                elif item.tag == "hr":
                    self.flush()
                elif item.tag not in VOID:
                    self._boundary(item, entering=True)
                    stack.append((_EXIT, item))
                    stack.extend((_ENTER, c) for c in reversed(item.children))
        self.flush()

    def _boundary(self, node: Node, *, entering: bool) -> None:
        tag = node.tag
        if tag in BLOCK_TAGS or node.flags & CAPTION:
            self.flush()
        step = 1 if entering else -1
        if tag == "blockquote":
            self.quote += step
        if node.flags & CAPTION:
            self.caption += step
        if tag == "time":
            self.time += step
        if _is_link(node):
            self.link += step
        if tag in HEADINGS or tag == "li":
            if entering:
                self.kinds.append("h1" if tag == "h1" else "heading" if tag in HEADINGS else "list_item")
            elif self.kinds:
                self.kinds.pop()

    def flush(self) -> None:
        """Turn the buffered running text into raw blocks, split on runs of two or more <br>."""
        if not self.buf:
            return
        kind = ("quote" if self.quote else "caption" if self.caption
                else self.kinds[-1] if self.kinds else "paragraph")
        segment: list[tuple[str, int]] = []
        breaks = 0
        for piece in self.buf + [("", -2)]:
            text, flags = piece
            if flags == -1:
                breaks += 1
                segment.append((" ", 0))
            elif flags == -2 or (breaks >= 2 and text.strip()):
                self._segment(kind, segment)
                segment, breaks = [(text, flags)], 0
            else:
                if text.strip():
                    breaks = 0
                segment.append(piece)
        self.buf = []

    def _segment(self, kind: str, segment: list[tuple[str, int]]) -> None:
        text = "".join(t for t, _ in segment)
        if not text.strip():
            return
        links = sum(len(t.strip()) for t, f in segment if f & 1)
        timed = any(f & 2 and t.strip() for t, f in segment)
        untimed = "".join(t for t, f in segment if not f & 2) if timed else ""
        self.raw.append(_Raw(kind, text, links, timed, untimed))


def _finish(raw: list[_Raw], title: str | None) -> tuple[list[Block], str | None]:
    """Clean raw blocks and drop chrome that only text reveals; returns (blocks, byline found in text)."""
    title_key = normalize_text(title).casefold() if title else None
    blocks: list[Block] = []
    byline: str | None = None
    for item in raw:
        text = clean_text(item.text)
        if not text:
            continue
        kind = "heading" if item.kind == "h1" else item.kind
        if kind in ("heading", "paragraph") and title_key and normalize_text(text).casefold() == title_key:
            continue
        if kind in ("paragraph", "list_item", "heading"):
            if item.link_chars > _LINK_DENSITY * len(text) and len(text) < _SHORT:
                continue
            if _BOILERPLATE.fullmatch(text):
                continue
        if item.has_time and all(w.lower() in _LABELS for w in clean_text(item.untimed).split()):
            continue
        if kind == "paragraph":
            if _is_timestamp(text):
                continue
            if (name := _byline(text)) is not None:
                byline = byline or name
                continue
        blocks.append(Block(kind, text))
    return blocks, byline


def _is_timestamp(text: str) -> bool:
    """True for lines such as "Updated 3 minutes ago" or "Published March 3, 2026 at 9:14 a.m. EST"."""
    if len(text) > 100:
        return False
    words = [w.strip(",.;:()[]") for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return False
    labelled = words[0].lower() in _LABELS
    dated = numbered = False
    for word in words:
        low = word.lower()
        if low in _MONTHS or low in _DAYS or low in _RELATIVE:
            dated = True
        elif _DATE_NUMBER.fullmatch(low):
            numbered = True
        elif low not in _DATE_FILLER and not (word.isupper() and word.isalpha() and len(word) <= 4):
            return False  # a word that is not part of a date: this is prose
    return dated or (labelled and numbered)


def _byline(text: str) -> str | None:
    """The names of a "By Jane Doe and John Roe" line, or None for prose such as "By the time ..."."""
    if len(text) > 100 or not (m := _BY_LINE.fullmatch(text)):
        return None
    names = [w for w in re.split(r"[\s,&|·•]+", m.group(1)) if w and w.lower() not in _NAME_FILLER]
    if not names or len(names) > 10 or not all(w[:1].isupper() for w in names):
        return None
    return m.group(1).strip()

