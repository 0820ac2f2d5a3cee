"""Cutting an article container's running text into typed raw blocks, in reading order.

Pure: standard library only. The walk is iterative: nesting depth is unbounded.
"""

from __future__ import annotations

from provtrack.extract_clean import RawBlock
from provtrack.extract_dom import BLOCK_TAGS, CAPTION, CREDIT, HEADINGS, QUOTE, VOID, Node, heading_level

_ENTER, _EXIT = 0, 1
# Buffer entries are (text, flags): flags 1 = link text, 2 = inside <time>; negative
# flags are markers: a <br>, the end of the buffer, and inline element boundaries.
_BR = ("\x1e", -1)
_END = ("", -2)
_OPEN, _CLOSE = ("", -3), ("", -4)
_SENTENCE_END = frozenset(".!?:;")
_LONG_CREDIT = 200


def is_link(node: Node) -> bool:
    """An <a> that leads away from the page (in-page anchors are tables of contents, not chrome)."""
    href = node.attrs.get("href", "").strip() if node.tag == "a" else ""
    return bool(href) and not href.startswith("#")


class Emitter:
    """Walks a container in document order, cutting running text into typed raw blocks."""

    def __init__(self, title_node: Node | None, active: int) -> None:
        self.title_node = title_node
        self.active = active
        self.raw: list[RawBlock] = []
        #: raw blocks emitted before the headline element was passed (None: not passed)
        self.title_at: int | None = None
        self.buf: list[tuple[str, int]] = []
        self.quote = self.caption = self.link = self.time = self.credit = 0
        self.kinds: list[str] = []
        self.captions = 0
        #: captions emitted when each open figure or caption element began
        self.figures: list[int] = []
        #: element -> (caption, credit, captions emitted when seen) for captions in data attributes
        self.pending: dict[Node, tuple[str, str, int]] = {}
        #: the parents of the last caption element entered and of the open credit element
        self.caption_parent: Node | None = None
        self.credit_parent: Node | None = None
        #: a credit met before its caption (printed over the photo): it follows the caption when that
        #: is the next block, inside the same figure (open figures then: held_depth) or else the
        #: same parent element; otherwise it is dropped
        self.held: RawBlock | None = None
        self.held_parent: Node | None = None
        self.held_depth = 0

    def run(self, container: Node) -> None:
        """Emit the raw blocks of *container*."""
        stack: list[tuple[int, Node | str]] = [(_ENTER, container)]
        while stack:
            op, item = stack.pop()
            if isinstance(item, str):
                self.buf.append((item, (1 if self.link else 0) | (2 if self.time else 0)))
            elif op == _EXIT:
                self._boundary(item, entering=False)
                if self.pending and item in self.pending:
                    self._data_caption(item)
            elif item is container or not (item.own & self.active or item is self.title_node):
                if "data-caption" in item.attrs:
                    self._remember_caption(item)
                if item.tag == "br":
                    self.buf.append(_BR)
                elif item.tag == "hr":
                    self.flush()
                elif item.tag not in VOID:
                    self._boundary(item, entering=True)
                    stack.append((_EXIT, item))
                    stack.extend((_ENTER, c) for c in reversed(item.children))
                    if len(item.children) <= 5 and item.tag in _FIGURE_LIKE:
                        _implicit_caption(item)
                    elif item.tag == "table":
                        _table_caption(item)
            elif item is self.title_node and self.title_at is None:
                self.flush()  # a kicker in an inline element before the headline stays a line of its own
                self.title_at = len(self.raw)
        self.flush()

    def _boundary(self, node: Node, *, entering: bool) -> None:
        tag = node.tag
        flags = node.flags
        level = heading_level(node) if tag in HEADINGS or "role" in node.attrs else 0
        if tag in BLOCK_TAGS or level or flags & (CAPTION | QUOTE | CREDIT):
            self.flush()
        elif self.buf:
            self.buf.append(_OPEN if entering else _CLOSE)
        step = 1 if entering else -1
        if tag == "blockquote" or flags & QUOTE:
            self.quote += step
        if flags & CAPTION:
            self.caption += step
            if entering and self.caption == 1:
                self.caption_parent = node.parent
        if flags & CAPTION or tag == "figure":
            if entering:
                self.figures.append(self.captions)
            elif self.figures:
                self.figures.pop()
        if flags & CREDIT:
            if entering and not self.credit:
                self.credit_parent = node.parent
            self.credit += step
        if tag == "time":
            self.time += step
        if is_link(node):
            self.link += step
        if level or tag == "li":
            if entering:
                self.kinds.append("h1" if level == 1 else "heading" if level else "list_item")
            elif self.kinds:
                self.kinds.pop()
        if self.held is not None and not entering and (
                len(self.figures) < self.held_depth if self.held_depth else node is self.held_parent):
            self.held = None

    def _remember_caption(self, node: Node) -> None:
        """Note a caption carried in data-caption (lazy-loaded figures) for when its figure ends."""
        holder = node if node.tag not in VOID else node.parent
        probe, depth = node.parent, 0
        while probe is not None and depth < 4:
            if probe.tag == "figure":
                holder = probe
                break
            probe, depth = probe.parent, depth + 1
        if holder is not None and holder not in self.pending:
            self.pending[holder] = (node.attrs["data-caption"], node.attrs.get("data-credit", ""), self.captions)

    def _data_caption(self, holder: Node) -> None:
        """Emit a data-attribute caption unless the figure already had a marked-up one."""
        caption, credit, seen = self.pending.pop(holder)
        if self.captions != seen or not caption.strip():
            return
        self.flush()
        self.raw.append(RawBlock("caption", caption, 0, False, ""))
        if credit.strip():
            self.raw.append(RawBlock("caption", credit, 0, False, "", credit=True))
        self.captions += 1

    def flush(self) -> None:
        """Turn the buffered running text into raw blocks, split on runs of two or more <br>."""
        if not self.buf:
            return
        kind = ("quote" if self.quote else "caption" if self.caption or self.credit
                else self.kinds[-1] if self.kinds else "paragraph")
        segment: list[tuple[str, int]] = []
        breaks = 0
        for piece in self.buf + [_END]:
            text, flags = piece
            if flags == -1:
                breaks += 1
                segment.append(piece)
            elif flags == -2 or (breaks >= 2 and text.strip()):
                self._segment(kind, segment)
                segment, breaks = [piece], 0
            else:
                if text.strip():
                    breaks = 0
                segment.append(piece)
        self.buf = []

    def _segment(self, kind: str, segment: list[tuple[str, int]]) -> None:
        text = _join(segment)
        if not text.strip():
            return
        links = sum(len(t.strip()) for t, f in segment if f > 0 and f & 1)
        timed = any(f > 0 and f & 2 and t.strip() for t, f in segment)
        untimed = _join([(t, f) for t, f in segment if f <= 0 or not f & 2]) if timed else ""
        lines: tuple[str, ...] = ()
        if "\x1e" in text:
            lines = tuple(line for line in text.split("\x1e") if line.strip())
            text = text.replace("\x1e", " ")
            untimed = untimed.replace("\x1e", " ")
        credit = bool(self.credit) and kind == "caption"
        if credit and not self.caption and len(text) > _LONG_CREDIT:
            kind, credit = (self.kinds[-1] if self.kinds else "paragraph"), False  # prose, whatever its class
        block = RawBlock(kind, text, links, timed, untimed, credit=credit, lines=lines)
        held, self.held = self.held, None
        if credit and not self._captioned():
            # a photo credit without a caption of its own figure is not article text
            self.held, self.held_parent, self.held_depth = block, self.credit_parent, len(self.figures)
            return
        self.raw.append(block)
        if kind == "caption" and not credit:
            self.captions += 1
            if held is not None:
                self.raw.append(held)

    def _captioned(self) -> bool:
        """True when the open credit belongs to a caption already emitted: one of its figure, or
        the caption element just before it in the same wrapper (an image box without <figure>)."""
        if self.figures and self.captions > self.figures[0]:
            return True
        return (bool(self.raw) and self.raw[-1].kind == "caption" and not self.raw[-1].credit
                and self.credit_parent is not None and self.credit_parent is self.caption_parent)


