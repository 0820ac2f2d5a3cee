"""The Markdown extractor: ATX/setext headings, quotes, list items, paragraphs, inline markup reduced to text.

Pure: standard library only. Imported on the first Markdown document (see `provtrack.extract`):
its patterns are compiled at import, which plain text and HTML never need.
"""

from __future__ import annotations

import re

from provtrack.extract_text import clean_text, split_lines
from provtrack.model import Block, Metadata

_ATX = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_QUOTE_MARKS = re.compile(r"(?: {0,3}> ?)+")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|$)")
_HRULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_REFDEF = re.compile(r" {0,3}\[[^\[\]\n]{1,999}\]:[ \t]*\S")

# Inline patterns. Every variable-length part excludes its own delimiters and is
# bounded, so each scan stops at the next delimiter: matching stays linear even on
# a 50 MB single line full of unmatched brackets.
_CODE_SPAN = re.compile(r"(?<!`)(`+)([^`]{1,4000})\1(?!`)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,1000})\]\([^()\n]{0,2000}\)")
_LINK = re.compile(r"\[([^\[\]\n]{0,1000})\](?:\([^()\n]{0,2000}\)|\[[^\[\]\n]{0,1000}\])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,2000})>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,40}(?:\s[^<>]{0,2000})?/?>")
# Emphasis markers are removed when they flank a word (left: before a non-space and not
# after a word character; right: after a non-space and not before a word character).
# Unlike pairing, this is local and linear; "2*3" and "snake_case" are left alone.
_EMPHASIS = re.compile(
    r"(?<![*\w])\*{1,3}(?![*\s])|(?<![*\s])\*{1,3}(?![*\w])"
    r"|(?<!\w)_{1,3}(?![_\s])|(?<![_\s])_{1,3}(?!\w)"
    r"|(?<![~\w])~~(?![~\s])|(?<![~\s])~~(?![~\w])"
)


def _unescape(text: str) -> str:
    import html  # only Markdown needs it

    return html.unescape(text)


def _strip_markup(segment: str) -> str:
    """Markdown inline markup of a segment without code spans or escapes, reduced to text."""
    segment = _IMAGE.sub(r"\1", segment)
    segment = _LINK.sub(r"\1", segment)
    segment = _AUTOLINK.sub(r"\1", segment)
    segment = _TAG.sub("", segment)
    segment = _EMPHASIS.sub("", segment)
    return _unescape(segment)


def strip_inline(text: str) -> str:
    """Markdown inline markup reduced to its text: links, images, emphasis, code spans, escapes, entities."""
    out: list[str] = []
    pos = 0
    for code in _CODE_SPAN.finditer(text):
        out.append(_strip_escaped(text[pos:code.start()]))
        content = code.group(2)
        # CommonMark: one space of padding on both sides of a code span is not content.
        if len(content) > 2 and content[0] == " " == content[-1] and content.strip():
            content = content[1:-1]
        out.append(content)
        pos = code.end()
    out.append(_strip_escaped(text[pos:]))
    return "".join(out)


def _strip_escaped(text: str) -> str:
    """Strip markup around backslash escapes, keeping each escaped character literally."""
    parts = _ESCAPE.split(text)
    # re.split with one group alternates: text, escaped char, text, ...
    return "".join(part if i % 2 else _strip_markup(part) for i, part in enumerate(parts))


class MarkdownExtractor:
    """Markdown: ATX/setext headings, quotes, list items, paragraphs.

    A first-block level-1 heading is the title. Fenced code blocks become one
    paragraph each (their text kept literally, whitespace collapsed); thematic
    breaks and link reference definitions are dropped.
    """

    def extract(self, text: str, *, base_url: str | None = None) -> tuple[tuple[Block, ...], Metadata]:
        """Blocks of a Markdown document; metadata holds only the title."""
        raw = _markdown_blocks(split_lines(text))
        blocks: list[Block] = []
        for i, (kind, level, body) in enumerate(raw):
            cleaned = clean_text(body if kind == "code" else strip_inline(body))
            if not cleaned:
                continue
            if kind == "heading":
                kind = "title" if i == 0 and level == 1 else "heading"
            elif kind == "code":
                kind = "paragraph"
            blocks.append(Block(kind, cleaned))
        title = blocks[0].text if blocks and blocks[0].kind == "title" else None
        return tuple(blocks), Metadata(title=title)


def _atx_text(rest: str) -> str:
    """An ATX heading's text without its optional closing run of '#'."""
    rest = rest.strip()
    body = rest.rstrip("#")
    # The closing run counts only when preceded by a space (or is all there is): "C#" keeps its "#".
    if body != rest and (not body or body[-1] in " \t"):
        return body.strip()
    return rest


def _markdown_blocks(lines: list[str]) -> list[tuple[str, int, str]]:
    """(kind, heading level, raw text) per Markdown block; kind 'code' marks fenced code."""
    blocks: list[tuple[str, int, str]] = []
    para: list[str] = []
    para_kind = "paragraph"
    fence: str | None = None
    code: list[str] = []

    def flush() -> None:
        nonlocal para
        if para:
            blocks.append((para_kind, 0, " ".join(para)))
            para = []

    for line in lines:
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                blocks.append(("code", 0, " ".join(code)))
                fence, code = None, []
            else:
                code.append(line)
            continue
        if not line.strip():
            flush()
            continue
        if m := _FENCE.match(line):
            flush()
            fence = m.group(1)
            continue
        if m := _ATX.match(line):
            flush()
            blocks.append(("heading", len(m.group(1)), _atx_text(line[m.end():])))
            continue
        if para and para_kind == "paragraph" and (m := _SETEXT.match(line)):
            blocks.append(("heading", 1 if m.group(1)[0] == "=" else 2, " ".join(para)))
            para = []
            continue
        if _HRULE.match(line):
            flush()
            continue
        if m := _QUOTE_MARKS.match(line):
            if para_kind != "quote":
                flush()
                para_kind = "quote"
            rest = line[m.end():]
            if rest.strip():
                para.append(rest)
            else:
                flush()  # a bare ">" line separates paragraphs inside one quote
            continue
        if m := _ITEM.match(line):
            flush()
            para_kind = "list_item"
            para = [m.group(1) or ""]
            continue
        if not para and _REFDEF.match(line):
            continue
        if not para:
            para_kind = "paragraph"
        # Otherwise a continuation line (lazy continuation for quotes and list items).
        para.append(line)
    if fence is not None:
        blocks.append(("code", 0, " ".join(code)))
    flush()
    return blocks
