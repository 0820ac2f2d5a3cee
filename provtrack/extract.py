"""Bytes or text -> Document: decoding, format detection, and a registry of extractors by format.

Pure: standard library only (no click, rich or git), so it can be used as a library.

    >>> doc = extract(b"<h1>Fire at the docks</h1><p>Crews worked overnight.</p>")
    >>> [(b.kind, b.text) for b in doc.blocks]
    [('title', 'Fire at the docks'), ('paragraph', 'Crews worked overnight.')]
"""

from __future__ import annotations

import codecs
import re
from typing import Protocol
from urllib.parse import urlsplit

from provtrack.errors import ExtractError
from provtrack.extract_html import HtmlExtractor
from provtrack.extract_text import MarkdownExtractor, TextExtractor
from provtrack.model import Block, Document, Metadata

__all__ = [
    "EXTRACTORS",
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "Extractor",
    "decode",
    "detect_format",
    "extract",
    "register",
]

EXTRACTOR_NAME = "provtrack-html"
EXTRACTOR_VERSION = "1.0"


class Extractor(Protocol):
    """One format's extractor: decoded text in, ordered blocks and page metadata out."""

    def extract(self, text: str, *, base_url: str | None = None) -> tuple[tuple[Block, ...], Metadata]:
        """Blocks and metadata of *text*; *base_url* resolves relative URLs (canonical links)."""
        ...


#: Extractors keyed by format name ("html", "text", "markdown").
EXTRACTORS: dict[str, Extractor] = {}


def register(fmt: str, extractor: Extractor) -> None:
    """Make *extractor* handle documents of format *fmt* (replacing any earlier one)."""
    EXTRACTORS[fmt] = extractor


register("html", HtmlExtractor())
register("text", TextExtractor())
register("markdown", MarkdownExtractor())


def extract(raw: bytes | str, *, content_type: str | None = None, name: str | None = None,
            http_charset: str | None = None, fmt: str | None = None) -> Document:
    """Decode (when bytes), detect the format (unless *fmt* is given) and extract a Document.

    Args:
        raw: the fetched bytes, or already-decoded text.
        content_type: the Content-Type header or guessed MIME type; a charset parameter in it
            counts as the HTTP charset when *http_charset* is not given.
        name: the path or URL the content came from (its extension helps detection).
        http_charset: the charset the transport declared.
        fmt: "html", "text" or "markdown" to skip detection.

    Raises:
        ExtractError: the content is not text (PDF, image, binary) or *fmt* is unknown.
    """
    mime, header_charset = _parse_content_type(content_type)
    if isinstance(raw, str):
        text, charset, source = raw, None, "str"
        if fmt is None:
            fmt = _detect(text[:_SNIFF_BYTES], mime, name)
    else:
        if fmt is None:
            fmt = detect_format(raw, content_type=content_type, name=name)
        text, charset, source = decode(raw, http_charset=http_charset or header_charset)
    extractor = EXTRACTORS.get(fmt)
    if extractor is None:
        raise ExtractError(f"unknown format {fmt!r} (expected one of: {', '.join(sorted(EXTRACTORS))})")
    blocks, metadata = extractor.extract(text, base_url=name)
    return Document(blocks=blocks, metadata=metadata, format=fmt, charset=charset, charset_source=source,
                    extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION)


# -- decoding ----------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels browsers decode with a superset (WHATWG Encoding Standard): "iso-8859-1" pages
# routinely contain windows-1252 curly quotes in 0x80-0x9F.
_SUPERSETS = {"ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254", "gb2312": "gbk",
              "shift_jis": "cp932", "euc_kr": "cp949"}
