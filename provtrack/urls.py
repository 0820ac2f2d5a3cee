"""Article identity: URL normalisation and path-safe article ids. Pure."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "cmpid", "ocid", "ito", "smid", "smtyp", "at_medium",
    "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "s_cid", "icid",
    "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "share", "ref_src",
})
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_", "oly_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_HOST_JUNK = re.compile(r"[^a-z0-9.-]+")
_PCT = re.compile(r"%[0-9a-fA-F]{2}")
#: how much of the URL's readable part an id keeps; the hash keeps ids unique
MAX_SLUG = 40
_NOISE = frozenset({"html", "htm", "php", "asp", "aspx", "amp", "index"})
HASH_LEN = 8


def is_url(source: str) -> bool:
    """True when *source* looks like a URL with a scheme (not a file path)."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: `/a/./b/../c` -> `/a/c`, keeping a trailing slash."""
    out: list[str] = []
    segments = path.split("/")
    for number, segment in enumerate(segments):
        last = number == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out)


def normalize_url(url: str) -> str:
    """The identity form of an article URL.

    Lower-case scheme and host, IDNA host, no default port, no fragment, tracking
    parameters (utm_*, fbclid, ...) dropped, remaining query kept in order, empty path "/".
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    netloc = host
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    # keep percent-escapes as sent (`a%2Fb` is not `a/b`), only their hex case is unified
    path = quote(remove_dot_segments(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    path = _PCT.sub(lambda m: m.group().upper(), path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def article_id(url: str) -> str:
    """A short, readable, path-safe id for a normalised article URL.

    `host--slug-hash`: the host without `www.`, the words of the last path segment that has
    letters (at most 40 characters), and
    8 hex digits of the URL's sha256 so that distinct URLs never share an id.
    Only [a-z0-9.-], never starting with a dot, never containing `..`.
    """
    norm = normalize_url(url) if is_url(url) else url
    digest = hashlib.sha256(norm.encode("utf-8")).hexdigest()[:HASH_LEN]
    parts = urlsplit(norm)
    host = _HOST_JUNK.sub("-", (parts.hostname or "local").lower())
    host = re.sub(r"\.{2,}", ".", host).strip(".-")
    if host.startswith("www."):
        host = host[4:]
    host = host[:40].strip(".-") or "local"
    slug = ""
    # the last path segment with letters in it usually carries the headline words
    for segment in reversed(unquote(parts.path).lower().split("/")):
        words = [w for w in _SLUG_JUNK.split(segment) if w and w not in _NOISE]
        if any(c.isalpha() for w in words for c in w):
            slug = "-".join(words)
            break
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return f"{host}--{slug}-{digest}" if slug else f"{host}--{digest}"


def id_hash(article: str) -> str:
    """The hash suffix of an article id (used to shard the store)."""
    return article.rsplit("-", 1)[-1]
