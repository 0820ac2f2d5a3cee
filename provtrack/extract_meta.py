"""Page metadata for the HTML extractor: JSON-LD, <meta> tags, bylines, timestamps, headline candidates.

Pure: standard library only.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from provtrack.extract_dom import (
    AUTHOR,
    BYLINE,
    HARD,
    META,
    SOFT,
    WEAK,
    Node,
    TreeBuilder,
    inline_text,
    parts,
)
from provtrack.extract_text import clean_text
from provtrack.model import Metadata, normalize_text

_ARTICLE_TYPES = frozenset("""
Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle BackgroundNewsArticle
ReviewNewsArticle AskPublicNewsArticle SatiricalArticle BlogPosting LiveBlogPosting Report
""".split())
# Separators between a headline and a site name in <title>. An em dash is left alone
# unless it precedes the known site name: headlines use it themselves.
_PIPE_SEPARATORS = (" | ", " || ", " :: ", " » ")
_DASH_SEPARATORS = (" - ", " – ", " · ", " • ")
_BYLINE_CUT = re.compile(r"\s[|·•]\s|\s[|·•]$")
_BY_PREFIX = re.compile(r"^by\b[\s:]*", re.IGNORECASE)
_MAX_PROBES = 20


@dataclass(frozen=True)
class PageInfo:
    """What the page says about itself before any content is chosen."""

    article: dict[str, Any] | None
    headline: str | None
    site_name: str | None


def same_text(a: str, b: str) -> bool:
    """True when two headlines are the same (case- and punctuation-style-insensitive), or one starts the other."""
    x, y = normalize_text(a).casefold(), normalize_text(b).casefold()
    if x == y:
        return True
    short, long_ = sorted((x, y), key=len)
    return bool(short) and long_.startswith(short) and len(short) >= 0.6 * len(long_)


def page_info(builder: TreeBuilder) -> PageInfo:
    """The JSON-LD article object, the reference headline and the site name."""
    article = _jsonld_article(builder.jsonld)
    meta = builder.meta
    publisher = article.get("publisher") if article else None
    site_name = _text(meta.get("og:site_name")) or (_name(publisher) if publisher else None)
    headline = _text(article.get("headline")) if article else None
    if not headline and meta.get("og:title"):
        headline = clean_title(meta["og:title"], site_name, pipes_only=True)
    if not headline and meta.get("twitter:title"):
        headline = clean_title(meta["twitter:title"], site_name, pipes_only=True)
    if not headline and builder.title is not None:
        headline = clean_title(inline_text(builder.title, 0), site_name)
    return PageInfo(article, headline or None, site_name)


def clean_title(title: str, site_name: str | None, *, pipes_only: bool = False) -> str:
    """A <title> without its site suffix or prefix (" | The Harbor Gazette", "Site - ")."""
    text = clean_text(title)
    if site_name:
        site = site_name.casefold()
        for sep in _PIPE_SEPARATORS + _DASH_SEPARATORS + (" — ", ": "):
            folded = text.casefold()
            if folded.endswith(sep.casefold() + site) and len(text) > len(sep) + len(site):
                return text[:-(len(sep) + len(site_name))].strip()
            if folded.startswith(site + sep.casefold()) and len(text) > len(sep) + len(site):
                return text[len(site_name) + len(sep):].strip()
    for sep in _PIPE_SEPARATORS:
        head, found, _ = text.rpartition(sep)
        if found and head.strip():
            return head.strip()
    if not pipes_only:
        for sep in _DASH_SEPARATORS:
            head, found, tail = text.rpartition(sep)
            # Only a short, capitalised tail looks like a site name ("... - Harbor Gazette").
            if found and head.strip() and len(tail.split()) <= 4 and all(w[:1].isupper() or w[:1].isdigit()
                                                                       for w in tail.split()):
                return head.strip()
    return text


def choose_title(builder: TreeBuilder, container: Node, info: PageInfo) -> tuple[Node | None, str | None]:
    """The headline: the article's <h1> (inside or just before the container), else the page's headline.

    <h1>s outside all chrome are tried first, then those inside layout wrappers
    (sidebar, widget, header classes), then any that matches the page's declared headline.
    """
    site = normalize_text(info.site_name).casefold() if info.site_name else None
    probes = [(node, inline_text(node, HARD | SOFT)) for node in builder.h1s[:_MAX_PROBES]]
    probes = [(node, text) for node, text in probes if text and normalize_text(text).casefold() != site]
    for excluded in (HARD | SOFT | WEAK, HARD | SOFT):
        clean = [(node, text) for node, text in probes if not node.mask & excluded]
        if container.parent is not None:
            for node, text in clean:
                if container.contains(node):
                    return node, text
        if info.headline:
            for node, text in clean:
                if same_text(text, info.headline):
                    return node, text
        before = [(node, text) for node, text in clean if node.order < container.order]
        if before:
            return before[-1]
        if clean:
            return clean[0]
    if info.headline:
        for node, text in probes:
            if same_text(text, info.headline):
                return node, text
    return None, info.headline


def page_metadata(builder: TreeBuilder, info: PageInfo, title: str | None, byline_hint: str | None,
                  base_url: str | None) -> Metadata:
    """Metadata from JSON-LD first, then <meta> tags, then visible bylines and <time> elements."""
    meta, article = builder.meta, info.article or {}
    published, modified = _visible_times(builder.times)
    canonical = builder.canonical or meta.get("og:url")
    if canonical and base_url and base_url.startswith(("http://", "https://")):
        try:
            canonical = urljoin(base_url, canonical)
        except ValueError:  # `http://[oops`: kept as declared; article identity ignores a malformed link
            pass
    return Metadata(
        title=title,
        byline=_byline(builder.bylines, article, meta) or byline_hint,
        published=_first(article.get("datePublished"), meta.get("article:published_time"),
                          meta.get("datepublished"), meta.get("og:published_time"), meta.get("pubdate"),
                          meta.get("publishdate"), meta.get("dc.date"), published),
        modified=_first(article.get("dateModified"), meta.get("article:modified_time"),
                         meta.get("datemodified"), meta.get("og:updated_time"), modified),
        canonical_url=_text(canonical),
        language=_first(builder.lang, meta.get("content-language"), article.get("inLanguage")),
        site_name=info.site_name,
        description=_first(meta.get("description"), meta.get("og:description"),
                           meta.get("twitter:description"), article.get("description")),
    )


# -- JSON-LD ---------------------------------------------------------------------------------------

def _jsonld_article(scripts: list[Node]) -> dict[str, Any] | None:
    """The first Article-like object in the page's JSON-LD (also inside @graph and lists); invalid JSON is skipped."""
    for script in scripts:
        raw = "".join(c for c in script.children if isinstance(c, str)).strip()
        # Some CMSs wrap the JSON in an HTML comment or CDATA markers, or end it with ';'.
        raw = raw.removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        queue: deque[Any] = deque([data])
        while queue:  # breadth first: a top-level article beats one nested deeper
            item = queue.popleft()
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                if _is_article(item.get("@type")):
                    return item
                queue.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return None


