"""Untrusted text made harmless for a terminal, as plain strings (no rich: the CLI imports this at start-up)."""

from __future__ import annotations

import re

#: Bidirectional formatting characters: they reorder what a reader sees without being visible.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Invisible characters that can hide an edit (`60,000` vs `60,\u200b000`): zero-width space,
#: word joiner and invisible operators, Mongolian vowel separator, zero-width no-break space.
#: (Zero-width joiners U+200C/U+200D stay: emoji and several scripts need them.)
_INVISIBLE = "\u200b\u2060\u2061\u2062\u2063\u2064\u180e\ufeff"
#: C0 controls (including newline and tab), DEL, C1 controls, bidi controls, invisible
#: characters, line/paragraph separators and lone surrogates (which cannot even be encoded).
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}\u2028\u2029\ud800-\udfff]")


def escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Return *text* with every control, bidi or separator character shown as a Python-style escape.

    ESC becomes the four characters ``\\x1b``, U+202E becomes ``\\u202e``; newlines and
    tabs are escaped too, so one block always prints as one paragraph.
    """
    return UNSAFE.sub(lambda m: escape_char(m.group()), text)


#: provtrack's word-diff markers, `[-removed-]` and `{+added+}`, as they could appear in article text:
#: `[` before `-` or `{` before `+` (with any backslashes before it), `]` after `-` or `}` after `+`
#: (with any backslashes between).
_MARKERS = re.compile(r"(?P<os>\\*)(?P<open>\[(?=-)|\{(?=\+))|(?P<sign>-(?=\\*\])|\+(?=\\*\}))(?P<cs>\\*)(?P<close>[\]}])")


def _marker_sub(match: re.Match[str]) -> str:
    if match.group("open") is not None:
        return match.group("os") * 2 + "\\" + match.group("open")
    return match.group("sign") + match.group("cs") * 2 + "\\" + match.group("close")


def marker_escape(text: str, *, inside: str = "", before_marker: bool = False) -> str:
    """Escape what would read as a word-diff marker in article text: `[-12-]` -> `\\[-12-\\]`.

    A backslash goes before the bracket or brace (as Markdown escapes them) and backslashes
    already there are doubled, so in a diff view only provtrack's own markers are unescaped.

    Args:
        inside: "-" or "+" when the text is printed between `[-`/`-]` or `{+`/`+}`, so a
            leading `]` or a trailing `[` cannot join the marker around it into a new one.
        before_marker: a marker follows the text, so a trailing backslash must not seem to escape it.
    """
    if inside:
        text = _MARKERS.sub(_marker_sub, f"{inside}{text}{inside}")[1:-1]
    elif "[" in text or "{" in text or "]" in text or "}" in text:
        text = _MARKERS.sub(_marker_sub, text)
    if before_marker and text.endswith("\\"):
        stripped = text.rstrip("\\")
        text = stripped + (len(text) - len(stripped)) * 2 * "\\"
    return text
