"""Decoding fetched bytes as a browser would: HTTP charset, BOM, <meta> charset, UTF-8, windows-1252.

Pure: standard library only. What was used is reported with the text, so it can be recorded.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["BOMS", "MIXED_CODEC", "decode", "decode_bom", "undeclared", "utf16_without_bom"]

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels browsers decode with a superset (WHATWG Encoding Standard): "iso-8859-1" pages
# routinely contain windows-1252 curly quotes in 0x80-0x9F.
_SUPERSETS = {"ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254", "gb2312": "gbk",
              "shift_jis": "cp932", "euc_kr": "cp949"}
# Codecs that are not plain character encodings, or that browsers refuse for safety.
_REFUSED = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"})
#: The codec name recorded for UTF-8 pages with windows-1252 islands (charset_source "mixed").
MIXED_CODEC = "utf-8+cp1252"
_MIXED_ERRORS = "provtrack-cp1252"
# Compiled (and cached by re) when first needed: only bytes that are not valid UTF-8 are counted.
_UTF8_MULTI = rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"


def _cp1252_island(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode one byte that is not valid UTF-8 as windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start:error.start + 1]
    return byte.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error(_MIXED_ERRORS, _cp1252_island)
_META_SCAN = 4096
_META_TAG = re.compile(rb"<meta\b([^>]{0,1024})>", re.IGNORECASE)
# Compiled (and cached by re) for the first <meta> tag: plain text has none.
_META_CHARSET = rb"""(?:^|[\s"'/;])charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})"""


def decode(raw: bytes, *, http_charset: str | None = None) -> tuple[str, str, str]:
    """Decode *raw* as a browser would; never raises on undecodable bytes.

    Order: HTTP charset, byte order mark, <meta> charset in the first 4 KB, strict
    UTF-8, then UTF-8 with windows-1252 islands when valid multi-byte UTF-8 outnumbers the
    invalid bytes ("mixed"), then windows-1252 (with replacement characters if even that fails); BOM-less
    UTF-16 (a NUL in every other byte) is recognised before UTF-8 as a fallback. A
    declared charset is used only when the bytes decode cleanly under it, and a
    declared non-UTF charset loses to valid non-ASCII UTF-8.

    Returns:
        (text, codec, source): codec as `codecs.lookup(...).name` (e.g. "utf-8",
        "cp1252"), or "utf-8+cp1252" for UTF-8 with windows-1252 islands; source is
        "http", "bom", "meta", "utf-8", "mixed" or "fallback".
    """
    probe = _Utf8Probe(raw)
    bom = next(((mark, codec) for mark, codec in BOMS if raw.startswith(mark)), None)
    declared = _codec(http_charset) if http_charset else None
    if declared and bom:
        # The byte order mark outranks the transport, as in browsers; agreement counts as 'http'.
        mark, codec = bom
        source = "http" if _family(declared) == _family(codec) else "bom"
        return decode_bom(raw, mark, codec), codec, source
    if declared and (found := _try_declared(raw, declared, probe, from_meta=False)):
        return found[0], found[1], "http"
    if bom:
        return decode_bom(raw, *bom), bom[1], "bom"
    meta = _meta_charset(raw)
    if meta and (found := _try_declared(raw, meta, probe, from_meta=True)):
        return found[0], found[1], "meta"
    if wide := utf16_without_bom(raw):
        return raw.decode(wide, errors="replace"), wide, "fallback"
    if probe.text is not None:
        return probe.text, "utf-8", "utf-8"
    if probe.mixed:
        return raw.decode("utf-8", errors=_MIXED_ERRORS), MIXED_CODEC, "mixed"
    try:
        return raw.decode("cp1252"), "cp1252", "fallback"
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned in cp1252
        return raw.decode("cp1252", errors="replace"), "cp1252", "fallback"


def undeclared(raw: bytes, *, http_charset: str | None = None) -> bool:
    """True when no charset is declared or implied (HTTP, BOM, <meta>, BOM-less UTF-16): `decode` then
    returns valid UTF-8 as (text, "utf-8", "utf-8"), so a caller may decode it piecewise itself."""
    return (not http_charset and not any(raw.startswith(mark) for mark, _ in BOMS)
            and _meta_charset(raw) is None and utf16_without_bom(raw) is None)


class _Utf8Probe:
    """Strict UTF-8 decoding of the raw bytes, done at most once; and whether invalid bytes are islands in UTF-8."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._done = False
        self._text: str | None = None
        self._mixed: bool | None = None

    @property
    def mixed(self) -> bool:
        """True when the bytes are not UTF-8 but hold more valid multi-byte UTF-8 sequences than invalid bytes.

        That is a UTF-8 page with pasted windows-1252 text (curly quotes from a word
        processor): decoding it all as windows-1252 would garble every UTF-8 character.
        """
        if self._mixed is None:
            self._mixed = False
            if self.text is None:
                valid = len(re.findall(_UTF8_MULTI, self.raw))
                invalid = sum(1 for b in self.raw if b >= 0x80) - sum(
                    len(m) for m in re.findall(_UTF8_MULTI, self.raw))
                self._mixed = valid >= 2 and valid >= invalid
        return self._mixed

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


def decode_bom(raw: bytes, mark: bytes, codec: str) -> str:
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
    if not wide and not raw.isascii() and (probe.text is not None or probe.mixed):
        return None  # valid multi-byte UTF-8 contradicts a legacy charset: it is (mostly) UTF-8
    for name in (_SUPERSETS.get(codec), codec):
        if name:
            try:
                return raw.decode(name), name
            except (UnicodeDecodeError, LookupError):
                continue
    return None


def utf16_without_bom(raw: bytes) -> str | None:
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
        if (m := re.search(_META_CHARSET, tag.group(1), re.IGNORECASE)) and (codec := _codec(m.group(1).decode("ascii"))):
            return codec
    return None