def _is_article(kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    for k in kinds:
        if isinstance(k, str):
            short = k.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            if short in _ARTICLE_TYPES or short.endswith("NewsArticle"):
                return True
    return False


def _name(value: Any) -> str | None:
    """A person's or organisation's name from a JSON-LD value (string, object or list)."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        if not names:
            return None
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _text(value: Any) -> str | None:
    """A cleaned non-empty string from a JSON-LD or attribute value, or None."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, str):
        return None
    return clean_text(value) or None


def _first(*values: Any) -> str | None:
    for value in values:
        if text := _text(value):
            return text
    return None


# -- visible bylines and times ---------------------------------------------------------------------

def _byline(nodes: list[Node], article: dict[str, Any], meta: dict[str, str]) -> str | None:
    """The visible byline, else JSON-LD authors, else <meta name=author>, else an author element."""
    visible = [n for n in nodes[:_MAX_PROBES] if not n.mask & (HARD | SOFT)]
    for index, node in enumerate(visible):
        if index + 1 < len(visible) and node.contains(visible[index + 1]) and visible[index + 1].flags & BYLINE:
            continue  # a byline block around the byline itself also holds titles and timestamps
        if node.flags & BYLINE and (text := _byline_text(node)):
            return text
    authors = _name(article.get("author"))
    if authors:
        return authors
    if text := _text(meta.get("author")):
        return text
    for node in visible:
        words = parts(f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}")
        if node.flags & AUTHOR and "bio" not in words and (text := _byline_text(node)):
            return text
    return None


def _byline_text(node: Node) -> str | None:
    """A byline element's text: without times, labels after a separator, or a leading "By"."""
    text = inline_text(node, HARD | SOFT, skip_tags=frozenset({"time"}), limit=400)
    text = _BYLINE_CUT.split(text, 1)[0]
    text = _BY_PREFIX.sub("", text).strip(" ,;:|·•-–—")
    return text if text and len(text) <= 150 else None


def _visible_times(times: list[Node]) -> tuple[str | None, str | None]:
    """(published, modified) from <time datetime> elements outside chrome; byline/dateline times first."""
    usable = [t for t in times if not t.mask & (HARD | SOFT)][:_MAX_PROBES]
    usable.sort(key=lambda t: (not (t.mask & META or "pubdate" in t.attrs), t.order))
    published = modified = None
    for node in usable:
        value = node.attrs["datetime"].strip()
        if _is_modified(node):
            modified = modified or value
        else:
            published = published or value
    return published, modified


def _is_modified(node: Node) -> bool:
    """True when a <time> is labelled as an update (class, itemprop, or the text just before it)."""
    labels = [node.attrs.get("class", ""), node.attrs.get("itemprop", "")]
    parent = node.parent
    if parent is not None:
        labels.append(parent.attrs.get("class", ""))
        index = next((i for i, c in enumerate(parent.children) if c is node), 0)
        before = parent.children[index - 1] if index else None
        if isinstance(before, str):
            labels.append(before[-40:])
    label = " ".join(labels).lower()
    return "updat" in label or "modif" in label
