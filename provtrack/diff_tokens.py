"""Tokens for the differ: words, numbers, punctuation and whitespace, each with its normalised key. Pure.

A token's key is what `normalize_text` makes of it, so comparing token keys and comparing block keys
(`Block.key`) always agree: two texts whose keys are equal have equal token-key sequences, and
`"".join(keys) == normalize_text(text)` (see `keyed_tokens`). Standard library only.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from provtrack.model import normalize_text

__all__ = ["tokenize", "is_word", "content_tokens", "keyed_tokens", "sentences", "sentence_fold"]

#: Characters normalize_text deletes; inside a word they must not cut it into fragments.
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(token pattern, word-character pattern), built lazily: scanning the marks costs ~25 ms.

    Tokens are words (with internal apostrophes), numbers (55,000 3.5 12%), whitespace runs and
    single other characters, each with any combining marks that follow it. Combining marks,
    zero-width joiners and the invisible characters normalisation deletes count as word
    characters, so Devanagari, Thai, decomposed Latin or soft-hyphenated words are never cut
    into fragments (Python's \\w excludes them), and no token starts with a combining mark
    unless the text does (which keeps NFC, applied per token, equal to NFC of the whole text).
    """
    ranges: list[str] = []
    start = None
    for cp in range(0x300, 0x20001):
        is_mark = cp < 0x20000 and unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            ranges.append(f"{chr(start)}-{chr(cp - 1)}")
            start = None
    marks = "".join(ranges)
    w = r"\w\u200c\u200d\U000e0100-\U000e01ef" + _INVISIBLE + marks
    token = re.compile(rf"[{w}]+(?:(?<=\d)[.,]\d[{w}]*|['\u2019][{w}]+)*(?:(?<=\d)%)?|\s+|.[{marks}]*",
                       re.DOTALL)
    return token, re.compile(f"[{w}]")


def tokenize(text: str) -> list[str]:
    """Split *text* into tokens that concatenate back to it exactly."""
    return _patterns()[0].findall(text)


def is_word(token: str) -> bool:
    """True for word and number tokens (not whitespace or punctuation)."""
    return token[:1].isalnum() or bool(_patterns()[1].match(token))


def content_tokens(text: str) -> list[str]:
    """Tokens without whitespace: what block similarity is computed on."""
    return [t for t in tokenize(text) if not t.isspace()]


def _key(token: str) -> str:
    if token.isspace():
        return " "
    if token.isascii():  # nothing in ASCII is changed by NFC or the normalisation table
        return token
    return normalize_text(token)


def keyed_tokens(text: str, *, paragraph_breaks: bool = False) -> tuple[list[str], list[str]]:
    """(raw tokens, keys): raw tokens concatenate to *text*; keys concatenate to `normalize_text(text)`.

    A token whose key is empty (an invisible character on its own, leading or trailing
    whitespace) is glued to its neighbour, and whitespace runs that touch after that are
    joined, so no key is empty (unless the whole text normalises to "") and whitespace keys
    never follow each other. With *paragraph_breaks*, a whitespace run holding a blank line
    (how split and merged blocks are joined) keys as "\\n\\n" instead of " ", so the break
    stays visible in a word diff; the keys then equal normalize_text only up to whitespace.
    """
    raws: list[str] = []
    keys: list[str] = []
    pending = ""  # raw text with an empty key, waiting for a token to attach to
    for token in tokenize(text):
        key = _key(token)
        if paragraph_breaks and key == " " and "\n\n" in token.replace("\r", ""):
            key = "\n\n"
        if not key or (key.isspace() and not keys):  # invisible, or leading whitespace
            pending += token
            continue
        if keys and key.isspace() and keys[-1].isspace():
            raws[-1] += pending + token
            if key == "\n\n":
                keys[-1] = key
        else:
            raws.append(pending + token)
            keys.append(key)
        pending = ""
    if keys and keys[-1].isspace():  # trailing whitespace belongs to the last word
        tail = raws.pop() + pending
        keys.pop()
        pending = ""
        if raws:
            raws[-1] += tail
        else:
            pending = tail
    if pending:
        if raws:
            raws[-1] += pending
        else:
            raws.append(pending)
            keys.append("")
    return raws, keys


# Sentence ends: terminal punctuation, optionally closed by a quote or bracket, then whitespace.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]])\s+")
_FOLD_WORD = re.compile(r"\w+")


def sentences(key: str) -> list[str]:
    """The sentences of a normalised block text (a rough split; both sides are split the same way)."""
    return [s for s in _SENTENCE_BREAK.split(key) if s]


def sentence_fold(sentence: str) -> tuple[str, ...]:
    """A sentence's casefolded words: its identity across case, punctuation and spacing edits."""
    return tuple(_FOLD_WORD.findall(sentence.casefold()))
