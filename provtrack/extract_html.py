"""The HTML extractor: article container, headline, and typed blocks without site chrome.

Pure: standard library only (`html.parser` via provtrack.extract_dom).
"""

from __future__ import annotations

from provtrack.extract_clean import finish, title_pieces
from provtrack.extract_dom import CHROME, HARD, HINTED, META, SOFT, Node, TreeBuilder, inline_text
from provtrack.extract_emit import Emitter, is_link
from provtrack.extract_meta import choose_title, page_info, page_metadata
from provtrack.extract_signals import jsonld_body, page_signals
from provtrack.extract_state import state_blocks
from provtrack.extract_tail import cut_tails
from provtrack.extract_text import clean_text
from provtrack.model import Block, Metadata

#: A container holding less than this share of the page's text is a teaser, not the article.
_MIN_SHARE = 0.3
#: Pages with less non-link text than this are snippets: no density search for a container.
_DENSITY_MIN_TEXT = 400
#: When the densest node's parent adds less than this factor of text, the parent (headline,
#: standfirst, figure) belongs to the article too.
_CLIMB = 1.35
_PAGE_TAGS = frozenset({"#root", "html", "body"})
_CELLS = frozenset({"td", "th"})
#: A layout row has a few columns; a row with more children (cells, whitespace) is a data table's.
_LAYOUT_CELLS = 24
#: A JSON-LD articleBody replaces the visible text when the page shows less than this share of it.
_JSONLD_SHARE = 0.5
#: Prose evidence that overrules class/id chrome words on a container: at least this many
#: paragraphs of their own, each this long (non-link characters), together this long.
_PROSE_PARAGRAPHS = 2
_PROSE_PARAGRAPH_CHARS = 80
_PROSE_CHARS = 160


class HtmlExtractor:
    """HTML: headline first, then the article container's blocks in reading order."""

    def extract(self, text: str, *, base_url: str | None = None
                ) -> tuple[tuple[Block, ...], Metadata, tuple[str, ...]]:
        """Blocks, metadata and page signals (see `provtrack.extract_signals`) of an HTML page."""
        builder = TreeBuilder()
        root = builder.build(text)
        info = page_info(builder)
        rescue(root)
        title: str | None = None
        title_node: Node | None = None
        blocks: list[Block] = []
        byline_hint: str | None = None
        headline: str | None = None
        # A container that yields nothing gives way to the whole page; class/id-based chrome can
        # be wrong about a whole page, so when even that leaves nothing, trust only tags and
        # byline/date markers.
        previous: Node | None = None
        for active, whole in ((CHROME, False), (CHROME, True), (HARD | META, False)):
            analyse(root, active)
            container = root if whole else _container(builder.candidates, root)
            if whole and container is previous:
                continue
            previous = container
            if active & SOFT:
                cut_tails(container, active)
            title_node, title = choose_title(builder, container, info)
            emitter = Emitter(title_node, active)
            emitter.run(container)
            pieces = title_pieces(inline_text(builder.title, 0)) if title_node is None and builder.title else ()
            blocks, byline_hint, headline = finish(emitter.raw, title, pieces=pieces, title_at=emitter.title_at,
                                                   untitled=title_node is None)
            if blocks:
                break
        if title_node is None and headline:
            title = headline  # the page's own headline typography beats the <title> text
        title = clean_text(title) if title else None
        blocks, from_jsonld = jsonld_body(info.article, blocks, share=_JSONLD_SHARE)
        if not from_jsonld and builder.states:
            blocks = _state_body(builder.states, blocks)
        head = (Block("title", title),) if title else ()
        out = head + tuple(blocks)
        signals = page_signals(builder, info.article, out, from_jsonld=from_jsonld)
        return out, page_metadata(builder, info, title or None, byline_hint, base_url), signals


def analyse(root: Node, active: int) -> None:
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
        node.link_len = text if is_link(node) else link


def _state_body(scripts: list[Node], blocks: list[Block]) -> list[Block]:
    """The page's JSON state body (see `provtrack.extract_state`) when the visible page shows less than half of it."""
    state = state_blocks(scripts)
    if not state:
        return blocks
    visible = sum(len(b.text) for b in blocks if b.kind != "caption")
    wanted = sum(len(b.text) for b in state if b.kind != "caption")
    return state if visible < _JSONLD_SHARE * wanted else blocks


def rescue(root: Node) -> None:
    """Clear class/id chrome words on the page's main prose container and its ancestors.

    Words such as "paywall" or "navigation" on an article wrapper would discard the
    article. The element holding the most prose in paragraphs of its own (at least
    `_PROSE_PARAGRAPHS` of `_PROSE_PARAGRAPH_CHARS`, `_PROSE_CHARS` in all) is the
    story: class/id chrome hints on it and above it give way. Tags, roles and hidden
    markers are never overruled, and neither are hints on its descendants (share
    bars, related links and paywall prompts inside the story stay chrome).
    """
    analyse(root, HARD)
    counts: dict[Node, int] = {}
    chars: dict[Node, int] = {}
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        stack.extend(c for c in node.children if isinstance(c, Node) and not c.own & HARD)
        if node.tag == "p" and node.parent is not None and _score(node) >= _PROSE_PARAGRAPH_CHARS:
            counts[node.parent] = counts.get(node.parent, 0) + 1
            chars[node.parent] = chars.get(node.parent, 0) + _score(node)
    strong = [n for n, k in counts.items() if k >= _PROSE_PARAGRAPHS and chars[n] >= _PROSE_CHARS]
    if not strong:
        return
    best: Node | None = max(strong, key=lambda n: chars[n])
    while best is not None:
        if best.flags & HINTED:
            best.own = 0
        best = best.parent


