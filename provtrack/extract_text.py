"""The plain-text extractor, plus the text clean-up every extractor shares.

Pure: standard library only. Markdown is in `provtrack.extract_markdown`.
"""

from __future__ import annotations

import re

from provtrack.model import Block, Metadata

# C0 controls other than the ASCII whitespace ones (TAB, LF, VT, FF, CR), DEL and the C1
# controls. They are removed, not replaced: in article text they are corruption, and they
# must not reach the store (where plain `git show` would send them to a terminal).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Lone surrogates can arrive in a str (never from decoded bytes) and cannot be encoded. The
# pattern is compiled (and cached by re) for the first text that has one: at ~0.4 ms it is
# the costliest here to compile, and almost no text needs it.
_SURROGATE = "[\ud800-\udfff]"
# Only ASCII whitespace collapses, as in HTML; NO-BREAK SPACE and friends are content.
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_RUN_OF_SPACES = re.compile(" {2,}")
# Used once per document, so compiled (and cached by re) on first use rather than at import.
_LINE_BREAK = r"\r\n?|\n"
# A paragraph break, once line endings are LF: a line break followed by one or more blank lines
# (nothing but whitespace, as str.isspace() has it, which is what re's \s matches in a str
# pattern). A literal first character lets the regex engine skip ahead at C speed.
_PARAGRAPH_BREAK = r"\n(?:[^\S\n]*\n)+"
# The same break in UTF-8 bytes whose only whitespace is the space and LF (see extract_utf8).
_PARAGRAPH_BREAK_BYTES = re.compile(rb"\n(?: *\n)+")
# Printable ASCII and LF: what is left once they are deleted is every other character.
_PLAIN_ASCII = bytes(range(0x20, 0x7f)) + b"\n"


def clean_text(text: str) -> str:
    """Block text: C0, DEL and C1 controls removed, lone surrogates replaced, ASCII whitespace collapsed, ends stripped."""
    if text.isprintable():  # the common case, checked at C speed: no controls, no surrogates, and
        if "  " in text:     # no whitespace but the space (NO-BREAK SPACE and friends are content)
            text = _RUN_OF_SPACES.sub(" ", text)
        return text.strip(" ")
    if text.isascii():  # for ASCII, str.split() splits on exactly ASCII whitespace once the controls are gone
        return " ".join(_CONTROL.sub("", text).split())
    text = _CONTROL.sub("", text)
    try:
        text.encode("utf-8")  # faster than a regex search, and only a surrogate fails it
    except UnicodeEncodeError:
        text = re.sub(_SURROGATE, "\ufffd", text)
    return _SPACES.sub(" ", text).strip()


def split_lines(text: str) -> list[str]:
    """Lines of *text*, accepting LF, CRLF and lone CR endings."""
    return re.split(_LINE_BREAK, text)


class TextExtractor:
    """Plain text: every blank-line-separated chunk is exactly one paragraph."""

    def extract(self, text: str, *, base_url: str | None = None) -> tuple[tuple[Block, ...], Metadata]:
        """Blocks and (empty) metadata of a plain-text document."""
        texts: list[str] = []
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        for chunk in re.split(_PARAGRAPH_BREAK, text):
            if "\n" in chunk:
                chunk = chunk.replace("\n", " ")  # the lines of one paragraph
            cleaned = clean_text(chunk)
            if cleaned:
                texts.append(cleaned)
        return Block.batch("paragraph", texts), Metadata()

    def extract_utf8(self, raw: bytes) -> tuple[tuple[Block, ...], Metadata] | None:
        """What `extract(raw.decode("utf-8"))` returns, or None when *raw* is not valid UTF-8 or holds
        control, format or whitespace characters other than the space and line breaks.

        The common case, done without the whole text: decoding 1.4 MB that has a single curly
        quote makes a 2.8 MB two-byte-per-character string, only to copy it into paragraphs
        again, and `isprintable()` looks up every character's Unicode properties. Here the
        bytes are split and each paragraph is decoded on its own (mostly ASCII, so one byte
        per character), and one `translate` pass leaves only the characters to look up.
        """
        if b"\r" in raw:
            raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        texts: list[str] = []
        try:
            # Nothing but printable characters and LF: then the space and LF are the only
            # whitespace, so the byte pattern finds exactly _PARAGRAPH_BREAK's breaks (ASCII
            # bytes, so every piece decodes strictly if and only if the whole does), and every
            # paragraph takes clean_text's printable branch.
            if not raw.translate(None, _PLAIN_ASCII).decode("utf-8").isprintable():
                return None
            for chunk in _PARAGRAPH_BREAK_BYTES.split(raw):
                # Stripped in bytes, before decoding: a file's last paragraph ends in a newline,
                # and stripping a long str would copy it at up to four bytes a character.
                # (The str tests below are faster than the bytes ones.)
                chunk = chunk.strip(b" \n")
                if chunk:
                    text = chunk.decode("utf-8")
                    if "\n" in text:
                        text = text.replace("\n", " ")
                    if "  " in text:
                        text = _RUN_OF_SPACES.sub(" ", text)
                    texts.append(text)
        except UnicodeDecodeError:
            return None
        return Block.batch("paragraph", texts), Metadata()
