"""Page-level judgements of the HTML extractor: headline recovery, JSON-LD bodies and page signals.

Signals are short strings stored on `Document.signals`; they help the caller tell a
real article from a page that only looks like one (a paywall teaser, a consent wall,
an error page served with status 200):

- ``paywall``: the page marks itself as not free (JSON-LD ``isAccessibleForFree: false``)
  or shows a paywall / subscription prompt;
- ``consent``: a cookie-consent prompt with a paragraph or more of text is on the page;
- ``truncated``: the page declares a longer article (JSON-LD ``wordCount`` or
  ``articleBody``) than the text extracted;
- ``jsonld-body``: the body text was taken from JSON-LD ``articleBody`` because the
  visible page showed less than half of it (script-rendered pages);
- ``no-body``: nothing but a headline was found;
- ``error-page``: the headline or <title> reads like an error or bot-check page.

Pure: standard library only.
"""

from __future__ import annotations

import re
from typing import Any

from provtrack.extract_dom import WALL, Node, TreeBuilder, inline_text, parts
from provtrack.extract_hints import CONSENT_GRAMS, grams
from provtrack.extract_text import clean_text
from provtrack.model import Block

SIGNALS = ("paywall", "consent", "truncated", "jsonld-body", "no-body", "error-page")
_ERROR_TITLE = re.compile(
    r"(?:\b(?:40[0-9]|410|429|50[0-4])\b.{0,40})?\b(?:page not found|not found|access denied|forbidden"
    r"|service unavailable|temporarily unavailable|bad gateway|internal server error|too many requests"
    r"|just a moment|attention required|are you a robot|verify you are human|page (?:is )?unavailable"
    r"|something went wrong|an error occurred)\b",
    re.IGNORECASE,
)
_CONSENT_TEXT = 150
_BODY_KINDS = frozenset({"heading", "paragraph", "quote", "list_item"})


def word_count(blocks: tuple[Block, ...] | list[Block]) -> int:
    """Words in the body blocks (headings, paragraphs, quotes, list items; not the title or captions)."""
    return sum(len(b.text.split()) for b in blocks if b.kind in _BODY_KINDS)


def jsonld_body(article: dict[str, Any] | None, blocks: list[Block], *, share: float
                ) -> tuple[list[Block], bool]:
    """The blocks, or paragraphs of JSON-LD articleBody when the page shows less than *share* of it."""
    body = article.get("articleBody") if article else None
    if not isinstance(body, str) or len(body) < 200:
        return blocks, False
    visible = sum(len(b.text) for b in blocks if b.kind in _BODY_KINDS)
    if visible >= share * len(body):
        return blocks, False
    chunks = re.split(r"\n\s*\n", body) if "\n\n" in body or "\n \n" in body else body.split("\n")
    paragraphs = [Block("paragraph", text) for text in (clean_text(c) for c in chunks) if text]
    keep = [b for b in blocks if b.kind == "caption"]
    return (paragraphs + keep if paragraphs else blocks), bool(paragraphs)


def page_signals(builder: TreeBuilder, article: dict[str, Any] | None, blocks: tuple[Block, ...], *,
                 from_jsonld: bool) -> tuple[str, ...]:
    """The signals (see the module docstring) that apply to this page, in `SIGNALS` order."""
    found: set[str] = set()
    article = article or {}
    if _not_free(article) or any(not _is_consent(n) for n in builder.walls if n.text_len):
        found.add("paywall")
    if any(_is_consent(n) and n.text_len >= _CONSENT_TEXT for n in builder.walls):
        found.add("consent")
    words = word_count(blocks)
    declared = article.get("wordCount")
    try:
        declared_words = int(str(declared).strip()) if declared is not None else 0
    except ValueError:
        declared_words = 0
    body = article.get("articleBody")
    if isinstance(body, str) and not from_jsonld:
        declared_words = max(declared_words, len(body.split()))
    if declared_words and words < 0.5 * declared_words:
        found.add("truncated")
    if from_jsonld:
        found.add("jsonld-body")
    if not words:
        found.add("no-body")
    title = next((b.text for b in blocks if b.kind == "title"), "")
    page_title = inline_text(builder.title, 0, limit=300) if builder.title is not None else ""
    if (title and len(title) < 120 and _ERROR_TITLE.search(title)) or \
            (words < 150 and page_title and _ERROR_TITLE.search(page_title)):
        found.add("error-page")
    return tuple(s for s in SIGNALS if s in found)


def _not_free(article: dict[str, Any]) -> bool:
    """True when JSON-LD says the article (or a part of it) is not accessible for free."""
    values = [article.get("isAccessibleForFree")]
    parts_ = article.get("hasPart")
    for part in parts_ if isinstance(parts_, list) else [parts_]:
        if isinstance(part, dict):
            values.append(part.get("isAccessibleForFree"))
    return any(v is False or (isinstance(v, str) and v.strip().lower() == "false") for v in values)


def _is_consent(node: Node) -> bool:
    words = parts(f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}")
    return bool(grams(words) & CONSENT_GRAMS) and node.flags & WALL != 0
