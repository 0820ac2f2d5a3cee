"""The provtrack command line: parse options, make one library call, render the result.

`base` holds the group and shared options; each module below registers its commands on
it. A new command is one function in one of these modules (or a new module listed here).
"""

from __future__ import annotations

from provtrack.cli.base import cli, dumps, main
from provtrack.cli import articles, browse, diffing, lineage, trace, tracking, verify, views  # each registers its commands on `cli`

__all__ = ["articles", "browse", "cli", "diffing", "dumps", "lineage", "main", "trace", "tracking", "verify", "views"]
