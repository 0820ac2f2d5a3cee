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


_ESCAPED = re.compile(r"\\(.)")
_UNESCAPES = {"n": "\n", "r": "\r"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), text)


def dump_blocks(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Serialise blocks losslessly, one per line: `<kind>: <text>` (backslash escapes newlines)."""
    return "".join(f"{b.kind}: {_escape(b.text)}\n" for b in blocks)


def load_blocks(data: str, *, seen: dict[str, Block] | None = None) -> tuple[Block, ...]:
    """Parse the output of `dump_blocks`.

    *seen* (line -> Block), kept by a caller reading many versions of one article, parses
    each distinct line once: consecutive versions share almost all of their lines.
    """
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if seen is None:
        seen = {}
    for line in set(lines).difference(seen):
        kind, sep, text = line.partition(": ")
        if not sep:
            number = next(n for n, other in enumerate(lines, 1) if ": " not in other)
            raise StoreError(f"malformed block line {number} in {BLOCKS_FILE}")
        seen[line] = Block(kind, _unescape(text))
    return tuple(map(seen.__getitem__, lines))
