"""Word-level edit scripts between two texts, compared on normalised tokens. Pure.

Standard library only.
"""

from __future__ import annotations

from provtrack.diff_seq import Budget, matching_blocks
from provtrack.diff_tokens import has_word, keyed_tokens
from provtrack.model import normalize_text

__all__ = ["word_diff", "edit_script", "scored_edit_script"]

Segment = tuple[str, str]
#: `keyed_tokens` of a text: (raw tokens, keys)
Keyed = tuple[list[str], list[str]]


def word_diff(old_text: str, new_text: str, *, paragraph_breaks: bool = False,
              budget: Budget | None = None) -> tuple[Segment, ...]:
    """Edit script of ('=', s) / ('-', s) / ('+', s) segments from *old_text* to *new_text*.

    Tokens (whole words, numbers, whitespace runs, punctuation) are compared by their
    `normalize_text` keys, the same comparison that decides whether a block changed, so a
    curly quote, a no-break space or a soft hyphen never shows up as an edit. '=' segments
    therefore carry the NEW text: '=' and '+' segments concatenate exactly to *new_text*, and
    '=' and '-' segments concatenate to a text that normalises like *old_text*
    (`normalize_text('=' + '-') == normalize_text(old_text)`). With *paragraph_breaks*, a blank
    line (how split and merged blocks are joined) differs from a space.

    Equalities that are only whitespace or punctuation, or shorter than the edits on both sides,
    are folded into the surrounding edit (diff-match-patch's semantic cleanup), so
    `-the cat+a dog` reads better than `-the+a= -cat+dog`.
    """
    if not paragraph_breaks and normalize_text(old_text) == normalize_text(new_text):
        return (("=", new_text),) if new_text else ()
    return edit_script(old_text, new_text, paragraph_breaks=paragraph_breaks, budget=budget)


def edit_script(old_text: str, new_text: str, *, paragraph_breaks: bool = False,
                budget: Budget | None = None) -> tuple[Segment, ...]:
    """`word_diff` for texts already known to differ (no normalisation check up front)."""
    return scored_edit_script(old_text, new_text, paragraph_breaks=paragraph_breaks, budget=budget)[0]


def scored_edit_script(old_text: str, new_text: str, *, paragraph_breaks: bool = False,
                       budget: Budget | None = None, old_tokens: Keyed | None = None,
                       new_tokens: Keyed | None = None) -> tuple[tuple[Segment, ...], float]:
    """(`edit_script`, similarity): the similarity is SequenceMatcher's ratio over the words and
    punctuation (whitespace left out) that the script aligns, 2 * matched / (old + new).

    *old_tokens* and *new_tokens*, when given, are `keyed_tokens` of the texts (with the same
    *paragraph_breaks*), computed before; they are not modified.
    """
    old_raw, old_keys = _core(*(old_tokens or keyed_tokens(old_text, paragraph_breaks=paragraph_breaks)))
    new_raw, new_keys = new_tokens or keyed_tokens(new_text, paragraph_breaks=paragraph_breaks)
    new_raw = list(new_raw)
    # Whitespace at the ends normalises away: the old side's is dropped, the new side's is equal text.
    lead = new_raw.pop(0) if new_keys and new_keys[0].isspace() else ""
    new_keys = new_keys[1:] if lead else new_keys
    tail = new_raw.pop() if new_keys and new_keys[-1].isspace() else ""
    new_keys = new_keys[:-1] if tail else new_keys
    # Pieces alternate between equal text (an (old, new) tuple) and edits (a [deleted, inserted] list).
    pieces: list[tuple[str, str] | list[str]] = [("", lead)] if lead else []
    i0 = j0 = 0
    runs = matching_blocks(old_keys, new_keys, budget=budget, what="word diff", patience=True)
    # whitespace keys are exactly " " or "\n\n": count the rest with list.count, not a loop
    matched = sum(size - _spaces(old_keys[i:i + size]) for i, _, size in runs)
    total = len(old_keys) - _spaces(old_keys) + len(new_keys) - _spaces(new_keys)
    for i, j, size in [*runs, (len(old_keys), len(new_keys), 0)]:
        if i > i0 or j > j0:
            _push(pieces, ["".join(old_raw[i0:i]), "".join(new_raw[j0:j])])
        if size:
            _push(pieces, ("".join(old_raw[i:i + size]), "".join(new_raw[j:j + size])))
        i0, j0 = i + size, j + size
    if tail:
        _push(pieces, ("", tail))
    out: list[Segment] = []
    for piece in pieces:
        parts = [("=", piece[1])] if isinstance(piece, tuple) else [("-", piece[0]), ("+", piece[1])]
        out.extend((op, text) for op, text in parts if text)
    return tuple(out), (2.0 * matched / total if total else 1.0)


def _spaces(keys: list[str]) -> int:
    return keys.count(" ") + keys.count("\n\n")


def _core(raws: list[str], keys: list[str]) -> tuple[list[str], list[str]]:
    """Tokens without leading and trailing whitespace."""
    start = 1 if keys and keys[0].isspace() else 0
    end = len(keys) - 1 if len(keys) > start and keys[-1].isspace() else len(keys)
    return raws[start:end], keys[start:end]


def _push(pieces: list[tuple[str, str] | list[str]], piece: tuple[str, str] | list[str]) -> None:
    """Append *piece*, folding a trivial or short equality between two edits into one edit."""
    if isinstance(piece, tuple):
        if pieces and isinstance(pieces[-1], tuple):
            pieces[-1] = (pieces[-1][0] + piece[0], pieces[-1][1] + piece[1])
        else:
            pieces.append(piece)
        return
    while len(pieces) >= 2:
        equal, before = pieces[-1], pieces[-2]
        if not (isinstance(equal, tuple) and isinstance(before, list)):
            break
        short = len(equal[1]) <= max(map(len, before)) and len(equal[1]) <= max(map(len, piece))
        if not (short or not has_word(equal[1])):  # short, or only whitespace and punctuation
            break
        del pieces[-2:]
        piece = [before[0] + equal[0] + piece[0], before[1] + equal[1] + piece[1]]
    pieces.append(piece)
