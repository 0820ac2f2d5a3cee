"""The terminal view of one extracted or stored version, laid out as the article reads."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ..model import Block, Document, Side
from .facts import Joined
from .layout import BLOCK_LABELS, BLOCK_STYLES, Gutter, para, side_parts, stripped_lines
from .safe import safe_text

#: Label column of the metadata header.
_LABEL_WIDTH = 11
#: How `show` says where the charset came from (extract_charset's `source` values).
_CHARSET_SOURCES = {"http": "from HTTP", "bom": "from BOM", "meta": "from meta tag", "utf-8": "undeclared; valid UTF-8",
                    "mixed": "UTF-8 mixed with windows-1252", "fallback": "fallback"}


class DocumentView:
    """Numbered blocks styled by kind, with an optional provenance and metadata header."""

    def __init__(self, doc: Document, *, side: Side | None = None, blocks_only: bool = False) -> None:
        self.doc = doc
        self.side = side
        self.blocks_only = blocks_only

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        items: list[RenderableType] = [] if self.blocks_only else [self._header(), Text()]
        if not self.doc.blocks:
            items.append(Text("No article text found.", style="provtrack.fold"))
        copies: dict[int, int] = {}
        for group in self.doc.duplicate_groups():
            copies.update((i, group[0]) for i in group[1:])
        width = len(para(len(self.doc.blocks) - 1))
        previous: Block | None = None
        for index, block in enumerate(self.doc.blocks):
            # consecutive list items read as one list: no blank line between them
            if previous is not None and not block.kind == previous.kind == "list_item":
                items.append(Text())
            number = Text(para(index).rjust(width) + "  ", style="provtrack.number")
            items.append(Gutter(number, block_body(block, copy_of=copies.get(index))))
            previous = block
        yield from stripped_lines(console, options, items)

    def _header(self) -> Group:
        rows: list[RenderableType] = []
        if self.side is not None:
            rows.append(Joined([self.side.location], "provtrack.url"))
            rows.append(Joined(side_parts(self.side), "provtrack.meta"))
        meta = self.doc.metadata
        fields: list[tuple[str, str | None]] = [
            ("title", meta.title if not any(b.kind == "title" for b in self.doc.blocks) else None),
            ("byline", meta.byline), ("published", meta.published), ("modified", meta.modified),
            ("canonical", meta.canonical_url), ("language", meta.language), ("site", meta.site_name),
        ]
        for label, value in fields:
            if value:
                body = Joined([value]) if label == "canonical" else safe_text(value)
                rows.append(Gutter(Text(label.ljust(_LABEL_WIDTH), style="provtrack.label"), body))
        source = [self.doc.format]
        if self.doc.charset:
            how = _CHARSET_SOURCES.get(self.doc.charset_source or "", self.doc.charset_source)
            source.append(self.doc.charset + (f" ({how})" if how else ""))
        source.append(f"{self.doc.extractor} {self.doc.extractor_version}")
        rows.append(Gutter(Text("source".ljust(_LABEL_WIDTH), style="provtrack.label"),
                           Joined(source, "provtrack.meta")))
        return Group(*rows)


def block_body(block: Block, *, copy_of: int | None = None) -> RenderableType:
    """One block styled by its kind and named so it reads without colour; *copy_of* flags a duplicate."""
    text = safe_text(block.text, BLOCK_STYLES.get(block.kind, ""))
    if copy_of is not None:
        text.append(f" (duplicate of {para(copy_of)})", style="provtrack.duplicated")
    if block.kind == "quote":
        return Gutter(Text("│ ", style="provtrack.quote.gutter"), text, repeat=True)
    if block.kind == "list_item":
        return Gutter(Text("• ", style="provtrack.bullet"), text)
    if block.kind in BLOCK_LABELS:
        return Text.assemble(Text(BLOCK_LABELS[block.kind], style="provtrack.label"), text)
    return text
