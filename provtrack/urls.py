"""Article identity: URL normalisation and path-safe article ids. Pure."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from provtrack.errors import UsageError

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
#: names Windows reserves for devices, also with any extension (`con.example` is CON)
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                            *(f"{d}{n}" for d in ("com", "lpt") for n in "123456789¹²³")})
_ARTICLE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]|\.(?!\.))*-[0-9a-f]{8}$")
#: C0 controls, DEL and C1 controls: never part of a URL (urllib silently drops tab, CR and LF)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: characters a URL may hold only percent-encoded: whitespace, invisible format characters
#: (zero-width, bidi), and the lone surrogates of undecodable command-line bytes
_ENCODE = re.compile(r"[\s\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_WORDS = re.compile(r"[^\W_]+")
#: file extensions of article pages (`story.html`); `index.html` is the front of its folder
_PAGE_EXT = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm)$", re.IGNORECASE)
#: a single word this long is a headline or an id, not a section name
_LONG_WORD = 16


def is_url(source: str) -> bool:
    """True when *source* looks like a URL with a scheme (not a file path)."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


#: What may follow the `@` of `ARTICLE@REV`: a version, latest/head (~N), previous, a commit prefix or {TIME}.
REV_SUFFIX = re.compile(r"^(?:v?\d+|latest(?:~\d+)?|head(?:~\d+)?|previous|[0-9a-f]{4,40}|\{[^}]+\})$")


def split_spec(spec: str) -> tuple[str, str | None]:
    """`ARTICLE@REV` -> (ARTICLE, REV). In a URL an `@` is part of the URL unless a revision follows it."""
    head, sep, tail = spec.rpartition("@")
    if not sep or not head:
        return spec, None
    if is_url(spec) and not REV_SUFFIX.match(tail):
        return spec, None
    return head, tail


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


def _encode_char(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte the command line could not decode: sent as that byte
        return f"%{ord(char) - 0xDC00:02X}"
    if "\ud800" <= char <= "\udfff":
        raise UsageError("malformed URL: it holds a lone surrogate (not text)")
    return "".join(f"%{b:02X}" for b in char.encode("utf-8"))


def clean_url(url: str) -> str:
    """The one spelling under which a URL is sent and recorded everywhere.

    Surrounding ASCII whitespace is dropped; whitespace and invisible characters inside (a space,
    a zero-width space, a bidi override) are percent-encoded as UTF-8, as a browser sends
    them. A control character inside (a line break, ESC, BEL) is a UsageError: urllib would
    silently drop some of them, so the URL recorded would not be the URL requested.
    """
    text = url.strip(" \t\n\r\f\v")  # what a shell or a copied line adds around a URL, nothing more
    control = _CONTROL.search(text)
    if control:
        raise UsageError(f"malformed URL: control character {control.group()!r} at position "
                         f"{control.start() + 1} in {_shown(text)}")
    return _ENCODE.sub(_encode_char, text)


def _shown(text: str) -> str:
    """A URL for a one-line message: control characters escaped, bounded."""
    shown = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return shown if len(shown) <= 200 else shown[:199] + "…"


def normalize_url(url: str) -> str:
    """The identity form of an article URL.

    Lower-case scheme and host, IDNA host, no default port, no fragment, tracking
    parameters (utm_*, fbclid, ...) dropped, remaining query kept in order, empty path "/".
    Raises UsageError for a malformed URL (control characters, unbalanced [IPv6] brackets).
    """
    try:
        return _normalize(clean_url(url))
    except ValueError:  # unbalanced [IPv6] brackets, a netloc NFKC would change
        raise UsageError(f"malformed URL: {_shown(url.strip())}") from None


def _normalize(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        netloc = host = f"[{host.lower()}]"
    else:
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


#: trailing segments that make a variant of the same page (`/story/amp`), not another page
_VARIANTS = frozenset({"amp", "print", "mobile", "m", "index", "index.html", "index.htm", "index.php"})


def canonical_problem(canonical: str, page_url: str | None = None) -> str | None:
    """Why a page's declared canonical link cannot name its article, or None when it can.

    CMS templates often declare the site root or the section front for every page, so:
    a malformed link or one with a user name or password; a path that normalises oddly
    (dot segments in any spelling, an escaped `/` or a backslash, which servers resolve
    differently); the site root; a section front, meaning a prefix of the page's own
    path, or a path with no article-like segment (one with a digit, two or more words, a
    page extension such as `.html`, or one word of 16 letters or more). A link to the
    page's own path (less `/amp` or `/print`) or with a query (`/?p=123`) is kept.
    """
    try:
        parts = urlsplit(clean_url(canonical))
        parts.port  # noqa: B018 (raises for a malformed port)
    except (UsageError, ValueError):
        return "it is malformed"
    if "@" in parts.netloc:
        return "it carries a user name or password"
    segments = parts.path.split("/")[1:]
    for segment in segments:
        decoded = unquote(segment)
        if decoded in (".", "..") or "/" in decoded or "\\" in decoded or _CONTROL.search(decoded):
            return f"its path normalises oddly ({_shown(parts.path)})"
    if any(k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)):
        return None
    named = [unquote(s) for s in segments if s and s.lower() not in _VARIANTS]
    if not named:
        return "it points at the site root"
    if page_url is not None:
        try:
            page = [unquote(s) for s in urlsplit(page_url).path.split("/") if s]
        except ValueError:
            page = []
        if [s for s in page if s.lower() not in _VARIANTS] == named:
            return None  # the page itself (`/story/amp` declaring `/story`)
        rest = page[len(named):]
        if page[:len(named)] == named and any(s.lower() not in _VARIANTS for s in rest):
            return "it points at a section front (a prefix of the page's own path)"
    if not any(_article_like(s) for s in named):
        return "it points at a section front (no article-like path segment)"
    return None


def _article_like(segment: str) -> bool:
    """A path segment that names one page: a digit, two or more words, a page extension, or a long word."""
    if any(c.isdigit() for c in segment) or _PAGE_EXT.search(segment):
        return True
    words = [w for w in _WORDS.findall(segment.lower()) if w not in _NOISE]
    return len(words) >= 2 or any(len(w) >= _LONG_WORD for w in words)


def article_id(url: str) -> str:
    """A short, readable, path-safe id for a normalised article URL.

    `host--slug-hash`: the host without `www.`, the words of the last path segment that has
    letters (at most 40 characters), and
    8 hex digits of the URL's sha256 so that distinct URLs never share an id.
    Only [a-z0-9.-], never starting with a dot, never containing `..`, never a name Windows
    reserves (see `is_article_id`), at most 92 characters.
    """
    try:
        norm = normalize_url(url) if is_url(url) else url
        parts = urlsplit(norm)
    except (UsageError, ValueError):  # malformed: an opaque name, still unique by its hash
        norm, parts = url, urlsplit("")
    digest = hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LEN]
    host = _HOST_JUNK.sub("-", (parts.hostname or "local").lower())
    host = re.sub(r"\.{2,}", ".", host).strip(".-")
    if host.startswith("www."):
        host = host[4:]
    host = host[:40].strip(".-") or "local"
    if host.split(".")[0] in RESERVED_NAMES and "." in host:
        host = host.replace(".", "-.", 1)  # `con-.example`: a name any file system accepts
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


def is_article_id(text: str) -> bool:
    """True for a string `article_id` could have made: safe as one directory name on any file system."""
    return len(text) <= 100 and bool(_ARTICLE_ID.match(text)) and text.split(".")[0] not in RESERVED_NAMES