def _score(node: Node) -> int:
    """Text length times (1 - link density), i.e. non-link text length."""
    return node.text_len - node.link_len


def _container(candidates: list[Node], root: Node) -> Node:
    """The article container: the best-scoring candidate outside hard chrome and junk, else the densest node."""
    eligible = [c for c in candidates
                if c.parent is not None and not c.parent.mask & (HARD | SOFT) and _score(c) > 0]
    if not eligible:
        return _densest(root)
    best = max(eligible, key=_score)
    if best.tag == "main" or best.attrs.get("role", "").lower() == "main":
        # A page-level <main> also holds teasers; the article inside it is the better container.
        inner = [c for c in eligible if c is not best and best.contains(c) and c.tag != "main"
                 and _score(c) >= 0.5 * _score(best)]
        if inner:
            best = max(inner, key=_score)
    best = _join_parts(best, eligible)
    if _score(best) < _MIN_SHARE * _score(root):
        return _densest(root)
    return _climb(best)


def _join_parts(best: Node, eligible: list[Node]) -> Node:
    """The nearest ancestor holding every part of a body split into same-class sections (around ads)."""
    key = (best.tag, best.attrs.get("class", ""))
    parts_ = [c for c in eligible if c is not best and (c.tag, c.attrs.get("class", "")) == key
              and not c.contains(best) and not best.contains(c)]
    if not parts_:
        return best
    node: Node | None = best.parent
    for _ in range(3):
        if node is None or node.tag in _PAGE_TAGS:
            break
        if all(node.contains(c) for c in parts_):
            return node
        node = node.parent
    return best


def _climb(node: Node) -> Node:
    """The container's ancestors that add little text hold its headline, standfirst and lead figure.

    Climbing out of a table cell (old CMS pages lay the page out in <table> cells) takes in
    the rows above and below it (masthead, headline row), but the cells beside it in its
    own row are the layout's side columns (section links, weather, contact box): unless
    they hold a paragraph-long run of text, they become SOFT chrome.
    """
    cells: list[Node] = []
    while (node.tag not in ("article", "main") and node.parent is not None
           and node.parent.tag not in _PAGE_TAGS and node.parent.tag != "main" and not node.parent.mask & CHROME
           and _score(node.parent) <= _CLIMB * _score(node)):
        if node.tag in _CELLS and node.parent.tag == "tr":
            cells.append(node)
        node = node.parent
    for cell in cells:
        row = cell.parent.children if cell.parent is not None else []
        if len(row) > _LAYOUT_CELLS:
            continue  # a data table's row, not a page layout
        for other in row:
            if isinstance(other, Node) and other is not cell and other.tag in _CELLS and not _holds_prose(other):
                other.own |= SOFT
    return node


def _holds_prose(node: Node) -> bool:
    """True when *node* holds a run of text of paragraph length outside links (a story's second column)."""
    stack: list[Node | str] = list(node.children)
    budget = 400
    while stack and budget:
        item = stack.pop()
        budget -= 1
        if isinstance(item, str):
            if len(item.strip()) >= _PROSE_PARAGRAPH_CHARS:
                return True
        elif not is_link(item):
            stack.extend(item.children)
    return False


def _densest(root: Node) -> Node:
    """The element holding the page's prose, for pages without article markup (div soup, table layouts).

    Every element with running text of its own scores its non-link text length, its parent
    half of it and its grandparent a third (so a container of many paragraphs outscores any
    one of them); the winner then takes in parents that add little text (its headline,
    standfirst and figures). Chrome subtrees neither score nor win.
    """
    total = _score(root)
    if total < _DENSITY_MIN_TEXT:
        return root
    scores: dict[Node, float] = {}
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        own = 0
        for child in node.children:
            if isinstance(child, str):
                own += len(child.strip())
            elif not child.mask & CHROME:
                stack.append(child)
        if own >= 25 and not is_link(node):
            weight, probe = float(own), node  # probe: Node, never None
            for share in (1.0, 0.5, 1 / 3):
                scores[probe] = scores.get(probe, 0.0) + weight * share
                if probe.parent is None:
                    break
                probe = probe.parent
    if not scores:
        return root
    best = max(scores, key=lambda n: scores[n] * (1 - n.link_len / n.text_len if n.text_len else 0))
    best = _climb(best)
    return best if _score(best) >= _MIN_SHARE * total else root
