"""The comparison keys of many block texts at once: `normalize_text` of each, in fewer passes. Pure.

`normalize_text` scans a text three times (a regex for the typographic table, NFC, a printability
test), about 2 µs for a paragraph: 10 ms for the 5,000 of a long article. Most of those scans find
nothing, and `str.__contains__` finds (or rules out) one character in all texts joined together at
memchr speed, so the texts of a diff are scanned together and only what is found is worked on.
Standard library only.
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Sequence

from provtrack.model import TYPOGRAPHIC_FOLDS, normalize_text

__all__ = ["normalize_many"]

#: Every character str.split() and re's \s treat as whitespace except the space (tests/test_diff.py
#: checks the list is complete).
OTHER_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`normalize_text` of each of *texts*."""
    keys = list(texts)
    exotic = [n for n, text in enumerate(texts) if not text.isascii()]  # ASCII needs no table or NFC
    if exotic:
        joined = "".join(texts[n] for n in exotic)
        found = [(char, by) for char, by in TYPOGRAPHIC_FOLDS.items() if char in joined]
        for n in exotic:
            text = texts[n]
            for char, by in found:
                if char in text:
                    text = text.replace(char, by)
            keys[n] = unicodedata.normalize("NFC", text)
        # the ASCII keys apart: joined alone they stay one byte a character, the fastest to search
        ascii_keys = list(itertools.compress(keys, map(str.isascii, texts)))
        tidy = _tidy(ascii_keys) and _tidy([keys[n] for n in exotic])
    else:
        tidy = _tidy(keys)
    if tidy:
        return keys
    # Some text has whitespace to collapse: normalize_text's own test and step, text by text.
    return [key if key.isprintable() and "  " not in key and key[:1] != " " and key[-1:] != " "
            else normalize_text(text) for key, text in zip(keys, texts)]


def _tidy(keys: list[str]) -> bool:
    """Whether no key has whitespace other than single spaces between other characters."""
    # Joined by a space, a key's leading or trailing space (or an empty key) makes a double space:
    # one substring search instead of one per key (searches for a single character are cheaper).
    joined = " ".join(keys)
    return (joined[:1] != " " and joined[-1:] != " " and "  " not in joined
            and not any(space in joined for space in OTHER_SPACES))
