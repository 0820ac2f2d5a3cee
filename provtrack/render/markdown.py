"""Markdown reports of a Diff, a log and a blame, for pasting into tickets and corrections logs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..blame import Blame
from ..model import Change, Diff, Side, SnapshotRef, VersionInfo, duplicate_groups, summary_line
from .diffview import ordered_changes, positions
from .layout import fmt_time, minute_clash, provenance_lines, side_label, side_parts
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


def diff_markdown(diff: Diff, *, show_cosmetic: bool = False, only: frozenset[str] | None = None) -> str:
    """The whole diff as Markdown: both sides, a summary, then one section per change.

    Args:
        only: list only changes of these kinds; the summary still counts every kind.
    """
    lines = [f"# Changes: {md_escape(side_label(diff.old))} → {md_escape(side_label(diff.new))}", "",
             _side("Old", diff.old), _side("New", diff.new), ""]
    lines += [f"> **Note:** {md_escape(note)}\n" for note in diff.notes]
    unfiltered = [c for c in diff.changes if show_cosmetic or c.substantive]
    shown = [c for c in unfiltered if only is None or c.kind in only]
    hidden = len(diff.changes) - len(unfiltered)
    filtered = len(unfiltered) - len(shown)
    note = f"{hidden} cosmetic change{'' if hidden == 1 else 's'} not shown" if hidden else ""
    if filtered:
        note = ", ".join(filter(None, [note, f"{filtered} of other kinds not shown (only "
                                             f"{', '.join(sorted(only or ()))})"]))
    if not diff.changes:
        lines.append("No differences.")
    elif not unfiltered:
        lines.append(f"No substantive differences ({note}).")
    else:
        counts = diff.summary(include_cosmetic=show_cosmetic)
        summary = " · ".join(filter(None, [summary_line(counts), f"{counts['unchanged']} unchanged", note]))
        lines += [f"**Summary:** {md_escape(summary)}", "", "Paragraph numbers (¶) count blocks from 1.", ""]
        for number, change in enumerate(ordered_changes(diff, show_cosmetic=show_cosmetic, only=only), start=1):
            lines += _change(number, change, diff)
    return "\n".join(lines).rstrip("\n") + "\n"



def _cell(text: str) -> str:
    """Article text as one Markdown table cell: escaped, and `|` cannot end the cell."""
    return md_escape(text).replace("|", "\\|")


def log_markdown(article_id: str, url: str, versions: Sequence[VersionInfo], *, note: str | None = None,
                 notes: Sequence[str] = ()) -> str:
    """One article's versions as a Markdown table: version, fetch time, commit, changes, title."""
    lines = [f"# History of {md_escape(article_id)}", "", f"- **URL:** {md_escape(url)}", ""]
    if not versions:
        return "\n".join([*lines, "No versions stored."]) + "\n"
    lines += ["| version | fetched (UTC) | commit | changes | title |", "|---|---|---|---|---|"]
    seconds = minute_clash(v.ref.fetched_at for v in versions)
    for info in versions:
        if info.ref.version == 1:
            changes = "first version"
        else:
            changes = summary_line(info.summary)
            if info.reverts_to is not None:
                changes += f" (reverted to v{info.reverts_to})"
        title = ("**title changed:** " if info.title_changed else "") + _cell(info.title or "")
        lines.append(f"| v{info.ref.version} | {fmt_time(info.ref.fetched_at, zone=False, seconds=seconds)} | "
                     f"`{info.ref.short_commit}` | {_cell(changes)} | {title} |")
    closing = [n for n in (note, *notes) if n]
    if closing:
        lines += ["", *(f"- {md_escape(n)}" if len(closing) > 1 else md_escape(n) for n in closing)]
    return "\n".join(lines) + "\n"


def blame_markdown(blame: Blame) -> str:
    """Every block of a blamed version with its origin, last change and edits, as a Markdown table."""
    ref = blame.ref
    lines = [f"# Blame: {md_escape(ref.label)}", "", f"- **URL:** {md_escape(blame.article_url)}",
             f"- **Version:** v{ref.version} · fetched {fmt_time(ref.fetched_at)} · commit `{ref.short_commit}`", "",
             "Paragraph numbers (¶) count blocks from 1; *origin* is the version where the paragraph's lineage "
             "began, *last change* the version where its text last changed.", ""]
    if not blame.lines:
        return "\n".join([*lines, "No blocks."]) + "\n"
    copies: dict[int, int] = {}
    for group in duplicate_groups([line.block for line in blame.lines]):
        copies.update((i, group[0]) for i in group[1:])
    lines += ["| ¶ | kind | origin | last change | edits | text |", "|---|---|---|---|---|---|"]
    named: dict[int, SnapshotRef] = {ref.version: ref}
    for number, line in enumerate(blame.lines):
        lin = line.lineage
        named.setdefault(lin.origin.version, lin.origin)
        named.setdefault(lin.last_changed.version, lin.last_changed)
        kind = line.block.kind.replace("_", " ")
        if number in copies:
            kind += f" (duplicate of ¶{copies[number] + 1})"
        lines.append(f"| ¶{line.index + 1} | {_cell(kind)} | v{lin.origin.version} | v{lin.last_changed.version} | "
                     f"{lin.edits} | {_cell(line.block.text)} |")
    lines += ["", "Versions named above:", ""]
    lines += [f"- v{v}: fetched {fmt_time(r.fetched_at)} · commit `{r.short_commit}`" for v, r in sorted(named.items())]
    return "\n".join(lines) + "\n"
