"""Property tests: malformed HTML never crashes the extractor, and what it yields keeps document order."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from provtrack.extract import extract
from provtrack.model import BLOCK_KINDS

_TAGS = ["div", "p", "span", "b", "i", "em", "li", "ul", "ol", "h2", "h3", "blockquote", "article", "section",
         "td", "tr", "table", "font", "figure", "figcaption", "main", "dl", "dd", "pre", "center", "a"]
_JUNK = ["</html>", "</body>", "<html>", "<body>", "<br>", "<br><br>", "\x00", "<p", "</", "<!-- x -->",
         "<div class='story-body'>", "<div class='content'>", "<hr>", "<![CDATA[x]]>", "&amp;", "&nbsp;",
         "<span class='note'>", "<img data-caption='cap' src=x>", "</p></p>", "<li><li>", "<td><td>"]
_WORD = re.compile(r"\bw(\d+)\b")


@st.composite
def malformed_pages(draw: st.DrawFn) -> tuple[str, int]:
    """Markup of numbered words w0, w1, ... in order, among unbalanced, stray and junk tags."""
    pieces: list[str] = []
    words = 0
    for _ in range(draw(st.integers(min_value=1, max_value=60))):
        choice = draw(st.integers(min_value=0, max_value=9))
        if choice <= 3:
            count = draw(st.integers(min_value=1, max_value=8))
            pieces.append(" " + " ".join(f"w{words + i}" for i in range(count)) + " ")
            words += count
        elif choice <= 5:
            pieces.append(f"<{draw(st.sampled_from(_TAGS))}>")
        elif choice <= 7:
            pieces.append(f"</{draw(st.sampled_from(_TAGS))}>")
        else:
            pieces.append(draw(st.sampled_from(_JUNK)))
    return "".join(pieces), words


def _numbers(text: str) -> list[int]:
    return [int(n) for n in _WORD.findall(text)]


@settings(max_examples=400)
@given(malformed_pages())
def test_malformed_html_never_crashes_and_keeps_document_order(page: tuple[str, int]) -> None:
    markup, words = page
    doc = extract(markup, fmt="html")
    assert all(b.kind in BLOCK_KINDS and b.text and b.text == b.text.strip() for b in doc.blocks)
    found = _numbers(" ".join(b.text for b in doc.blocks))
    assert found == sorted(set(found)), "words out of order or repeated"
    if words >= 20:
        assert found, "a page of words yielded no text"


@settings(max_examples=60)
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["div", "span", "b", "blockquote", "li", "td"]),
       st.booleans())
def test_deep_nesting_keeps_the_text(depth: int, tag: str, closed: bool) -> None:
    markup = f"<{tag}>level " * depth + "w1 w2 w3" + (f"</{tag}>" * depth if closed else "") + "</html> w4"
    doc = extract(markup, fmt="html")
    assert _numbers(doc.text) == [1, 2, 3, 4]


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_with_an_html_name_never_crash(raw: bytes) -> None:
    try:
        doc = extract(b"<html><body><p>" + raw, name="page.html")
    except Exception as error:  # only the documented refusal is allowed
        from provtrack.errors import ExtractError
        assert isinstance(error, ExtractError)
        return
    assert all(b.text for b in doc.blocks)
