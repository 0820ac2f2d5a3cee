"""Where the story stops: labelled related-story boxes, comment threads and donation appeals in the container.

Pages often put "More from the Herald", "Comments (212)" or "Support independent
journalism" inside the same element as the story, after its last paragraph (or between
two), with class names that give nothing away. Their label does: an element whose whole
text is such a label marks a region that is chrome.

- The region is the label's *box*: the label and the ancestors it opens (it is their
  first text), as long as such an ancestor holds less than half the container's text.
  A related-story box must also be mostly links or hold no prose of its own, so a
  section that opens with a "Related" link box is never swallowed with it. An appeal
  box holds at most `_APPEAL_MAX` characters.
- When the label is a bare line among the story's paragraphs, the region runs on over
  its following siblings: for related stories and appeals, while they are not prose
  (short or mostly links) and not a sub-head; for comments, up to the next heading of
  the same or a higher rank.

Pure: standard library only.
"""

from __future__ import annotations

import re

from provtrack.extract_dom import BLOCK_TAGS, SOFT, Node, heading_level
from provtrack.extract_emit import is_link
from provtrack.extract_text import clean_text

__all__ = ["APPEAL", "COMMENTS", "TEASER", "cut_tails", "label_kind"]

_LABEL_MAX = 80
_LABEL_NODES = 24
#: Prose: an element with this many characters of non-link text, at most `_LINKY` of it links.
_PROSE = 80
_LINKY = 0.35
_APPEAL_MAX = 1200
_END = r"\s*(?:[:.!…›»>]|\.\.\.)?"
#: Related-story and recommendation labels (English, then German, French, Spanish, Portuguese,
#: Italian, Dutch).
TEASER = re.compile(
    r"(?:more (?:from|on|in|about|of) .{1,40}|more (?:stories|news|articles|galleries|videos|headlines|coverage"
    r"|like this|to read)|(?:related|recommended|suggested|similar) ?(?:stories|articles|content|coverage|reading"
    r"|links|topics|posts|news|videos|galleries)?|recommended for you|(?:you|we think you) (?:may|might|will|could)"
    r" (?:also )?(?:like|enjoy|be interested in)(?: this| these)?|(?:read|watch) next|up next|what to read next"
    r"|don[’']t miss|(?:most|top) (?:read|popular|viewed|shared|watched|stories)|trending(?: now| stories| in .{1,30})?"
    r"|popular (?:now|stories|today)|latest (?:news|stories|headlines|videos)|editors?[’']? picks?"
    r"|explore more(?: on (?:these|this) topics?)?|(?:from )?around the web|elsewhere on .{1,30}"
    r"|mehr zum thema|das könnte sie (?:auch )?interessieren|meistgelesen|weitere artikel"
    r"|(?:à )?lire aussi|sur le même sujet|les plus lus|más información|te puede interesar|lo más (?:visto|leído)"
    r"|noticias relacionadas|leia também|mais lidas|notícias relacionadas|leggi anche|i più letti|lees ook"
    r"|meest gelezen)" + _END,
    re.IGNORECASE,
)
COMMENTS = re.compile(
    r"(?:(?:reader |readers[’']? )?(?:comments?|comentarios|kommentare|commentaires|comentários|commenti|reacties)"
    r"(?: ?\(\d[\d,.]*\)| \d[\d,.]*)?|\d[\d,.]* (?:comments?|comentarios|kommentare|commentaires)"
    r"|join the (?:conversation|discussion|debate)|(?:leave|post|add|write) a (?:comment|reply)"
    r"|(?:show|view|read|see|load) (?:all )?(?:\d[\d,.]* )?comments|comments are (?:closed|open))" + _END,
    re.IGNORECASE,
)
#: Donation and membership appeals of the newsroom itself.
APPEAL = re.compile(
    r"(?:support (?:(?:independent|local|quality|public|nonprofit|non-profit|our|trusted|free|fearless"
    r"|reader-funded|community|public-service|this) )*(?:journalism|news|reporting|newsroom|media|radio|work)"
    r"|(?:become|be) a (?:member|supporter|patron|sustaining member|donor|friend of .{1,30})(?: today| now)?"
    r"|donate(?: now| today| here)?|make a (?:donation|gift|contribution)(?: today| now)?|give (?:now|today)"
    r"|before you (?:move on|go)|we need your (?:help|support)|support us|(?:a|one) (?:message|note|request)"
    r" from .{1,40}|join (?:us|today)|contribute(?: now| today)?)" + _END,
    re.IGNORECASE,
)


def label_kind(text: str) -> str | None:
    """'teaser', 'comments' or 'appeal' when *text* is such a label as a whole, else None."""
    if not text or len(text) > _LABEL_MAX:
        return None
    if TEASER.fullmatch(text):
        return "teaser"
    if COMMENTS.fullmatch(text):
        return "comments"
    if APPEAL.fullmatch(text):
        return "appeal"
    return None