# Codecs that are not plain character encodings, or that browsers refuse for safety.
_REFUSED = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"})
_META_SCAN = 4096
_META_TAG = re.compile(rb"<meta\b([^>]{0,1024})>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""(?:^|[\s"'/;])charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)


def decode(raw: bytes, *, http_charset: str | None = None) -> tuple[str, str, str]:
    """Decode *raw* as a browser would; never raises on undecodable bytes.

    Order: HTTP charset, byte order mark, <meta> charset in the first 4 KB, strict
    UTF-8, then windows-1252 (with replacement characters if even that fails); BOM-less
    UTF-16 (a NUL in every other byte) is recognised before UTF-8 as a fallback. A
    declared charset is used only when the bytes decode cleanly under it, and a
    declared non-UTF charset loses to valid non-ASCII UTF-8.

    Returns:
        (text, codec, source): codec as `codecs.lookup(...).name` (e.g. "utf-8",
        "cp1252"); source is "http", "bom", "meta", "utf-8" or "fallback".
    """
    probe = _Utf8Probe(raw)
    bom = next(((mark, codec) for mark, codec in _BOMS if raw.startswith(mark)), None)
    declared = _codec(http_charset) if http_charset else None
    if declared and bom:
        # The byte order mark outranks the transport, as in browsers; agreement counts as 'http'.
        mark, codec = bom
        source = "http" if _family(declared) == _family(codec) else "bom"
        return _decode_bom(raw, mark, codec), codec, source
    if declared and (found := _try_declared(raw, declared, probe, from_meta=False)):
        return found[0], found[1], "http"
    if bom:
        return _decode_bom(raw, *bom), bom[1], "bom"
    meta = _meta_charset(raw)
    if meta and (found := _try_declared(raw, meta, probe, from_meta=True)):
        return found[0], found[1], "meta"
    if wide := _utf16_without_bom(raw):
        return raw.decode(wide, errors="replace"), wide, "fallback"
    if probe.text is not None:
        return probe.text, "utf-8", "utf-8"
    try:
        return raw.decode("cp1252"), "cp1252", "fallback"
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned in cp1252
        return raw.decode("cp1252", errors="replace"), "cp1252", "fallback"


class _Utf8Probe:
    """Strict UTF-8 decoding of the raw bytes, done at most once."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._done = False
        self._text: str | None = None

    @property
    def text(self) -> str | None:
        if not self._done:
            self._done = True
            try:
                self._text = self.raw.decode("utf-8")
            except UnicodeDecodeError:
                self._text = None
        return self._text


def _codec(label: str) -> str | None:
    """The normalised name of a charset label, or None when unknown or refused."""
    label = label.strip().strip("'\"").strip().lower()
    if not label or len(label) > 40:
        return None
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def _family(codec: str) -> str:
    return "utf-16" if codec.startswith("utf-16") else "utf-8" if codec.startswith("utf-8") else codec


def _decode_bom(raw: bytes, mark: bytes, codec: str) -> str:
    if codec == "utf-8-sig":
        return raw.decode(codec, errors="replace")
    return raw[len(mark):].decode(codec, errors="replace")


def _try_declared(raw: bytes, codec: str, probe: _Utf8Probe, *, from_meta: bool) -> tuple[str, str] | None:
    """(text, codec) when the bytes decode cleanly under a declared charset, else None."""
    wide = codec.startswith(("utf-16", "utf-32"))
    if wide and from_meta:
        codec, wide = "utf-8", False  # a <meta> readable as ASCII cannot be in UTF-16 (WHATWG)
    if wide and raw[:1024].count(0) < len(raw[:1024]) // 10:
        return None  # ASCII-compatible bytes mislabelled as UTF-16/32
    if codec in ("utf-8", "utf-8-sig"):
        return (probe.text, "utf-8") if probe.text is not None else None
    if not wide and not raw.isascii() and probe.text is not None:
        return None  # valid multi-byte UTF-8 contradicts a legacy charset: it is UTF-8
    for name in (_SUPERSETS.get(codec), codec):
        if name:
            try:
                return raw.decode(name), name
            except (UnicodeDecodeError, LookupError):
                continue
    return None


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for BOM-less UTF-16 text (a NUL in every other byte), else None."""
    sample = raw[:1024]
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.4 * half and even <= 0.05 * half:
        codec = "utf-16-le"
    elif even >= 0.4 * half and odd <= 0.05 * half:
        codec = "utf-16-be"
    else:
        return None
    # Binary data can have the same NUL pattern; text decodes to printable characters.
    text = sample[:half * 2].decode(codec, errors="replace")
    printable = sum(c.isprintable() or c.isspace() for c in text)
    return codec if printable >= 0.9 * len(text) else None


def _meta_charset(raw: bytes) -> str | None:
    """The charset a <meta charset> or <meta http-equiv=Content-Type> declares in the first 4 KB."""
    head = raw[:_META_SCAN]
    for tag in _META_TAG.finditer(head):
        if (m := _META_CHARSET.search(tag.group(1))) and (codec := _codec(m.group(1).decode("ascii"))):
            return codec
    return None


# -- format detection --------------------------------------------------------------------------------

_SNIFF_BYTES = 8192
_HTML_MIME = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
_MARKDOWN_MIME = frozenset({"text/markdown", "text/x-markdown", "text/x-web-markdown"})
_UNKNOWN_MIME = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown",
                           "application/x-unknown", "application/binary"})
_BINARY_MIME = {"application/pdf": "a PDF document", "application/zip": "a ZIP archive",
                "application/gzip": "gzip-compressed data", "application/x-gzip": "gzip-compressed data",
                "application/msword": "a Word document", "application/vnd.ms-excel": "an Excel workbook",
                "application/x-shockwave-flash": "a Flash file", "application/wasm": "a WebAssembly module"}
_BINARY_MIME_PREFIXES = {"image/": "an image", "audio/": "audio", "video/": "a video", "font/": "a font",
                         "application/vnd.openxmlformats": "an Office document"}
