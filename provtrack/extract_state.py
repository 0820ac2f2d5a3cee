"""Article bodies carried only in JSON state blobs (``<script type="application/json">``, e.g. ``__NEXT_DATA__``).

Script-rendered pages often ship the story as a list of typed blocks in the
framework's state and render almost nothing server-side. The longest list of
``{"type": ..., "text": ...}`` objects in such a blob is taken as the body when the
visible page shows much less text than it.

Pure: standard library only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from provtrack.extract_dom import Node
from provtrack.extract_text import clean_text
from provtrack.model import Block

_TEXT_KEYS = ("text", "content", "html", "value", "body")
_TYPE_KEYS = ("type", "kind", "_type", "__typename", "blockType")
#: Block types (lower-case, separators dropped) mapped to block kinds; other types are
#: paragraphs unless they name chrome.
_KINDS = {
    "heading": "heading", "header": "heading", "subheading": "heading", "subhead": "heading",
    "crosshead": "heading", "h2": "heading", "h3": "heading", "title": "heading",
    "quote": "quote", "blockquote": "quote", "pullquote": "quote",
    "image": "caption", "photo": "caption", "figure": "caption", "picture": "caption", "caption": "caption",
    "listitem": "list_item", "bullet": "list_item",
}
_SKIP = re.compile(r"ad|advert|promo|related|newsletter|embed|video|iframe|html|raw|script|teaser|link")
#: Keys next to the block list that hold the standfirst, which opens the body.
_LEAD_KEYS = ("standfirst", "dek", "subheadline", "subheading", "subtitle", "lede", "summary", "description")
_TAG = re.compile(r"<[^>]*>")
#: A state body needs this many text blocks and characters.
_MIN_BLOCKS = 3
_MIN_CHARS = 300
#: Nodes visited in one blob at most (hostile or huge states).
_MAX_NODES = 200_000


def state_blocks(scripts: list[Node]) -> list[Block]:
    """Blocks of the longest typed-block list found in the page's JSON state scripts, or []."""
    best: list[Block] = []
    best_chars = 0
    for script in scripts:
        raw = "".join(c for c in script.children if isinstance(c, str)).strip()
        if len(raw) < _MIN_CHARS:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        for owner, items in _lists(data):
            blocks = _blocks(items)
            lead = next((owner[k] for k in _LEAD_KEYS if isinstance(owner.get(k), str) and owner[k].strip()), "")
            if lead and blocks:
                blocks.insert(0, Block("paragraph", clean_text(_TAG.sub(" ", lead))))
            chars = sum(len(b.text) for b in blocks if b.kind != "caption")
            if chars > best_chars and sum(b.kind != "caption" for b in blocks) >= _MIN_BLOCKS:
                best, best_chars = blocks, chars
    return best if best_chars >= _MIN_CHARS else []


def _lists(data: Any) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every list in *data* whose items are mostly objects with a text field, with the object holding it."""
    found: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    stack: list[tuple[dict[str, Any], Any]] = [({}, data)]
    seen = 0
    while stack and seen < _MAX_NODES:
        owner, item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            stack.extend((item, v) for v in item.values())
        elif isinstance(item, list):
            objects = [x for x in item if isinstance(x, dict) and _text_of(x)]
            if len(objects) >= _MIN_BLOCKS and len(objects) * 2 >= len(item):
                found.append((owner, objects))
            stack.extend(({}, v) for v in item)
    return found


def _text_of(item: dict[str, Any]) -> str:
    for key in _TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _blocks(items: list[dict[str, Any]]) -> list[Block]:
    out: list[Block] = []
    for item in items:
        kind_name = next((str(item[k]) for k in _TYPE_KEYS if isinstance(item.get(k), str)), "paragraph")
        key = re.sub(r"[^a-z0-9]", "", kind_name.lower())
        kind = _KINDS.get(key)
        if kind is None:
            if _SKIP.fullmatch(key) or key.startswith(("advert", "related", "promo", "newsletter")):
                continue
            kind = "paragraph"
        text = clean_text(_TAG.sub(" ", _text_of(item)))
        if text:
            out.append(Block(kind, text))
    return out
