"""Plain-text output: `extract --format text`, and long article lists sent to a pipe (no rich: fast)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Sequence

from ..model import Document
from .escapes import visible

if TYPE_CHECKING:
    from .logview import ArticleRow


def document_text(doc: Document) -> str:
    """The article's blocks separated by blank lines, control characters made visible; no trailing newline."""
    return "\n\n".join(visible(block.text) for block in doc.blocks)


def article_lines(rows: Sequence[ArticleRow]) -> Iterator[str]:
    """One line per article, as the long-list terminal view shows it but whole: id, versions, last fetch, title."""
    from .layout import fmt_time

    for row in rows:
        versions = f"{row.versions} version{'' if row.versions == 1 else 's'}"
        yield visible(f"{row.id}  {versions}  last {fmt_time(row.last_fetched, zone=False)}  {row.title or row.url}")
