"""Rendering: rich renderables for the terminal and plain, Markdown and JSON writers.

Every piece of article text, URL, title or metadata reaches the terminal through
`safe.safe_text` (a rich Text with controls made visible), never through markup.
"""

from __future__ import annotations

from .diffview import DiffView
from .docview import DocumentView
from .jsonout import diff_json, extract_json, log_json, store_log_json
from .logview import ArticleListView, ArticleRow, LogView, StoreLogView
from .markdown import diff_markdown
from .plain import document_text
from .safe import safe_text, visible
from .theme import THEME, make_console

__all__ = [
    "THEME", "ArticleListView", "ArticleRow", "DiffView", "DocumentView", "LogView", "StoreLogView",
    "diff_json", "diff_markdown", "document_text", "extract_json", "log_json", "make_console",
    "safe_text", "store_log_json", "visible",
]
