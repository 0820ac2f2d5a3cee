"""Plain-text output: what `extract --format text` prints."""

from __future__ import annotations

from ..model import Document
from .safe import visible


def document_text(doc: Document) -> str:
    """The article's blocks separated by blank lines, control characters made visible; no trailing newline."""
    return "\n\n".join(visible(block.text) for block in doc.blocks)
