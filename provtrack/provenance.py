"""Blame and paragraph history of stored versions, with a lineage cache beside the store.

`blame(store, "ARTICLE@REV")` gives every block of a version its origin, last change and
edit count; `paragraph_history(store, "ARTICLE@REV", BLOCK)` gives the life of one block.
Nothing here prints.

The lineage of version N depends on every version before it. What was traced is cached
beside the store (`provtrack.lineagecache`), so the first blame costs one diff per version
(diffs without word-level detail: tracing needs only which block became which) and later
ones a file read; tracing a version the cache lacks resumes from the nearest earlier trail
and diffs forward from there.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Callable, Iterator, Sequence

from provtrack.blame import Blame, BlameLine, HistoryEvent, Lineage, Moment, ParagraphHistory, Step, Trail, Tracer, walk
from provtrack.diff import TextMemo, diff_blocks
from provtrack.errors import NotFoundError, UsageError
from provtrack.lineagecache import LineageCache, algorithm_id
from provtrack.model import Block, Change, SnapshotRef, normalize_text
from provtrack.store import Store, StoredVersion
from provtrack.urls import split_spec

__all__ = ["algorithm_id", "blame", "paragraph_history", "select_block"]

_PARAGRAPH = re.compile(r"^(?:¶|[pP])\s*([0-9]+)$")


class _Lineages:
    """The step of any version: memoised, else from the cache, else traced forward from the nearest saved trail."""

    def __init__(self, store: Store, versions: Sequence[StoredVersion], cache: LineageCache) -> None:
        self.store, self.versions, self.cache = store, versions, cache
        self.memo: dict[int, Step] = {}

    def __call__(self, position: int) -> Step:
        if position not in self.memo:
            step = self.cache.step(position)
            if step is None:
                self._trace_to(position)
            else:
                self.memo[position] = step
        return self.memo[position]

    def _trace_to(self, position: int) -> None:
        for step in self._forward(self.cache.trail_before(position), position):
            self.memo[step.position] = step

    def _forward(self, start: Trail | None, upto: int) -> Iterator[Step]:
        """Diff consecutive versions from after *start* to *upto*, caching their lineage segment by segment."""
        tracer = Tracer(start, recall=self)
        memo = TextMemo()  # consecutive versions share most texts: normalise and tokenise each once
        first = tracer.position
        self.cache.begin(first)
        read = self.store.read_many_blocks([v.ref for v in self.versions[max(first - 1, 0):upto + 1]])
        previous = next(read) if first else None
        for position, blocks in zip(range(first, upto + 1), read):
            changes: Sequence[Change] | None = None
            if previous is not None:
                changes = () if blocks == previous else diff_blocks(previous, blocks, memo=memo, detail=False)
            step = tracer.step(blocks, changes)
            if self.cache.add(step) or position == upto:
                self.cache.finish(tracer.trail() if self.cache.keeps_trail(position, upto) else None)
            yield step
            previous = blocks


# -- services ---------------------------------------------------------------------------------

def _locate(store: Store, spec: str) -> tuple[list[StoredVersion], int]:
    """Every version of the article `ARTICLE[@REV]` names, and the position of that version among them."""
    name, rev = split_spec(spec)
    article = store.resolve_article(name)
    versions = store.versions(article)
    if versions and rev in (None, "latest", "head"):  # what store.resolve says, without listing versions again
        return versions, len(versions) - 1
    version = store.resolve(article, rev)
    return versions, next(p for p, v in enumerate(versions) if v.ref.commit == version.ref.commit)


def _lineages(store: Store, versions: list[StoredVersion], *, use_cache: bool) -> _Lineages:
    return _Lineages(store, versions, LineageCache(store, versions, read=use_cache, write=use_cache))


def _checked(store: Store, versions: list[StoredVersion], position: int, blocks: Sequence[Block],
             use_cache: bool) -> _Lineages:
    """Lineages whose step at *position* fits *blocks*; a cached one that does not is traced again."""
    lineages = _lineages(store, versions, use_cache=use_cache)
    if len(lineages(position).lineage) != len(blocks):
        lineages = _Lineages(store, versions, LineageCache(store, versions, read=False, write=use_cache))
    return lineages


def _as_refs(lin: Lineage[int], refs: Sequence[SnapshotRef]) -> Lineage[SnapshotRef]:
    return Lineage(refs[lin.origin], refs[lin.last_changed], lin.edits)


def _article_url(store: Store, ref: SnapshotRef) -> str:
    return str(store.read_meta(ref).get("article_url") or ref.url)


def blame(store: Store, spec: str, *, use_cache: bool = True) -> Blame:
    """Origin, last change and edit count of every block of the version `ARTICLE[@REV]` names (default latest).

    Args:
        use_cache: read and write the lineage cache; False traces the whole history afresh.
    """
    versions, position = _locate(store, spec)
    ref = versions[position].ref
    blocks = store.read_blocks(ref)
    step = _checked(store, versions, position, blocks, use_cache)(position)
    refs = [v.ref for v in versions]
    lines = tuple(BlameLine(i, block, _as_refs(lin, refs)) for i, (block, lin) in enumerate(zip(blocks, step.lineage)))
    return Blame(ref, _article_url(store, ref), lines, versions[0].ref.version)


def paragraph_history(store: Store, spec: str, selector: str, *, use_cache: bool = True) -> ParagraphHistory:
    """The life of one block of `ARTICLE[@REV]`: every version where its lineage began, changed, moved, left or came back.

    *selector* is a 0-based index, a paragraph number `¶3`/`p3` (1-based), or a fragment of the text.
    """
    versions, position = _locate(store, spec)
    refs = [v.ref for v in versions]

    @functools.cache
    def blocks_at(p: int) -> tuple[Block, ...]:
        return store.read_blocks(refs[p])

    blocks = blocks_at(position)
    index = select_block(blocks, selector, version=refs[position].version)
    lineages = _checked(store, versions, position, blocks, use_cache)
    try:
        events = _life(lineages, blocks_at, refs, position, index)
    except (IndexError, KeyError):  # a cached lineage that does not fit the stored versions
        if not use_cache:
            raise
        lineages = _Lineages(store, versions, LineageCache(store, versions, read=False))
        events = _life(lineages, blocks_at, refs, position, index)
    return ParagraphHistory(refs[position], _article_url(store, refs[position]), index, blocks[index],
                            _as_refs(lineages(position).lineage[index], refs), tuple(events))


def _life(lineages: _Lineages, blocks_at: Callable[[int], tuple[Block, ...]], refs: Sequence[SnapshotRef],
          position: int, index: int) -> list[HistoryEvent]:
    events: list[HistoryEvent] = []
    for moment in walk(lineages, blocks_at, position, index):
        events.extend(_events(moment, lineages(moment.position), blocks_at, refs))
    return events


def _events(moment: Moment, step: Step, blocks_at: Callable[[int], tuple[Block, ...]],
            refs: Sequence[SnapshotRef]) -> list[HistoryEvent]:
    """The differ's changes at one moment of a lineage, labelled with what they meant for it."""
    pos, ref = moment.position, refs[moment.position]
    blocks = blocks_at(pos)
    if pos == 0:
        return [HistoryEvent("added", ref, None, Change("added", blocks[n].kind, (), (n,), None, blocks[n].text))
                for n in moment.new]
    previous = refs[pos - 1]
    tracked, ended = set(moment.new), set(moment.ended)
    events = []
    for change in diff_blocks(blocks_at(pos - 1), blocks):
        hits = [n for n in change.new_indices if n in tracked]
        if change.kind in ("added", "duplicated") and hits:
            for n in hits:  # the tracer may know better: restored text, or a short block reordered
                event, text = step.events[n], blocks[n].text
                if event == "restored":
                    source = step.restored_from[n]
                    events.append(HistoryEvent("restored", ref, previous,
                                               Change("added", blocks[n].kind, (), (n,), None, text),
                                               refs[source] if source is not None else None))
                elif event == "moved" and change.kind == "added":
                    events.append(HistoryEvent("moved", ref, previous, Change(
                        "moved", blocks[n].kind, step.parents[n], (n,), text, text, similarity=1.0)))
                else:
                    events.append(HistoryEvent(change.kind, ref, previous,
                                               replace(change, new_indices=(n,)) if len(hits) > 1 else change))
        elif hits:
            events.append(HistoryEvent(change.kind, ref, previous, change))
        elif change.kind != "duplicated" and ended & set(change.old_indices):
            events.append(HistoryEvent("removed", ref, previous, change))
    return events


