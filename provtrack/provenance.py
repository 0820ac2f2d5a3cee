"""Blame and paragraph history of stored versions, with a lineage cache beside the store.

`blame(store, "ARTICLE@REV")` gives every block of a version its origin, last change and
edit count; `paragraph_history(store, "ARTICLE@REV", BLOCK)` gives the life of one block.
Nothing here prints.

The lineage of version N depends on every version before it, so it is cached per commit
in `<git_dir>/provtrack/lineage/` (local, unversioned, like the other files there):

- `<commit>.json`, one per traced version: for each block its origin and last change
  (version numbers, with a `refs` table of version -> commit), edits, what happened to it
  in that version and which blocks of the previous version it came from;
- `<commit>.trail.json`, at the newest traced version and every `CHECKPOINT_EVERY`
  versions: the same plus what is needed to continue tracing from there (every block
  text seen so far and every whole-version text, by 128-bit hash).

A commit fixes the article's whole history up to it, so a file is valid exactly when it
names the version's commit, article and number and was made by the same lineage code
(`algorithm_id`, a hash of the differ's and tracer's source). Anything else is a miss and
is rebuilt. Tracing a version that has no file resumes from the nearest earlier trail
and diffs forward from there, writing files as it goes, so the first blame costs one diff
per version and later ones a file read. Files are written to a temporary name and renamed;
a cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import queue
import re
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from provtrack import __version__
from provtrack.blame import (EVENTS, Blame, BlameLine, HistoryEvent, Lineage, Moment, ParagraphHistory, Seen,
                             Step, Trail, Tracer, walk)
from provtrack.diff import TextMemo, diff_blocks
from provtrack.errors import NotFoundError, UsageError
from provtrack.model import Block, Change, SnapshotRef, normalize_text
from provtrack.store import Store, StoredVersion
from provtrack.tracker import split_spec

CACHE_SCHEMA = "provtrack.lineage-cache/1"
#: A trail (the state to resume from) is saved at every this-many-th version and at the newest traced one.
CHECKPOINT_EVERY = 64
#: The code a cached lineage depends on; a change to any of them makes old files stale.
_LINEAGE_CODE = ("provtrack.blame", "provtrack.diff", "provtrack.align", "provtrack.diff_seq",
                 "provtrack.diff_similar", "provtrack.diff_tokens", "provtrack.diff_words", "provtrack.model",
                 "provtrack.blockfile")
_PARAGRAPH = re.compile(r"^(?:¶|[pP])\s*([0-9]+)$")


@functools.cache
def algorithm_id() -> str:
    """A fingerprint of the lineage code (provtrack version plus the source of the differ and tracer)."""
    digest = hashlib.sha256(__version__.encode())
    for name in _LINEAGE_CODE:
        try:
            spec = importlib.util.find_spec(name)
            digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
        except (OSError, ImportError, ValueError):
            digest.update(name.encode())
    return digest.hexdigest()[:20]


# -- the cache --------------------------------------------------------------------------------

class LineageCache:
    """Per-commit lineage files of one article; every failure to read one is a miss, to write one is ignored."""

    def __init__(self, store: Store, versions: Sequence[StoredVersion], *, read: bool = True,
                 write: bool = True) -> None:
        self.versions = versions
        self.position_of = {v.ref.version: p for p, v in enumerate(versions)}
        self.read, self.write = read, write
        self.folder = store.git_dir / "provtrack" / "lineage"
        self._number = [v.ref.version for v in versions]  # position -> version number
        self._made = False  # whether the folder is known to exist
        self._queue: queue.SimpleQueue[tuple[Path, str] | None] | None = None  # see `writing`

    def _path(self, position: int, suffix: str) -> Path:
        return self.folder / f"{self.versions[position].ref.commit}{suffix}"

    def _header(self, position: int) -> dict[str, Any]:
        ref = self.versions[position].ref
        return {"schema": CACHE_SCHEMA, "algorithm": algorithm_id(), "article": ref.article,
                "version": ref.version, "commit": ref.commit}

    def _load(self, position: int, suffix: str) -> dict[str, Any] | None:
        if not self.read:
            return None
        try:
            data = json.loads(self._path(position, suffix).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        header = self._header(position)
        if not isinstance(data, dict) or any(data.get(k) != v for k, v in header.items()):
            return None  # stale: another commit, article, version or lineage code
        return data

    def _position(self, version: Any, upto: int) -> int:
        position = self.position_of[version]
        if position > upto:
            raise ValueError("a cached lineage names a later version")
        return position

    def step(self, position: int) -> Step | None:
        """The cached lineage of the version at *position*, if there is a valid one."""
        for suffix in (".json", ".trail.json"):  # a trail holds the step too
            data = self._load(position, suffix)
            step = None if data is None else self._step(position, data)
            if step is not None:
                return step
        return None

    def _step(self, position: int, data: dict[str, Any]) -> Step | None:
        try:
            refs = data["refs"]
            for version, commit in refs.items():
                if self.versions[self._position(int(version), position)].ref.commit != commit:
                    return None
            rows = [(self._position(o, position), self._position(lc, position), int(e), str(ev),
                     tuple(int(i) for i in parents), None if rf is None else self._position(rf, position))
                    for o, lc, e, ev, parents, rf in data["blocks"]]
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        if any(ev not in EVENTS or not 0 <= o <= lc <= position or e < 0 or min(up, default=0) < 0
               for o, lc, e, ev, up, _ in rows):
            return None
        return Step(position, tuple(Lineage(o, lc, e) for o, lc, e, *_ in rows), tuple(r[4] for r in rows),
                    tuple(r[3] for r in rows), tuple(r[5] for r in rows))

    def has_trail(self, position: int) -> bool:
        return self.read and self._path(position, ".trail.json").exists()

    def trail(self, position: int) -> Trail | None:
        """The saved state after the version at *position*, if valid."""
        data = self._load(position, ".trail.json")
        step = None if data is None else self._step(position, data)
        if data is None or step is None:
            return None
        try:
            seen = {str(tid): Seen(self._position(o, position), self._position(lc, position), int(e),
                                   self._position(lp, position))
                    for tid, (o, lc, e, lp) in data["seen"].items()}
            texts = {str(vid): self._position(v, position) for vid, v in data["texts"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return Trail(step, seen, texts)

    def save(self, step: Step, trail: Trail | None = None) -> None:
        """Write the lineage of one version (and the trail to resume from it); never raises for I/O."""
        if not self.write:
            return
        number = self._number
        used = {lin.origin for lin in step.lineage}
        used.update([lin.last_changed for lin in step.lineage])
        used.update([p for p in step.restored_from if p is not None])
        data = {**self._header(step.position),
                "refs": {str(number[p]): self.versions[p].ref.commit for p in sorted(used)},
                "blocks": [[number[lin.origin], number[lin.last_changed], lin.edits, event, list(parents),
                            None if rf is None else number[rf]]
                           for lin, event, parents, rf in zip(step.lineage, step.events, step.parents,
                                                              step.restored_from)]}
        files = [(self._path(step.position, ".json"), data)]
        if trail is not None:
            seen = {tid: [number[s.origin], number[s.last_changed], s.edits, number[s.last_present]]
                    for tid, s in trail.seen.items()}
            texts = {vid: number[p] for vid, p in trail.texts.items()}
            files.append((self._path(step.position, ".trail.json"), {**data, "seen": seen, "texts": texts}))
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._made = True
        except OSError:
            return  # only a cache
        for path, content in files:
            text = json.dumps(content, separators=(",", ":"))  # in C; json.dump to a file would not be
            if self._queue is not None:
                self._queue.put((path, text))
            else:
                self._put(path, text)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Within this block `save` hands files to a background thread, so creating them overlaps tracing."""
        if not self.write or self._queue is not None:
            yield
            return
        self._queue = queue.SimpleQueue()
        worker = threading.Thread(target=self._drain, args=(self._queue,), name="provtrack-lineage-cache",
                                  daemon=True)
        worker.start()
        try:
            yield
        finally:
            self._queue.put(None)
            self._queue = None
            worker.join()

    def _drain(self, jobs: queue.SimpleQueue[tuple[Path, str] | None]) -> None:
        while (job := jobs.get()) is not None:
            self._put(*job)

    def _put(self, path: Path, text: str) -> None:
        """Write one file under a temporary name, then rename it; a failure only costs the cache."""
        temporary = None
        try:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder, prefix=f".{path.name}.",
                                             suffix=".tmp", delete=False) as handle:
                temporary = handle.name
                handle.write(text)
            os.replace(temporary, path)
            temporary = None
        except OSError:
            pass
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


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
        start = None
        for earlier in range(position - 1, -1, -1):
            if self.cache.has_trail(earlier) and (start := self.cache.trail(earlier)) is not None:
                break
        with self.cache.writing():
            for step in self._forward(start, position):
                self.memo[step.position] = step

    def _forward(self, start: Trail | None, upto: int) -> Iterator[Step]:
        """Diff consecutive versions from after *start* to *upto*, saving each one's lineage."""
        tracer = Tracer(start, recall=self)
        memo = TextMemo()  # consecutive versions share most texts: normalise and tokenise each once
        first = tracer.position
        previous = self.store.read_blocks(self.versions[first - 1].ref) if first else None
        for position in range(first, upto + 1):
            blocks = self.store.read_blocks(self.versions[position].ref)
            changes: Sequence[Change] | None = None
            if previous is not None:
                changes = () if blocks == previous else diff_blocks(previous, blocks, memo=memo)
            step = tracer.step(blocks, changes)
            checkpoint = position == upto or (position + 1) % CHECKPOINT_EVERY == 0
            self.cache.save(step, tracer.trail() if checkpoint else None)
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
