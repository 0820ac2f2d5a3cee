"""Suspect fetches: pages whose extracted text collapsed (paywall, consent wall, error page served as 200).

A fetch whose text is drastically shorter than the article's latest version is not stored
as a new version, which every diff and blame would then read as mass deletions followed
by mass restorations. It is kept as evidence instead, in its own commit under
`suspect/<hh>/<article-id>/<fetch-time>/` (the fetch record, the extracted blocks and the
raw bytes), and `log` and `diff` say that it happened. If the article really was cut,
`snapshot --accept-shorter` stores the page as a version after all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from provtrack.blockfile import BLOCKS_FILE, dump_blocks
from provtrack.model import Block, SnapshotRef

if TYPE_CHECKING:
    from provtrack.store import Store
    from provtrack.tracker import Source

__all__ = ["MIN_WORDS", "SHRINK", "SIGNALS", "SIGNAL_SHRINK", "SuspectFetch", "record_suspect", "shrinkage", "suspect_record", "suspect_fetches"]

#: below this many words in the latest version, a shorter page is not judged
MIN_WORDS = 80
#: a page keeping less than this share of the latest version's words is suspect
SHRINK = 0.5
#: extractor signals (see provtrack.extract_signals) that make a smaller loss suspect too...
SIGNALS = ("paywall", "consent", "error-page", "no-body", "truncated")
#: ...when the page keeps less than this share of the words
SIGNAL_SHRINK = 0.9
FETCH_FILE = "fetch.json"
SUSPECT_DIR = "suspect"


def word_count(blocks: Sequence[Block]) -> int:
    return sum(len(block.text.split()) for block in blocks)


def shrinkage(previous: Sequence[Block], current: Sequence[Block], *, version: int,
              signals: Sequence[str] = ()) -> str | None:
    """Why a page extracted as *current* looks like a failed extraction of *previous* (vN), or None.

    Suspect: less than half the words of vN; or fewer words than vN with a page signal
    (paywall, consent wall, error page, truncated or missing body) and under 90 % of them.
    A page holding as much text as vN is never suspect, whatever its signals.
    """
    before, after = word_count(previous), word_count(current)
    flagged = [s for s in SIGNALS if s in signals]
    if before < MIN_WORDS or (after >= SHRINK * before and not (flagged and after < SIGNAL_SHRINK * before)):
        return None
    lost = round(100 * (before - after) / before)
    why = f"the page shows signs of: {', '.join(flagged)}" if flagged else "a paywall, consent or error page?"
    return f"text {lost}% shorter than v{version} ({after} words against {before}): {why}"


@dataclass(frozen=True)
class SuspectFetch:
    """One fetch kept as evidence but not stored as a version."""

    article: str
    fetched_at: str
    url: str
    commit: str
    reason: str
    compared_with: int  # the version it was judged against

    def to_json(self) -> dict[str, Any]:
        return {"article": self.article, "fetched_at": self.fetched_at, "url": self.url, "commit": self.commit,
                "reason": self.reason, "compared_with": self.compared_with}


def _folder(article: str) -> str:
    from provtrack.store import article_dir  # the store's sharding, kept in one place

    return f"{SUSPECT_DIR}/{article_dir(article).split('/', 1)[1]}"


def suspect_record(source: Source, *, article: str, url: str, reason: str, latest: SnapshotRef,
                   raw_name: str | None, meta: dict[str, Any]) -> tuple[str, dict[str, bytes], str]:
    """(folder, files, commit message) of a suspect fetch: its meta.json-style record, blocks, raw bytes."""
    record, document = source.record, source.document
    stamp = record.fetched_at.replace(":", "").replace("-", "").replace("+0000", "Z")
    folder = f"{_folder(article)}/{stamp}"
    fetch = {**meta, "suspect": {"reason": reason, "compared_with": latest.version, "compared_commit": latest.commit}}
    files = {FETCH_FILE: (json.dumps(fetch, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
             BLOCKS_FILE: dump_blocks(document.blocks).encode("utf-8")}
    if raw_name:
        files[raw_name] = record.raw
    message = (f"{article}: suspect fetch, not a version ({reason.split(':')[0]})\n\n{reason}\n{url}\n\n"
               f"Provtrack-Suspect: {article}\nProvtrack-Compared-With: {latest.version}\n"
               f"Provtrack-URL: {url}\nProvtrack-Fetched-At: {record.fetched_at}\n"
               f"Provtrack-Raw-SHA256: {record.sha256}\n")
    return folder, files, message


def record_suspect(store: Store, source: Source, *, article: str, url: str, reason: str, latest: SnapshotRef,
                   raw_name: str | None, meta: dict[str, Any]) -> SuspectFetch:
    """Commit a suspect fetch (see `suspect_record`); call under the store lock."""
    folder, files, message = suspect_record(source, article=article, url=url, reason=reason, latest=latest,
                                            raw_name=raw_name, meta=meta)
    commit = store.write_files(folder, files, message=message, date=source.record.fetched_at)
    return SuspectFetch(article, source.record.fetched_at, url, commit, reason, latest.version)


def suspect_fetches(store: Store, article: str) -> list[SuspectFetch]:
    """Suspect fetches kept for *article*, oldest first."""
    return sorted(_read(store, article), key=lambda s: s.fetched_at)


def _read(store: Store, article: str) -> Iterator[SuspectFetch]:
    head = store.head()
    if head is None:
        return
    from git import GitCommandError  # only the store's callers reach here

    try:  # one cheap lookup spares a walk of the whole history for the many articles without any
        store.repo.git.rev_parse("--verify", "--quiet", f"{head}:{_folder(article)}")
    except GitCommandError:
        return
    log = store.repo.git.log("--format=%H%x1f%B%x1e", "main", "--", _folder(article))
    for record in log.split("\x1e"):
        commit, sep, message = record.strip().partition("\x1f")
        if not sep:
            continue
        trailers = dict(line.split(": ", 1) for line in message.splitlines() if line.startswith("Provtrack-")
                        and ": " in line)
        if trailers.get("Provtrack-Suspect") != article:
            continue
        reason = next((line for line in message.splitlines()[1:] if line.strip()), "")
        compared = trailers.get("Provtrack-Compared-With", "0")
        yield SuspectFetch(article, trailers.get("Provtrack-Fetched-At", ""), trailers.get("Provtrack-URL", ""),
                           commit, reason, int(compared) if compared.isdigit() else 0)