_HTML_EXT = frozenset(".html .htm .xhtml .shtml .php .asp .aspx .jsp".split())
_MARKDOWN_EXT = frozenset(".md .markdown .mdown .mkd .mkdn .mdwn".split())
_TEXT_EXT = frozenset(".txt .text".split())
_MAGIC = ((b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"),
          (b"MM\x00*", "a TIFF image"), (b"PK\x03\x04", "a ZIP archive or Office document"),
          (b"\x1f\x8b", "gzip-compressed data"), (b"\x7fELF", "an executable"), (b"OggS", "an Ogg media file"),
          (b"fLaC", "a FLAC audio file"), (b"wOFF", "a web font"), (b"wOF2", "a web font"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"), (b"%!PS", "a PostScript document"))
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|script|iframe|h[1-6]|div|font|table|a|style|title|b|br|p|article|section"
    r"|main|meta|link|span|header|nav|ul|ol|!--)[\s>/]|<\?xml\b"
)
_MARKDOWN_HINT = re.compile(r"(?m)^ {0,3}(?:#{1,6}[ \t]+\S|```|~~~)|\[[^\[\]\n]{1,200}\]\([^()\s]{1,500}\)")
_C0 = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def detect_format(raw: bytes, *, content_type: str | None = None, name: str | None = None) -> str:
    """'html', 'text' or 'markdown', from the MIME type, then the extension of *name*, then sniffing.

    Raises:
        ExtractError: the content is not text: a PDF, an image or other known binary
            signature, a binary MIME type, or NUL/control-heavy bytes.
    """
    mime, _ = _parse_content_type(content_type)
    head = raw[:_SNIFF_BYTES]
    bom = next(((mark, codec) for mark, codec in _BOMS if head.startswith(mark)), None)
    if bom:
        mark, codec = bom
        # Cut a UTF-16 head to whole code units so the probe does not end in a replacement character.
        body = head if codec == "utf-8-sig" else head[:len(head) - (len(head) - len(mark)) % 2]
        text_head = _decode_bom(body, mark, codec)
    else:
        _reject_binary(head, head.decode("utf-8", errors="replace"), name)
        wide = _utf16_without_bom(head)
        text_head = head.decode(wide or "utf-8", errors="replace")
    return _detect(text_head, mime, name)


def _detect(head: str, mime: str, name: str | None) -> str:
    """The format from MIME type, extension and sniffed text; refuses binary MIME types unless it is HTML."""
    looks_html = bool(_HTML_START.match(head.lstrip("\ufeff \t\r\n\f\x00").lower()))
    what = _BINARY_MIME.get(mime) or next((w for p, w in _BINARY_MIME_PREFIXES.items() if mime.startswith(p)), None)
    if what and not looks_html:
        raise ExtractError(f"{_label(name)} is {what} ({mime}), not text")
    if mime in _HTML_MIME:
        return "html"
    if mime in _MARKDOWN_MIME:
        return "markdown"
    ext = _extension(name)
    if ext in _HTML_EXT:
        return "html"
    if ext in _MARKDOWN_EXT:
        return "markdown"
    if ext in _TEXT_EXT or mime == "text/plain":
        return "text"  # a server saying text/plain means text, as in browsers
    if looks_html or "<html" in head.lower():
        return "html"
    if _MARKDOWN_HINT.search(head):
        return "markdown"
    return "text"


def _reject_binary(head: bytes, text_head: str, name: str | None) -> None:
    """Raise ExtractError when the first bytes are a known binary signature or mostly control bytes."""
    start = head.lstrip(b" \t\r\n\x0c")
    for magic, what in _MAGIC:
        if start.startswith(magic):
            raise ExtractError(f"{_label(name)} is {what}, not text")
    if head[4:8] == b"ftyp":
        raise ExtractError(f"{_label(name)} is an MP4/ISO media file, not text")
    if not head or _utf16_without_bom(head):
        return
    nuls = head.count(0)
    if nuls > 0.3 * len(head):
        if _HTML_START.match(head.replace(b"\x00", b"").lstrip().lower().decode("latin-1")):
            return  # markup sprinkled with NULs is still markup; the NULs are stripped later
        raise ExtractError(f"{_label(name)} is binary data ({nuls} NUL bytes in the first {len(head)}), not text")
    controls = len(_C0.findall(head))
    if controls > 0.05 * len(head) and "\ufffd" in text_head:
        raise ExtractError(f"{_label(name)} is binary data (control bytes, invalid UTF-8), not text")


def _parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    """(MIME type lower-cased without parameters, charset parameter or None)."""
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("'\"")
    return mime.strip().lower(), charset


def _extension(name: str | None) -> str:
    """The lower-cased extension of a path or URL path ('' when none)."""
    if not name:
        return ""
    path = urlsplit(name).path if "://" in name else name
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def _label(name: str | None) -> str:
    """How an error message names the content: the path or URL when it fits on one line."""
    if name and len(name) <= 200 and name.isprintable():
        return name
    return "content"
