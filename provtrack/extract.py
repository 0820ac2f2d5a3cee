"""Bytes or text -> Document: decoding, format detection, and a registry of extractors by format.

Pure: standard library only (no click, rich or git), so it can be used as a library.

    >>> doc = extract(b"<h1>Fire at the docks</h1><p>Crews worked overnight.</p>")
    >>> [(b.kind, b.text) for b in doc.blocks]
    [('title', 'Fire at the docks'), ('paragraph', 'Crews worked overnight.')]
"""

from __future__ import annotations

import importlib
import re
from typing import Protocol, Union

from provtrack.errors import ExtractError
from provtrack.extract_charset import BOMS, MIXED_CODEC, decode, decode_bom, undeclared, utf16_without_bom
from provtrack.extract_text import TextExtractor
from provtrack.model import Block, Document, Metadata

__all__ = [
    "EXTRACTORS",
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "MIXED_CODEC",
    "Extractor",
    "decode",
    "detect_format",
    "extract",
    "register",
]

EXTRACTOR_NAME = "provtrack-html"
EXTRACTOR_VERSION = "1.4"


#: What an extractor returns: (blocks, metadata), optionally followed by page signals.
Extraction = Union[tuple[tuple[Block, ...], Metadata], tuple[tuple[Block, ...], Metadata, tuple[str, ...]]]


class Extractor(Protocol):
    """One format's extractor: decoded text in, ordered blocks and page metadata (and signals) out."""

    def extract(self, text: str, *, base_url: str | None = None) -> Extraction:
        """Blocks and metadata of *text*; *base_url* resolves relative URLs (canonical links)."""
        ...


#: Extractors keyed by format name ("html", "text", "markdown").
EXTRACTORS: dict[str, Extractor] = {}


def register(fmt: str, extractor: Extractor) -> None:
    """Make *extractor* handle documents of format *fmt* (replacing any earlier one)."""
    EXTRACTORS[fmt] = extractor


class _OnDemand:
    """An extractor imported on its first document: the HTML parser and rules cost ~15 ms to load,
    the Markdown patterns ~2 ms, which documents of the other formats never need."""

    def __init__(self, fmt: str, module: str, name: str) -> None:
        self.fmt, self.module, self.name = fmt, module, name

    def extract(self, text: str, *, base_url: str | None = None) -> Extraction:
        extractor: Extractor = getattr(importlib.import_module(self.module), self.name)()
        register(self.fmt, extractor)
        return extractor.extract(text, base_url=base_url)


register("html", _OnDemand("html", "provtrack.extract_html", "HtmlExtractor"))
register("text", TextExtractor())
register("markdown", _OnDemand("markdown", "provtrack.extract_markdown", "MarkdownExtractor"))


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
        extractor = EXTRACTORS.get(fmt)
        # Undeclared plain text is decoded paragraph by paragraph by the built-in extractor
        # (a replacement registered for "text" still gets the decoded text).
        if (type(extractor) is TextExtractor and undeclared(raw, http_charset=http_charset or header_charset)
                and (found := extractor.extract_utf8(raw)) is not None):
            return Document(blocks=found[0], metadata=found[1], format=fmt, charset="utf-8", charset_source="utf-8",
                            extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION)
        text, charset, source = decode(raw, http_charset=http_charset or header_charset)
    extractor = EXTRACTORS.get(fmt)
    if extractor is None:
        raise ExtractError(f"unknown format {fmt!r} (expected one of: {', '.join(sorted(EXTRACTORS))})")
    result = extractor.extract(text, base_url=name)
    blocks, metadata = result[0], result[1]
    signals = result[2] if len(result) > 2 else ()  # type: ignore[misc]
    return Document(blocks=blocks, metadata=metadata, format=fmt, charset=charset, charset_source=source,
                    extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION, signals=signals)


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
# Sniffing patterns, compiled (and cached by re) on first use: a file named .txt or .md, or
# served with a text type, never needs them, and they take ~0.5 ms to compile.
_HTML_START = (
    r"<(?:!doctype\s+html|html|head|body|script|iframe|h[1-6]|div|font|table|a|style|title|b|br|p|article|section"
    r"|main|meta|link|span|header|nav|ul|ol|!--)[\s>/]|<\?xml\b"
)
_MARKDOWN_HINT = r"(?m)^ {0,3}(?:#{1,6}[ \t]+\S|```|~~~)|\[[^\[\]\n]{1,200}\]\([^()\s]{1,500}\)"
_C0 = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def detect_format(raw: bytes, *, content_type: str | None = None, name: str | None = None) -> str:
    """'html', 'text' or 'markdown', from the MIME type, then the extension of *name*, then sniffing.

    Raises:
        ExtractError: the content is not text: a PDF, an image or other known binary
            signature, a binary MIME type, or NUL/control-heavy bytes.
    """
    mime, _ = _parse_content_type(content_type)
    head = raw[:_SNIFF_BYTES]
    bom = next(((mark, codec) for mark, codec in BOMS if head.startswith(mark)), None)
    if bom:
        mark, codec = bom
        # Cut a UTF-16 head to whole code units so the probe does not end in a replacement character.
        body = head if codec == "utf-8-sig" else head[:len(head) - (len(head) - len(mark)) % 2]
        text_head = decode_bom(body, mark, codec)
    else:
        _reject_binary(head, head.decode("utf-8", errors="replace"), name)
        wide = utf16_without_bom(head)
        text_head = head.decode(wide or "utf-8", errors="replace")
    return _detect(text_head, mime, name)


def _detect(head: str, mime: str, name: str | None) -> str:
    """The format from MIME type, extension and sniffed text; refuses binary MIME types unless it is HTML."""
    what = _BINARY_MIME.get(mime) or next((w for p, w in _BINARY_MIME_PREFIXES.items() if mime.startswith(p)), None)
    if what and not _looks_html(head):
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
    if _looks_html(head) or "<html" in head.lower():
        return "html"
    if re.search(_MARKDOWN_HINT, head):
        return "markdown"
    return "text"


def _looks_html(head: str) -> bool:
    """Whether sniffed text starts like markup (a known tag, a doctype, a comment or an XML declaration)."""
    return bool(re.match(_HTML_START, head.lstrip("\ufeff \t\r\n\f\x00").lower()))


def _reject_binary(head: bytes, text_head: str, name: str | None) -> None:
    """Raise ExtractError when the first bytes are a known binary signature or mostly control bytes."""
    start = head.lstrip(b" \t\r\n\x0c")
    for magic, what in _MAGIC:
        if start.startswith(magic):
            raise ExtractError(f"{_label(name)} is {what}, not text")
    if head[4:8] == b"ftyp":
        raise ExtractError(f"{_label(name)} is an MP4/ISO media file, not text")
    if not head or utf16_without_bom(head):
        return
    nuls = head.count(0)
    if nuls > 0.3 * len(head):
        if re.match(_HTML_START, head.replace(b"\x00", b"").lstrip().lower().decode("latin-1")):
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
    path = name
    if "://" in name:
        from urllib.parse import urlsplit  # only for URLs: reading a file does not pay for it

        path = urlsplit(name).path
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def _label(name: str | None) -> str:
    """How an error message names the content: the path or URL when it fits on one line."""
    if name and len(name) <= 200 and name.isprintable():
        return name
    return "content"