_FIGURE_LIKE = frozenset({"div", "span", "a", "p"})
_IMAGES = frozenset({"img", "picture", "amp-img", "svg"})
_CAPTION_LIKE = frozenset({"div", "span", "p", "small"})
_IMPLICIT_CAPTION = 250


def _implicit_caption(node: Node) -> None:
    """An image followed by one short text element, alone in a wrapper, is a figure without markup:
    the text element is its caption (server-rendered div soup), unless it is marked up as a credit."""
    elements = [c for c in node.children if isinstance(c, Node)]
    if (len(elements) == 2 and elements[0].tag in _IMAGES and elements[1].tag in _CAPTION_LIKE
            and 0 < elements[1].text_len <= _IMPLICIT_CAPTION and not elements[1].flags & CREDIT
            and not any(isinstance(c, str) and c.strip() for c in node.children)):
        elements[1].flags |= CAPTION


def _table_caption(table: Node) -> None:
    """A small table of one image cell and one short text cell after it is a photo and its caption
    (old CMS layouts float such a table beside the story): the text cell is the caption. So is a
    lone cell that starts with an image and holds only a short text besides."""
    cells: list[Node] = []
    rows = [c for c in table.children if isinstance(c, Node)]
    index = 0
    while index < len(rows):
        row = rows[index]
        index += 1
        if row.tag in ("tbody", "thead", "tfoot"):
            rows.extend(c for c in row.children if isinstance(c, Node))
        elif row.tag == "tr":
            cells.extend(c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th"))
        if len(cells) > 3 or len(rows) > 8:
            return
    cells = [c for c in cells if c.text_len or _only_image(c)]
    if (len(cells) == 2 and _only_image(cells[0]) and not cells[1].flags & CREDIT
            and 0 < cells[1].text_len <= _IMPLICIT_CAPTION and not _has_image(cells[1])):
        cells[1].flags |= CAPTION
    elif len(cells) == 1 and 0 < cells[0].text_len <= _IMPLICIT_CAPTION and _image_first(cells[0]):
        cells[0].flags |= CAPTION  # the image and, under it, its caption in one cell


def _only_image(cell: Node) -> bool:
    """True for an element holding an image (perhaps linked) and no text."""
    return not cell.text_len and _has_image(cell)


def _image_first(cell: Node) -> bool:
    """True when the first visible thing in *cell* is an image (perhaps linked), text only after it."""
    item = cell
    for _ in range(4):
        first = next((c for c in item.children if isinstance(c, Node) or c.strip()), None)
        if not isinstance(first, Node):
            return False
        if first.tag in _IMAGES:
            return True
        item = first
    return False


def _has_image(node: Node) -> bool:
    stack: list[Node | str] = list(node.children)
    budget = 12
    while stack and budget:
        item = stack.pop()
        if isinstance(item, Node):
            if item.tag in _IMAGES:
                return True
            stack.extend(item.children)
            budget -= 1
    return False


def _join(segment: list[tuple[str, int]]) -> str:
    """The text of a segment; a space goes where adjacent inline elements would otherwise glue
    "sentence.Next" or "nameDate" together (server-rendered pages set them apart with CSS)."""
    out: list[str] = []
    closed = opened = False
    for text, flags in segment:
        if flags == -1:
            out.append("\x1e")
            continue
        if flags == -4:
            closed = True
            continue
        if flags == -3:
            opened = True
            continue
        if not text:
            continue
        if (closed or opened) and out:
            prev = out[-1][-1:]
            first = text[:1]
            if first.isupper() and (prev in _SENTENCE_END or (closed and opened and (prev.islower()
                                                                                    or prev.isdigit()))):
                out.append(" ")
        closed = opened = False
        out.append(text)
    return "".join(out)
