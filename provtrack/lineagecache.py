"""The lineage cache beside the store: the traced lineage of an article's versions, in segments.

The lineage of version N depends on every version before it, so `provtrack.provenance`
caches what it traced in `<git_dir>/provtrack/lineage/` (local, unversioned, like the other
files there). Versions are grouped in segments of `SEGMENT` consecutive positions (0-63,
64-127, ...); one file per segment, named after the commit of the segment's first version,
holds the lineage of every traced version of that segment:

- `commits`: the commit of each version the file covers, in order (the file fits the
  history exactly when they are the versions' commits);
- `steps`: per version, per block, either a number `o` (the block is the previous version's
  block `o`, unchanged, with its lineage) or `[origin, last_changed, edits, event, parents,
  restored_from]` (version numbers, with a `refs` table of version -> commit). The first
  version of a segment spells every block out, so a segment reads on its own;
- `trail` (in every TRAIL_EVERY-th file and in the file where tracing stopped): what is
  needed to continue tracing after the segment's last version (every block
  text seen so far and every whole-version text, by 128-bit hash, and the kind and text of
  the latest removed blocks, for finding them again when they come back edited).

A file is valid when it names the article, its first commit and the lineage code that made
it (`algorithm_id`, a hash of the differ's and tracer's source) and every commit it lists is
the version's commit at that position. Anything else is a miss and is rebuilt. The newest
segment grows: tracing later versions resumes from its trail and rewrites it with the new
versions added. A thousand versions make 16 files, written once each (writing one small
file per version cost more than all the diffs). Files are written to a temporary name and
renamed; a cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from provtrack import __version__
from provtrack.blame import EVENTS, Lineage, Seen, Step, Trail
from provtrack.store import Store, StoredVersion

__all__ = ["CACHE_SCHEMA", "SEGMENT", "LineageCache", "algorithm_id"]

CACHE_SCHEMA = "provtrack.lineage-cache/3"
#: Versions per cache file (and so the most diffs a resume can need).
SEGMENT = 64
#: Every this many segments a file keeps the trail (what resuming needs), as does the file that
#: ends where tracing stopped; a trail grows with the history, so writing one per file would make
#: the first blame's writes quadratic. A lost file costs at most this many segments of re-tracing.
TRAIL_EVERY = 4
#: The code a cached lineage depends on; a change to any of them makes old files stale.
_LINEAGE_CODE = ("provtrack.blame", "provtrack.blame_departed", "provtrack.diff", "provtrack.diff_rejoin",
                 "provtrack.align", "provtrack.diff_seq", "provtrack.diff_similar", "provtrack.diff_tokens",
                 "provtrack.diff_words", "provtrack.model", "provtrack.blockfile")


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


@dataclass
class _Segment:
    """The traced versions of one segment: steps from its first position on, and the trail after the last."""

    start: int
    steps: list[Step]
    trail: Trail | None

    @property
    def end(self) -> int:
        return self.start + len(self.steps) - 1


class LineageCache:
    """Segment files of one article's lineage; every failure to read one is a miss, to write one is ignored."""

    def __init__(self, store: Store, versions: Sequence[StoredVersion], *, read: bool = True,
                 write: bool = True) -> None:
        self.versions = versions
        self.position_of = {v.ref.version: p for p, v in enumerate(versions)}
        self.read, self.write = read, write
        self.folder = store.git_dir / "provtrack" / "lineage"
        self._number = [v.ref.version for v in versions]  # position -> version number
        self._segments: dict[int, _Segment | None] = {}  # segment index -> what its file held
        self._pending: _Segment | None = None  # the segment being traced, written when complete

    # -- reading ----------------------------------------------------------------------------

    def step(self, position: int) -> Step | None:
        """The cached lineage of the version at *position*, if there is a valid one."""
        segment = self._segment(position // SEGMENT)
        if segment is None or segment.end < position:
            return None
        return segment.steps[position - segment.start]

    def trail_before(self, position: int) -> Trail | None:
        """The newest cached trail after a version earlier than *position* (where tracing can resume)."""
        for index in range(position // SEGMENT, -1, -1):
            segment = self._segment(index)
            if segment is not None and segment.trail is not None and segment.end < position:
                return segment.trail
        return None

    def _path(self, index: int) -> Path:
        return self.folder / f"{self.versions[index * SEGMENT].ref.commit}.json"

    def _header(self, index: int) -> dict[str, Any]:
        ref = self.versions[index * SEGMENT].ref
        return {"schema": CACHE_SCHEMA, "algorithm": algorithm_id(), "article": ref.article,
                "version": ref.version, "commit": ref.commit}

    def _segment(self, index: int) -> _Segment | None:
        if index not in self._segments:
            self._segments[index] = self._load(index) if self.read and index * SEGMENT < len(self.versions) else None
        return self._segments[index]

    def _load(self, index: int) -> _Segment | None:
        try:
            data = json.loads(self._path(index).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or any(data.get(k) != v for k, v in self._header(index).items()):
            return None  # stale: another commit, article or lineage code
        try:
            return self._decode(index * SEGMENT, data)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None

    def _position(self, version: Any, upto: int) -> int:
        position = self.position_of[int(version)]
        if position > upto:
            raise ValueError("a cached lineage names a later version")
        return position

    def _decode(self, start: int, data: dict[str, Any]) -> _Segment | None:
        commits = data["commits"]
        if not commits or len(commits) > SEGMENT or start + len(commits) > len(self.versions):
            return None
        if any(self.versions[start + k].ref.commit != c for k, c in enumerate(commits)):
            return None
        end = start + len(commits) - 1
        for version, commit in data["refs"].items():
            if self.versions[self._position(version, end)].ref.commit != commit:
                return None
        steps: list[Step] = []
        for k, rows in enumerate(data["steps"]):
            position = start + k
            previous = steps[-1] if steps else None
            lineage: list[Lineage[int]] = []
            parents: list[tuple[int, ...]] = []
            events: list[str] = []
            restored: list[int | None] = []
            for row in rows:
                if isinstance(row, int):  # unchanged: the previous version's block `row`
                    if previous is None:
                        return None
                    lineage.append(previous.lineage[row])
                    parents.append((row,))
                    events.append("unchanged")
                    restored.append(None)
                    continue
                o, lc, e, ev, up, rf = row
                origin, last = self._position(o, position), self._position(lc, position)
                if ev not in EVENTS or not 0 <= origin <= last <= position or int(e) < 0:
                    return None
                up = tuple(int(i) for i in up)
                if min(up, default=0) < 0:
                    return None
                lineage.append(Lineage(origin, last, int(e)))
                parents.append(up)
                events.append(str(ev))
                restored.append(None if rf is None else self._position(rf, position))
            steps.append(Step(position, tuple(lineage), tuple(parents), tuple(events), tuple(restored)))
        if len(steps) != len(commits):
            return None
        trail = None
        if isinstance(data.get("trail"), dict):
            seen = {str(tid): Seen(self._position(o, end), self._position(lc, end), int(e), self._position(lp, end))
                    for tid, (o, lc, e, lp) in data["trail"]["seen"].items()}
            texts = {str(vid): self._position(v, end) for vid, v in data["trail"]["texts"].items()}
            departed = {str(tid): (str(kind), str(key)) for tid, kind, key in data["trail"]["departed"]}
            trail = Trail(steps[-1], seen, texts, departed)
        return _Segment(start, steps, trail)

    # -- writing ----------------------------------------------------------------------------

    def begin(self, position: int) -> None:
        """Tracing is about to continue at *position*: start from the steps its segment already holds."""
        index = position // SEGMENT
        known = self._segment(index) if position % SEGMENT else None
        steps = list(known.steps[:position - known.start]) if known is not None else []
        self._pending = _Segment(index * SEGMENT, steps, None)

    def add(self, step: Step) -> bool:
        """Record the next traced step; True when its segment is now complete (call `finish` with the trail)."""
        if self._pending is None or self._pending.start + len(self._pending.steps) != step.position:
            self.begin(step.position)
        assert self._pending is not None
        self._pending.steps.append(step)
        return (step.position + 1) % SEGMENT == 0

    def keeps_trail(self, position: int, upto: int) -> bool:
        """Whether the segment ending at *position* stores its trail, tracing having stopped at *upto*."""
        return position == upto or (position // SEGMENT) % TRAIL_EVERY == 0

    def finish(self, trail: Trail | None) -> None:
        """Write the segment being traced, with the trail after its last step if given; never raises for I/O."""
        segment, self._pending = self._pending, None
        if segment is None or not segment.steps:
            return
        segment.trail = trail
        index = segment.start // SEGMENT
        self._segments[index] = segment
        if self.write:
            self._put(self._path(index), json.dumps({**self._header(index), **self._encode(segment)},
                                                    separators=(",", ":")))

    def _encode(self, segment: _Segment) -> dict[str, Any]:
        number = self._number
        used: set[int] = set()
        steps: list[list[Any]] = []
        previous: Step | None = None
        for step in segment.steps:
            rows: list[Any] = []
            before = previous.lineage if previous is not None else ()
            for lin, event, parents, rf in zip(step.lineage, step.events, step.parents, step.restored_from):
                if event == "unchanged" and len(parents) == 1 and parents[0] < len(before) and rf is None:
                    kept = before[parents[0]]
                    if kept is lin or kept == lin:  # the tracer hands an unchanged block its parent's object
                        rows.append(parents[0])
                        continue
                used.update((lin.origin, lin.last_changed) if rf is None else (lin.origin, lin.last_changed, rf))
                rows.append([number[lin.origin], number[lin.last_changed], lin.edits, event, list(parents),
                             None if rf is None else number[rf]])
            steps.append(rows)
            previous = step
        trail = segment.trail
        encoded: dict[str, Any] = {"steps": steps}
        if trail is not None:
            used.update(p for s in trail.seen.values() for p in (s.origin, s.last_changed, s.last_present))
            used.update(trail.texts.values())
            encoded["trail"] = {
                "seen": {tid: [number[s.origin], number[s.last_changed], s.edits, number[s.last_present]]
                         for tid, s in trail.seen.items()},
                "texts": {vid: number[p] for vid, p in trail.texts.items()},
                "departed": [[tid, kind, key] for tid, (kind, key) in trail.departed.items()]}
        return {"commits": [self.versions[p].ref.commit for p in range(segment.start, segment.end + 1)],
                "refs": {str(number[p]): self.versions[p].ref.commit for p in sorted(used)}, **encoded}

    def _put(self, path: Path, text: str) -> None:
        """Write one file under a temporary name, then rename it; a failure only costs the cache."""
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
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
