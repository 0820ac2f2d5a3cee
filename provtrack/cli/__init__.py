"""The provtrack command line: parse options, make one library call, render the result.

`base` holds the group and shared options; each module below registers its commands on
it when it is imported, which happens the first time one of its commands is asked for
(`provtrack --help` imports them all). A new command is one function in one of these
modules, and its name in `COMMANDS`.
"""

from __future__ import annotations

from provtrack.cli.base import cli, dumps, main

#: module of provtrack.cli -> the commands it registers on `cli`
COMMANDS: dict[str, tuple[str, ...]] = {
    "articles": ("init", "extract", "snapshot", "reextract", "demo"),
    "browse": ("browse",),
    "diffing": ("diff", "compare"),
    "lineage": ("blame", "history"),
    "trace": ("trace",),
    "tracking": ("import", "update", "schedule", "sync", "stats", "feed"),
    "verify": ("verify", "upgrade"),
    "views": ("list", "log", "show"),
}
cli.lazy = {name: module for module, names in COMMANDS.items() for name in names}

__all__ = ["COMMANDS", "cli", "dumps", "main"]
