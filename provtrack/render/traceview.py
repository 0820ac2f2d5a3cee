"""Terminal view of `trace`: each block with where its text appeared first across the store.

It only lays out what `provtrack.trace` computed; article text, ids and URLs go through
`safe_text`. Blocks with no known origin stand out: in a copy of a story they are the
paragraphs the original never had.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from ..trace import TraceLine, TraceResult
from ..traceindex import Occurrence
from .diffview import plural
from .facts import Joined
from .layout import Gutter, fmt_time, para, side_label, side_parts
from .safe import safe_text

#: status -> (badge, style)
BADGES = {
    "elsewhere": ("◆ FOUND EARLIER ELSEWHERE", "provtrack.moved"),
    "own": ("● FIRST SEEN HERE", "provtrack.added"),
    "unknown": ("? NO KNOWN ORIGIN", "provtrack.removed"),
}
_INDENT = "    "
_MATCH = {"exact": "same text", "near": "nearly the same text", "excerpt": "an excerpt of it",
          "extended": "its text with additions"}


def occurrence_parts(occ: Occurrence, *, article: str | None) -> list[Text]:
    """`other-site@v2`, `2026-02-05 09:00 UTC`, `commit 4f2a9c1b3d`, `same text` (own article: `v2`)."""
    own = occ.ref.article == article
    how = _MATCH.get(occ.resemblance.match, occ.resemblance.match)
    if occ.resemblance.match != "exact":
        how += f", {occ.resemblance.similarity:.0%} similar"
    return [safe_text(f"v{occ.ref.version}" if own else occ.ref.label, "provtrack.version"),
            Text(fmt_time(occ.ref.fetched_at), style="provtrack.meta"),
            Text.assemble(("commit ", "provtrack.meta"), (occ.ref.short_commit, "provtrack.commit")),
            Text(how, style="provtrack.meta")]


class TraceView:
    """Header, one entry per block (badge, origin, the block's text) and a summary."""

    def __init__(self, result: TraceResult) -> None:
        self.result = result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        result = self.result
        parts = side_parts(result.side)
        if result.side.ref is not None:  # its label leads the parts
            lead = parts.pop(0)
            if result.side.location:
                parts.append(result.side.location)
        else:
            lead = side_label(result.side)
        yield Joined([Text.assemble("trace ", safe_text(lead)), *parts], "provtrack.meta", base="provtrack.header")
        scope = (f"against {plural(result.indexed_articles, 'stored article')} "
                 f"({plural(result.indexed_versions, 'version')})")
        if result.version is not None:
            scope += f", counting versions fetched up to {fmt_time(result.version.fetched_at)}"
        yield Joined([scope], "provtrack.meta")
        for note in result.notes:
            yield safe_text(f"note: {note}", "provtrack.tag")
        yield Text()
        for line in result.lines:
            yield from self._entry(line)
        others = {o.ref.article: o.ref.url for line in result.lines for o in (line.origin, line.elsewhere)
                  if o is not None and o.ref.article != result.article}
        if others:
            yield Text("other articles named above:", style="provtrack.label")
            for article, url in sorted(others.items()):
                yield Gutter("  ", Joined([safe_text(article, "provtrack.version"), safe_text(url, "provtrack.url")],
                                          separator=" "))
            yield Text()
        yield Text(self._summary(), style="provtrack.summary")

    def _entry(self, line: TraceLine) -> RenderResult:
        badge, style = BADGES[line.status]
        head = Text()
        head.append(f"{para(line.index)} ", style="provtrack.position")
        head.append(f"{line.block.kind} ", style="provtrack.kind")
        head.append(badge, style=f"provtrack.badge {style}")
        yield head
        article, traced = self.result.article, self.result.version
        shown: list[tuple[str, Occurrence]] = []
        if line.origin is not None and not (traced is not None and line.origin.ref.commit == traced.commit):
            shown.append(("first: ", line.origin))
        if line.elsewhere is not None and line.elsewhere != line.origin:
            shown.append(("also in: ", line.elsewhere))
        details: list[RenderableType] = []
        for label, occ in shown:
            facts = occurrence_parts(occ, article=article)
            facts[0] = Text.assemble((label, "provtrack.label"), facts[0])  # `first:` never ends a line alone
            details.append(Joined(facts, "provtrack.meta"))
        named = len({o.ref.article for o in (line.origin, line.elsewhere) if o is not None} | {article} - {None})
        if line.articles > named:
            details.append(Text(f"also held by {plural(line.articles - named, 'more stored article')}",
                                style="provtrack.meta"))
        for detail in details:
            yield Gutter(_INDENT, detail)
        yield Gutter(_INDENT, safe_text(line.block.text))
        yield Text()

    def _summary(self) -> str:
        result = self.result
        parts = [f"{result.count('elsewhere')} found earlier in other articles",
                 f"{result.count('own')} first seen in this article",
                 f"{result.count('unknown')} with no known origin"]
        if result.article is None:
            parts.pop(1)
        return f"{plural(len(result.lines), 'block')}: " + ", ".join(parts)
