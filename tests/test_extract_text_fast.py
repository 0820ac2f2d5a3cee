"""The fast ways of reading plain text agree with the general ones, for any input.

`TextExtractor.extract_utf8` (paragraphs split and decoded in bytes) against decoding and
`TextExtractor.extract`; `extract()` on bytes against detection, `decode` and the extractor.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from provtrack.errors import ExtractError
from provtrack.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, EXTRACTORS, detect_format, extract
from provtrack.extract_charset import decode, undeclared
from provtrack.extract_text import TextExtractor, clean_text
from provtrack.model import Document

# Characters that steer the paths apart: every kind of whitespace and line break, controls,
# format characters, a BOM, curly quotes and the pound sign; then any character at all.
_TRICKY = list(" \t\n\r\x0b\x0c\x1c\x1f\x85\u2028\u2029\u00a0\u2003\u3000\u00ad\u200b\ufeff\x00\x1b\x7f\x9b"
               "\u201c\u201d\u2019\u00a3\u00e9") + ["\r\n", "\n\n", " \n \n", "  ", "\n \n\n  "]
_TEXT = st.lists(st.one_of(st.sampled_from(_TRICKY), st.characters(blacklist_categories=("Cs",)),
                           st.text(alphabet="ab ", min_size=1, max_size=6)), max_size=40).map("".join)
# Mostly what the fast path takes: printable text, spaces and line breaks of every ending.
_PLAINISH = st.lists(st.sampled_from(["\n", "\n\n", " ", "  ", "\r\n", "\r", " \n ", "\n \n", "a", "word",
                                      "\u00e9", "\u201c", "\u00a3", "\U0001f600", "\u4e2d"]),
                     max_size=40).map("".join)
_TEXT = st.one_of(_TEXT, _PLAINISH)
# Bytes that are not always UTF-8: text with stray bytes spliced in (cp1252 quotes, lone
# continuation and lead bytes, a truncated sequence at the end).
_STRAY = st.sampled_from([b"\x93", b"\x94", b"\x80", b"\xbf", b"\xc3", b"\xe2\x80", b"\xf0\x9f\x98", b"\xff", b"\xed\xa0\x80"])


@st.composite
def _raw_bytes(draw: st.DrawFn) -> bytes:
    raw = draw(_TEXT).encode("utf-8")
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + draw(_STRAY) + raw[at:]
    return raw


def _general(raw: bytes) -> Document | str:
    """What extract() returned before the fast path (detect, decode, the str extractor), or its error."""
    try:
        fmt = detect_format(raw, content_type="text/plain", name="story.txt")
    except ExtractError as exc:
        return str(exc)
    text, charset, source = decode(raw)
    blocks, metadata = EXTRACTORS[fmt].extract(text)
    return Document(blocks=blocks, metadata=metadata, format=fmt, charset=charset, charset_source=source,
                    extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION)


def _extracted(raw: bytes) -> Document | str:
    try:
        return extract(raw, name="story.txt", content_type="text/plain")
    except ExtractError as exc:
        return str(exc)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
@example("a\n\nb\n")
@example(" \n \n\u00a0\n")
@example("a \n b\n\n\n  c  \n")
@example("x\u2028y\n\u2029\nz")
@example("\ufeffBOM in the middle\ufeff")
def test_utf8_fast_path_is_the_str_extractor(text: str) -> None:
    raw = text.encode("utf-8")
    found = TextExtractor().extract_utf8(raw)
    if found is not None:
        assert found == TextExtractor().extract(text)


@settings(max_examples=1500, deadline=None)
@given(_raw_bytes())
def test_extract_of_bytes_is_decode_then_extract(raw: bytes) -> None:
    assert _extracted(raw) == _general(raw)


@pytest.mark.parametrize("raw", [
    b"Plain ASCII.\n\nTwo paragraphs.\n", "Caf\u00e9 \u201cquoted\u201d \u00a35\n".encode(),
    b"Windows\r\nline\r\n\r\nendings\r\n", b"  spaced   out  \n \n  text ", b"", b"\n\n\n",
    "one\u00a0two\n".encode(), b"tab\there\n", b"nul\x00byte", b"cp1252 \x93quotes\x94\n",
    "<meta charset=utf-8> text\n".encode(), b"\xef\xbb\xbfBOM first\n", b"lone \xc3 lead\n\nbyte",
])
def test_extract_of_bytes_examples(raw: bytes) -> None:
    assert _extracted(raw) == _general(raw)


def test_the_fast_path_takes_the_common_case() -> None:
    raw = "Caf\u00e9 \u201cquoted\u201d,  twice\nwrapped\n\n\n \n\u00a3 5 \n".encode()
    blocks, _ = TextExtractor().extract_utf8(raw) or ((), None)
    assert [b.text for b in blocks] == ["Caf\u00e9 \u201cquoted\u201d, twice wrapped", "\u00a3 5"]


@pytest.mark.parametrize("raw", [b"\xc3(", b"a\tb", b"a\x00b", "a\u00a0b".encode(), "a\u2028b".encode(),
                                 "soft\u00adhyphen".encode(), b"\x93cp1252\x94"])
def test_the_fast_path_declines_what_it_cannot_do(raw: bytes) -> None:
    assert TextExtractor().extract_utf8(raw) is None


def test_only_the_space_is_printable_whitespace() -> None:
    # extract_utf8 relies on it: printable text has no whitespace but the space, so the
    # paragraph break needs no Unicode whitespace class, and clean_text's printable branch holds.
    assert [hex(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable()] == ["0x20"]


@settings(max_examples=300, deadline=None)
@given(_raw_bytes())
def test_undeclared_bytes_decode_as_utf8_when_valid(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    if undeclared(raw):
        assert decode(raw) == (text, "utf-8", "utf-8")


@pytest.mark.parametrize("raw, http", [(b"\xef\xbb\xbfx", None), (b"x", "utf-8"), (b"<meta charset=latin-1>x", None),
                                       ("x".encode("utf-16-le") * 8, None)])
def test_declared_bytes_are_not_undeclared(raw: bytes, http: str | None) -> None:
    assert not undeclared(raw, http_charset=http)


def test_a_replaced_text_extractor_still_gets_decoded_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from provtrack import extract as extract_module

    class Shouting(TextExtractor):
        def extract(self, text: str, *, base_url: str | None = None):  # type: ignore[no-untyped-def]
            blocks, metadata = super().extract(text.upper(), base_url=base_url)
            return blocks, metadata

    monkeypatch.setitem(extract_module.EXTRACTORS, "text", Shouting())
    assert [b.text for b in extract(b"quiet\n", name="a.txt").blocks] == ["QUIET"]


def _reference_clean(text: str) -> str:
    """clean_text's rule written out: controls removed, lone surrogates replaced, ASCII whitespace collapsed."""
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", "", text)
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_TEXT, st.lists(st.one_of(st.characters(), st.sampled_from(["\ud800", "\udfff", "\ud83d\ude00"]),
                                           st.sampled_from(_TRICKY)), max_size=40).map("".join)))
@example("lone \ud800 surrogate\u00a0")
@example("\udc00")
def test_clean_text_is_its_rule(text: str) -> None:
    assert clean_text(text) == _reference_clean(text)
