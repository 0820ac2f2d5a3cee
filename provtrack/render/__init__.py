"""Rendering: rich renderables for the terminal and plain, Markdown and JSON writers.

Every piece of article text, URL, title or metadata reaches the terminal through
`safe.safe_text` (a rich Text with controls made visible), never through markup.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> submodule; loaded on first use so that `--format json` never pays for views
_EXPORTS = {
    "DiffView": "diffview", "DocumentView": "docview", "diff_json": "jsonout", "extract_json": "jsonout",
    "log_json": "jsonout", "store_log_json": "jsonout", "ArticleListView": "logview", "ArticleRow": "logview",
    "LogView": "logview", "StoreLogView": "logview", "diff_markdown": "markdown", "document_text": "plain",
    "safe_text": "safe", "visible": "escapes", "THEME": "theme", "make_console": "theme",
    "blame_markdown": "markdown", "log_markdown": "markdown", "BlameView": "blameview", "HistoryView": "blameview",
    "ViewOutput": "output", "deliver": "output", "export_html": "output", "export_svg": "output",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = [
    "THEME", "ArticleListView", "ArticleRow", "BlameView", "DiffView", "DocumentView", "HistoryView", "LogView",
    "StoreLogView", "ViewOutput", "blame_markdown", "deliver", "diff_json", "diff_markdown", "document_text",
    "export_html", "export_svg", "extract_json", "log_json", "log_markdown", "make_console", "safe_text",
    "store_log_json", "visible",
]
