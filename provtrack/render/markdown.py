"""A Markdown report of a Diff, for pasting into tickets and corrections logs."""

from __future__ import annotations

import re

from ..model import Change, Diff, Side, summary_line
from .diffview import ordered_changes, positions
from .layout import provenance_lines, side_label, side_parts
from .safe import visible

#: Characters that could start links, HTML, emphasis, code or strikethrough anywhere in a line.
_INLINE = re.compile(r"[\\`*_\[\]<>~&]")
#: Line starts that would become a heading, list, quote continuation or setext underline.
_LEAD = re.compile(r"^(\s*)(#|[-+=]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """Escape article text so it renders literally: no links, HTML, emphasis or block structure."""
    text = _INLINE.sub(lambda m: "\\" + m.group(), visible(text))
    return _LEAD.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)),
                     text)


def _wrap(segment: str, mark: str) -> str:
    """`~~word~~` with surrounding whitespace kept outside, so the delimiters still count in CommonMark."""
    core = segment.strip()
    if not core:
        return segment
    start = segment[: len(segment) - len(segment.lstrip())]
    end = segment[len(segment.rstrip()):]
    return f"{start}{mark}{md_escape(core)}{mark}{end}"


def md_word_diff(words: tuple[tuple[str, str], ...], *, paragraph_marks: bool = False) -> str:
    """Inline word diff: `~~removed~~ **added**`; a removed or added paragraph break shows as ¶."""
    out: list[str] = []
    previous = "="
    for number, (op, segment) in enumerate(words):
        if paragraph_marks:
            segment = segment.replace("\n\n", " ¶ ")
        following = words[number + 1][0] if number + 1 < len(words) else "="
        if op == "=":
            out.append(md_escape(segment))
        elif not segment.strip() and (following == "+" if op == "-" else out and out[-1][-1:].isspace()):
            continue  # whitespace swapped for something else: nothing a reader could see marked up
        else:
            if previous == "-" and op == "+" and out and not out[-1][-1:].isspace() and not segment[:1].isspace():
                out.append(" ")  # `~~500~~ **5,000**` reads better than the two glued together
            out.append(_wrap(segment, "~~" if op == "-" else "**"))
        previous = op
    return "".join(out)


def _side(name: str, side: Side) -> str:
    parts = [side.location, *side_parts(side)]
    if side.title:
        parts.append(f"title: {side.title}")
    return f"- **{name}:** " + " · ".join(md_escape(p) for p in parts)


def _quote(text: str) -> str:
    return "> " + md_escape(text)


def _change(number: int, change: Change, diff: Diff) -> list[str]:
    title = f"{change.kind.capitalize()} {change.block_kind.replace('_', ' ')} · {positions(change, diff.new_blocks)}"
    if change.tags:
        title += f" · {', '.join(change.tags)}"
    lines = [f"## {number}. {md_escape(title)}", ""]
    multi = change.kind in ("split", "merged")
    if change.kind in ("added", "duplicated"):
        lines.append(_quote(change.new_text or ""))
    elif change.kind == "removed":
        lines.append(_quote(change.old_text or ""))
    elif change.words is not None and any(op != "=" for op, _ in change.words):
        lines.append("> " + md_word_diff(change.words, paragraph_marks=multi))
    elif change.words is not None or change.old_text == change.new_text:
        lines.append(_quote((change.new_text or "").replace("\n\n", " ¶ ")))
    else:
        lines += ["Before:", "", _quote((change.old_text or "").replace("\n\n", " ¶ ")), "",
                  "After:", "", _quote((change.new_text or "").replace("\n\n", " ¶ "))]
    provenance = provenance_lines(change.introduced_in, change.origin,
                                  known_article=diff.new.ref.article if diff.new.ref else None)
    if provenance:
        lines += ["", *(f"- {md_escape(line)}" for line in provenance)]
    return lines + [""]


def diff_markdown(diff: Diff, *, show_cosmetic: bool = False) -> str:
    """The whole diff as Markdown: both sides, a summary, then one section per change."""
    lines = [f"# Changes: {md_escape(side_label(diff.old))} → {md_escape(side_label(diff.new))}", "",
             _side("Old", diff.old), _side("New", diff.new), ""]
    lines += [f"> **Note:** {md_escape(note)}\n" for note in diff.notes]
    shown = [c for c in diff.changes if show_cosmetic or c.substantive]
    hidden = len(diff.changes) - len(shown)
    note = f"{hidden} cosmetic change{'' if hidden == 1 else 's'} not shown" if hidden else ""
    if not diff.changes:
        lines.append("No differences.")
    elif not shown:
        lines.append(f"No substantive differences ({note}).")
    else:
        counts = diff.summary(include_cosmetic=show_cosmetic)
        summary = " · ".join(filter(None, [summary_line(counts), f"{counts['unchanged']} unchanged", note]))
        lines += [f"**Summary:** {md_escape(summary)}", "", "Paragraph numbers (¶) count blocks from 1.", ""]
        for number, change in enumerate(ordered_changes(diff, show_cosmetic=show_cosmetic), start=1):
            lines += _change(number, change, diff)
    return "\n".join(lines).rstrip("\n") + "\n"