def cut_tails(container: Node, active: int) -> None:
    """Mark the labelled regions inside *container* (see the module docstring) as SOFT chrome.

    Text lengths must be those of `analyse` with the same *active* chrome mask.
    """
    stack: list[Node] = [c for c in reversed(container.children) if isinstance(c, Node)]
    done = 0  # document order of the end of the last region cut: nodes up to it are inside it
    while stack:
        node = stack.pop()
        if node.order <= done or node.own & active or not node.text_len:
            continue
        kind = _label(node, active)
        if kind is None:
            stack.extend(c for c in reversed(node.children) if isinstance(c, Node))
            continue
        box = _box(node, container, kind, active)
        if box is node or box.text_len <= node.text_len:
            done = _cut_siblings(box, kind, active)
        else:
            box.own |= SOFT
            done = box.end


def _label(node: Node, active: int) -> str | None:
    """The label kind of a short element of inline content only (a heading, a bare line)."""
    if node.text_len > _LABEL_MAX:
        return None
    pieces: list[str] = []
    stack: list[Node | str] = [node]
    budget = _LABEL_NODES  # labels are a few elements deep; this keeps hostile nesting linear
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        budget -= 1
        if budget < 0 or (item is not node and item.tag in BLOCK_TAGS and item.text_len):
            return None
        if item.tag == "br":
            pieces.append(" ")
        elif item is node or not item.own & active:
            stack.extend(reversed(item.children))
    return label_kind(clean_text("".join(pieces)))


def _content(node: Node, active: int) -> list[Node | str]:
    """The children of *node* that carry visible text."""
    return [c for c in node.children
            if (isinstance(c, str) and c.strip()) or (isinstance(c, Node) and not c.own & active and c.text_len)]


def _box(label: Node, container: Node, kind: str, active: int) -> Node:
    """The largest ancestor the label opens that can be its box (see the module docstring)."""
    node = label
    half = 0.5 * (container.text_len - container.link_len)
    while True:
        parent = node.parent
        if parent is None or parent is container or not container.contains(parent):
            return node
        content = _content(parent, active)
        if not content or content[0] is not node or parent.text_len - parent.link_len > half:
            return node
        if kind == "teaser" and parent.link_len < _LINKY * parent.text_len and _prose(parent, label, active):
            return node
        if kind == "appeal" and parent.text_len > _APPEAL_MAX:
            return node
        node = parent


def _prose(node: Node, skip: Node, active: int) -> bool:
    """True when *node* holds, outside *skip*, an element of prose (see `_is_prose`)."""
    stack = [c for c in node.children if isinstance(c, Node) and c is not skip]
    while stack:
        item = stack.pop()
        if item.own & active or _is_card(item, active):
            continue
        if _is_prose(item):
            return True
        stack.extend(c for c in item.children if isinstance(c, Node))
    return any(isinstance(c, str) and len(c.strip()) >= _PROSE for c in node.children)


def _is_prose(node: Node) -> bool:
    text = node.text_len - node.link_len
    return node.tag in ("p", "li", "blockquote", "div", "span") and text >= _PROSE and \
        node.link_len < _LINKY * node.text_len and (node.tag == "p" or any(
            isinstance(c, str) and len(c.strip()) >= _PROSE for c in node.children))


def _is_card(node: Node, active: int) -> bool:
    """A teaser card: an element (not a paragraph) led by a linked headline, with its standfirst below."""
    item = node
    for _ in range(4):
        if item.tag == "p":
            return False
        content = _content(item, active)
        if not content or isinstance(content[0], str):
            return False
        first = content[0]
        if heading_level(first):
            return first.link_len >= 0.8 * first.text_len
        if is_link(first):  # a linked line, then elements (not text running on from the link)
            return all(isinstance(c, Node) for c in content[1:]) and (len(content) > 1 or item is not node)
        item = first
    return False


def _cut_siblings(start: Node, kind: str, active: int) -> int:
    """Mark *start* and the following siblings that belong to its region (see the module docstring).

    Returns the document order of the region's end.
    """
    parent = start.parent
    if parent is None:
        return start.end
    siblings = parent.children
    index = next(i for i, c in enumerate(siblings) if c is start)
    rank = heading_level(start) or 7
    end = index + 1
    while end < len(siblings):
        item = siblings[end]
        if isinstance(item, str):
            if kind != "comments" and len(item.strip()) >= _PROSE:
                break
        elif not item.own & active and item.text_len:
            level = heading_level(item)
            if kind == "comments":
                if level and level <= rank:
                    break
            elif _is_card(item, active):
                pass
            elif (level and not item.link_len) or _is_prose(item) or (
                    item.link_len < _LINKY * item.text_len and _prose(item, start, active)):
                break
        end += 1
    return _wrap(parent, index, end)


def _wrap(parent: Node, start: int, end: int) -> int:
    """Put children *start*..*end* of *parent* into one chrome pseudo-element."""
    first = parent.children[start]
    assert isinstance(first, Node)
    region = parent.children[start:end]
    wrapper = Node("#tail", {}, parent, SOFT, 0, first.order)
    wrapper.children = region
    for item in region:
        if isinstance(item, Node):
            item.parent = wrapper
            wrapper.end = max(wrapper.end, item.end)
    parent.children[start:end] = [wrapper]
    return wrapper.end
