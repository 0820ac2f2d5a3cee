"""Tokens for the differ: words, numbers, punctuation and whitespace, each with its normalised key. Pure.

A token's key is what `normalize_text` makes of it, so comparing token keys and comparing block keys
(`Block.key`) always agree: two texts whose keys are equal have equal token-key sequences, and
`"".join(keys) == normalize_text(text)` (see `keyed_tokens`). Standard library only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterator

from provtrack.model import normalize_text

__all__ = ["category_ranges", "is_exotic", "tokenize", "is_word", "has_word", "content_tokens",
           "iter_content_tokens", "keyed_tokens", "sentences", "sentence_fold"]

#: Characters normalize_text deletes; inside a word they must not cut it into fragments.
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"


@functools.cache
def _categories() -> str:
    """The two-letter Unicode category of every code point below U+20000, concatenated (built once)."""
    return "".join(map(unicodedata.category, map(chr, range(0x20000))))


def category_ranges(major: str, *, common_only: bool = False) -> list[tuple[int, int]]:
    """(first, last) code point runs below U+20000 whose category starts with *major* ("M", "P"...).

    Only the first letter of a category code is upper case, so a match always starts at an even
    offset: offset // 2 is the code point. Scanning this way costs ~30 ms instead of ~100 ms.
    With *common_only*, only the blocks `is_exotic` allows are scanned (well under 1 ms).
    """
    if common_only:  # the same scan over the common blocks only (the first diff of a process waits for it)
        cps = []
        for first, last in _COMMON:
            codes = "".join(map(unicodedata.category, map(chr, range(first, last + 1))))
            cps += [first + m.start() // 2 for m in re.finditer(f"{major}[a-z]", codes)]
        return [(cp, cp) for cp in cps]
    found = re.finditer(f"(?:{major}[a-z])+", _categories())
    return [(m.start() // 2, m.end() // 2 - 1) for m in found]


# Blocks with no combining marks that hold the punctuation of most Latin-script news text: ASCII to
# Spacing Modifier Letters, General Punctuation with currency signs, Letterlike Symbols to Dingbats.
_COMMON = ((0x0000, 0x02FF), (0x2000, 0x20CF), (0x2100, 0x27BF))
_EXOTIC = re.compile("[^\\w\\s" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _COMMON) + "]")


def is_exotic(text: str) -> bool:
    """True when *text* has a character outside \\w, \\s and the common blocks: only then may it hold
    combining marks or rarer punctuation, which need the Unicode-wide tables."""
    return bool(_EXOTIC.search(text))


def _token_patterns(w: str, marks: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(all tokens, tokens but whitespace) for word characters *w* and combining *marks*.

    The second skips whitespace and returns only its group: the same tokens, whitespace dropped
    at C speed ([^\\s] rather than ., so trailing whitespace cannot be returned by backtracking).
    An apostrophe joins a word only if a visible word character follows it (invisible ones may
    come between): "don't" with a soft hyphen after the apostrophe is still one word, but a soft
    hyphen between "aa'" and a closing quote must not make "aa'" a word, or the keys of the text
    with and without it would split into different tokens.
    """
    visible = w.replace(_INVISIBLE, "")
    # The lookahead skips the repeated group at once after a word that no [.,'’%] follows (most
    # of them): the same matches, but sre no longer sets up the repeat for every word (2x faster).
    joins = rf"(?<=\d)[.,]\d[{w}]*|['\u2019][{_INVISIBLE}]*[{visible}][{w}]*"
    word = rf"[{w}]+(?:(?=[.,'\u2019%])(?:{joins})*(?:(?<=\d)%)?)?"
    other = f"[{marks}]*" if marks else ""
    return (re.compile(rf"{word}|\s+|.{other}", re.DOTALL),
            re.compile(rf"\s*({word}|[^\s]{other})", re.DOTALL))


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(token pattern, word-character pattern), built lazily from the Unicode tables.

    Tokens are words (with internal apostrophes), numbers (55,000 3.5 12%), whitespace runs and
    single other characters, each with any combining marks that follow it. Combining marks,
    zero-width joiners and the invisible characters normalisation deletes count as word
    characters, so Devanagari, Thai, decomposed Latin or soft-hyphenated words are never cut
    into fragments (Python's \\w excludes them), and no token starts with a combining mark
    unless the text does (which keeps NFC, applied per token, equal to NFC of the whole text).
    """
    marks = "".join(f"{chr(a)}-{chr(b)}" for a, b in category_ranges("M") if a >= 0x300)
    w = r"\w\u200c\u200d\U000e0100-\U000e01ef" + _INVISIBLE + marks
    return (*_token_patterns(w, marks), re.compile(f"[{w}]"))


# The same patterns without combining marks, for text that has none (`is_exotic` false): they
# tokenise such text exactly like the full ones, without building the tables.
_PLAIN_W = r"\w\u200c\u200d" + _INVISIBLE
_PLAIN_TOKEN, _PLAIN_CONTENT = _token_patterns(_PLAIN_W, "")
_PLAIN_WORD = re.compile(f"[{_PLAIN_W}]")


def tokenize(text: str) -> list[str]:
    """Split *text* into tokens that concatenate back to it exactly."""
    return (_patterns()[0] if is_exotic(text) else _PLAIN_TOKEN).findall(text)


def is_word(token: str) -> bool:
    """True for word and number tokens (not whitespace or punctuation)."""
    return (token[:1].isalnum() or bool(_PLAIN_WORD.match(token))
            or (is_exotic(token[:1]) and bool(_patterns()[2].match(token))))


def has_word(text: str) -> bool:
    """True when *text* holds any word character (one regex scan, for long texts)."""
    return bool(_PLAIN_WORD.search(text)) or (is_exotic(text) and bool(_patterns()[2].search(text)))


def iter_content_tokens(text: str) -> Iterator[str]:
    """content_tokens, lazily (to stop early)."""
    for m in (_patterns()[1] if is_exotic(text) else _PLAIN_CONTENT).finditer(text):
        yield m.group(1)


def content_tokens(text: str) -> list[str]:
    """Tokens without whitespace: what block similarity is computed on."""
    if is_exotic(text):
        return _patterns()[1].findall(text)
    # No token spans whitespace, so the text is tokenised piece by piece; a piece of word
    # characters only (str.isalnum: \w but "_"), most of them, is one token without the regex.
    tokens: list[str] = []
    for piece in text.split():
        if piece.isalnum():
            tokens.append(piece)
        else:
            tokens += _PLAIN_TOKEN.findall(piece)
    return tokens


def _key(token: str) -> str:
    if token.isspace():
        return " "
    if token.isascii():  # nothing in ASCII is changed by NFC or the normalisation table
        return token
    return normalize_text(token)


def keyed_tokens(text: str, *, paragraph_breaks: bool = False) -> tuple[list[str], list[str]]:
    """(raw tokens, keys): raw tokens concatenate to *text*; keys concatenate to `normalize_text(text)`
    once leading and trailing whitespace is stripped.

    A token whose key is empty (an invisible character normalisation deletes, on its own after
    punctuation or whitespace) is glued to the token before it (or, at the start, after it), and
    whitespace runs that touch after that are joined, so no key is empty (unless the whole text
    normalises to "") and whitespace keys never follow each other. With *paragraph_breaks*, a
    whitespace run holding a blank line (how split and merged blocks are joined) keys as "\\n\\n"
    instead of " ", so the break stays visible in a word diff.
    """
    tokens = tokenize(text)
    if text.isascii() and text.isprintable() and "  " not in text and not paragraph_breaks:
        return tokens, list(tokens)  # every token is its own key (whitespace runs are single spaces)
    # each distinct token keyed once, then looked up at C speed: long texts repeat their words
    table = {t: " " if t.isspace() else t if t.isascii() else normalize_text(t) for t in set(tokens)}  # _key
    keys = list(map(table.__getitem__, tokens))
    if paragraph_breaks:
        keys = ["\n\n" if k == " " and "\n\n" in t.replace("\r", "") else k for t, k in zip(tokens, keys)]
    if "" not in keys:
        return tokens, keys  # the tokenizer never puts two whitespace runs side by side
    raws: list[str] = []
    out: list[str] = []
    pending = ""  # raw text with an empty key at the start, waiting for a token to attach to
    for token, key in zip(tokens, keys):
        if not key:
            if raws:
                raws[-1] += token
            else:
                pending += token
        elif out and key.isspace() and out[-1].isspace():
            raws[-1] += token
            if key == "\n\n":
                out[-1] = key
        else:
            raws.append(pending + token)
            out.append(key)
            pending = ""
    if pending:
        raws.append(pending)
        out.append("")
    return raws, out


# Sentence ends: terminal punctuation, optionally closed by a quote or bracket, then whitespace
# (group 1, where the text is cut). Starting with the punctuation, not a lookbehind, lets the
# regex engine skip to candidates at C speed (five times faster).
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(\s+)")
_FOLD_WORD = re.compile(r"\w+")


def sentences(key: str) -> list[str]:
    """The sentences of a normalised block text (a rough split; both sides are split the same way)."""
    found: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(key):
        found.append(key[start:end.start(1)])
        start = end.end()
    found.append(key[start:])
    return [s for s in found if s]


@functools.cache
def _punctuation(everywhere: bool) -> re.Pattern[str]:
    """A character class of punctuation (Unicode category P*) but "'"; only the common blocks
    unless *everywhere* (see `is_exotic`)."""
    ranges = category_ranges("P", common_only=not everywhere)
    return re.compile("[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                                    for a, b in ranges if a != ord("'")) + "]")


def cosmetic_fold(text: str) -> str:
    """Text with case, punctuation and whitespace removed: equal folds mean a cosmetic edit.

    Apostrophes join (don't/dont); other punctuation separates words.
    """
    text = _punctuation(is_exotic(text)).sub(" ", text.replace("'", ""))
    return " ".join(text.split()).casefold()


def sentence_fold(sentence: str) -> tuple[str, ...]:
    """A sentence's casefolded words: its identity across case, punctuation and spacing edits."""
    words: list[str] = []
    for piece in sentence.casefold().split():
        if piece.isalnum():  # all word characters (\w is alphanumerics and "_"): one word
            words.append(piece)
        else:
            words += _FOLD_WORD.findall(piece)
    return tuple(words)
