"""blocks.txt: the stored form of an extracted article, one block per line. Pure.

Each line is `<kind>: <text>`; backslash escapes (`\\\\`, `\\n`, `\\r`) keep it lossless,
so plain `git diff` and `git blame` in the store work paragraph by paragraph.
"""

from __future__ import annotations

import re

from provtrack.errors import StoreError
from provtrack.model import Block

BLOCKS_FILE = "blocks.txt"
#: the provenance file beside it (its fields are documented in snapshots/README.md)
META_FILE = "meta.json"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), text)


def dump_blocks(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Serialise blocks losslessly, one per line: `<kind>: <text>` (backslash escapes newlines)."""
    return "".join(f"{b.kind}: {_escape(b.text)}\n" for b in blocks)


def load_blocks(data: str) -> tuple[Block, ...]:
    """Parse the output of `dump_blocks`."""
    blocks = []
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        kind, sep, text = line.partition(": ")
        if not sep:
            raise StoreError(f"malformed block line {number} in {BLOCKS_FILE}")
        blocks.append(Block(kind, _unescape(text)))
    return tuple(blocks)