def select_block(blocks: Sequence[Block], selector: str, *, version: int) -> int:
    """The 0-based index of the block *selector* names in a version's *blocks*.

    `3` is an index (0-based, as in JSON); `¶4` or `p4` a paragraph number (1-based, as the
    terminal views print them); anything else a case-insensitive fragment of exactly one
    block's text (quote styles, dashes and spacing as in the diff's comparison key).
    """
    text = selector.strip()
    if re.fullmatch(r"[0-9]+", text):
        index = int(text)
    elif match := _PARAGRAPH.match(text):
        if int(match.group(1)) == 0:
            raise UsageError("paragraph numbers count from 1: ¶1 is the first block (index 0)")
        index = int(match.group(1)) - 1
    else:
        needle = normalize_text(text).casefold()
        if not needle:
            raise UsageError("BLOCK must be an index (0-based), a paragraph number such as ¶3, or part of a block's text")
        found = [i for i, block in enumerate(blocks) if needle in block.key.casefold()]
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFoundError(f"no block of v{version} contains {text!r}")
        listed = "; ".join(f"¶{i + 1} (index {i}) {_excerpt(blocks[i].text)}" for i in found[:5])
        more = f"; and {len(found) - 5} more" if len(found) > 5 else ""
        raise UsageError(f"{text!r} is in {len(found)} blocks of v{version}: {listed}{more}. "
                         f"Give more of the text, or the block's index")
    if index >= len(blocks):
        raise NotFoundError(f"v{version} has {len(blocks)} blocks: index 0 to {len(blocks) - 1} "
                            f"(¶1 to ¶{len(blocks)}), not {text}")
    return index


def _excerpt(text: str, width: int = 48) -> str:
    flat = " ".join(text.split())
    return f"“{flat}”" if len(flat) <= width else f"“{flat[:width - 1].rstrip()}…”"
