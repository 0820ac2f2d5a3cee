"""Operations the CLI calls: snapshot a source, compare versions with provenance, read history.

Each function is one library call for one command: it wires fetch -> extract -> store ->
diff/blame together and returns values for the renderers. Nothing here prints. Reading a
source and `compare` (no store) live in `provtrack.sources` and are re-exported here.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from provtrack import __version__
from provtrack.diff import compute_diff, diff_blocks
from provtrack.errors import NotFoundError, ProvtrackError, StoreError, UsageError
from provtrack.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION
from provtrack.model import (
    CHANGE_KINDS, Block, Change, Diff, change_summary, Document, FetchRecord, Metadata, Side, SnapshotRef, VersionInfo,
    sha256_hex, summary_line,
)
from provtrack.blockfile import BLOCKS_FILE, META_FILE, dump_blocks
from provtrack.sources import Source, compare, load_source  # noqa: F401  (re-exported: callers import them from here)
from provtrack.suspect import SuspectFetch, record_suspect, shrinkage, suspect_fetches
from provtrack.timeutil import normalize_timestamp, parse_timestamp
from provtrack.urls import REV_SUFFIX, article_id, canonical_problem, clean_url, is_url, normalize_url, split_spec

if TYPE_CHECKING:  # the store (and gitpython) is imported only by commands that use one
    from provtrack.store import Store, StoredVersion

_RAW_EXT = {"html": "html", "markdown": "md", "text": "txt"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class SnapshotResult:
    """What `snapshot` did with one source."""

    article: str
    created: bool
    ref: SnapshotRef
    summary: dict[str, int]
    title: str | None
    location: str
    #: set when the page was kept as a suspect fetch instead of a version (see provtrack.suspect)
    suspect: SuspectFetch | None = None
    #: why the article is the one it is, or why the fetch was not logged as a check (one line each)
    notes: tuple[str, ...] = ()


def one_line(text: str | None) -> str:
    """Text safe for a single line of a commit message."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def _canonical(record: FetchRecord, document: Document) -> tuple[str | None, str | None]:
    """(the page's canonical link, absolute, if it can name the article; why a declared one cannot)."""
    canonical = document.metadata.canonical_url
    if not canonical:
        return None, None
    base = record.final_url or record.requested_url or ""
    try:  # the page's own markup: a malformed link is simply not a canonical link
        declared = clean_url(canonical)
        absolute = urljoin(base, declared) if base else declared
        if urlsplit(absolute).scheme not in ("http", "https") or not urlsplit(absolute).hostname:
            return None, None
    except (UsageError, ValueError):
        return None, f"canonical link ignored: it is malformed ({one_line(canonical)[:200]})"
    problem = canonical_problem(absolute, base or None)
    return (None, f"canonical link {absolute} ignored: {problem}") if problem else (absolute, None)


def usable_canonical(record: FetchRecord, document: Document) -> str | None:
    """The page's canonical link, absolute, when it names this page's article as `resolve_identity`
    decides it: one that can name an article, on the page's own site when the page has a URL."""
    canonical = _canonical(record, document)[0]
    page_url = record.final_url or record.requested_url
    if canonical and page_url and not same_site(canonical, page_url):
        return None  # a copy elsewhere declaring the original as canonical is not the original
    return canonical


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site (the same host, less `www.`, `m.`, `amp.` or `mobile.`)."""
    return _site(url) == _site(other)


#: a page sharing less than this much text with an article does not join it on its canonical link alone
MIN_SHARED_TEXT = 0.5


def shared_text(earlier: Sequence[Block], later: Sequence[Block]) -> float:
    """How much of the shorter text lies in the longer one: the share of its word 3-grams found there."""
    from provtrack.shingles import words

    a, b = (words(" ".join(block.text for block in blocks)) for blocks in (earlier, later))
    n = 3 if min(len(a), len(b)) >= 3 else 1
    grams_a, grams_b = ({tuple(w[i:i + n]) for i in range(len(w) - n + 1)} for w in (a, b))
    if not grams_a or not grams_b:
        return 1.0 if grams_a == grams_b else 0.0
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b))


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


@dataclass(frozen=True)
class Identity:
    """Which article a source is a version of, and why when that is not the obvious answer."""

    article: str
    url: str
    urls: list[str]
    notes: tuple[str, ...] = ()


def identify(store: Store, source: Source, *, url: str | None = None) -> tuple[str, str, list[str]]:
    """(article id, article URL, every URL seen) for a source: `resolve_identity` without the text check."""
    found = resolve_identity(store, source, url=url)
    return found.article, found.url, found.urls


def resolve_identity(store: Store, source: Source, *, url: str | None = None,
                     latest_blocks: Callable[[str], Sequence[Block] | None] | None = None) -> Identity:
    """Which article *source* is a version of.

    `--url` always decides the article. Otherwise an article already stored under the
    requested or final URL keeps its id, and a new one is named after the page's canonical
    link when it is on the same site as the page and can name an article (see
    `canonical_problem`; a copy on another site that declares the original as canonical is
    a different article), else after the final URL. With *latest_blocks* (an article's
    latest text), a page under a new URL whose canonical link names a stored article whose
    text it mostly does not share is kept apart as its own article, with a note saying why.
    """
    record = source.record
    page_url = record.final_url or record.requested_url
    transport = [u for u in (record.requested_url, record.final_url) if u]
    if url is not None:
        primary = check_article_url(url)
        return Identity(article_id(primary), primary, list(dict.fromkeys([primary, *transport])))
    canonical, ignored = _canonical(record, source.document)
    notes = (ignored,) if ignored else ()
    if page_url is None:
        if canonical is None:
            what = "stdin" if record.source_kind == "stdin" else record.location
            why = f" ({ignored})" if ignored else " (no canonical link)"
            raise UsageError(f"{what} does not say which article it is{why}: pass --url URL")
        primary = normalize_url(canonical)
        return Identity(store.find_article(primary) or article_id(primary), primary, [primary], notes)
    trusted = canonical if canonical and same_site(canonical, page_url) else None
    own = [normalize_url(u) for u in transport]
    primary = normalize_url(trusted or page_url)
    urls = list(dict.fromkeys([*transport, *own, *([primary] if trusted else [])]))
    found = store.find_article(*own)
    if found is None and trusted:
        found = store.find_article(primary)
        earlier = latest_blocks(found) if found and latest_blocks else None
        if found and earlier is not None:
            share = shared_text(earlier, source.document.blocks)
            if share < MIN_SHARED_TEXT:
                apart = normalize_url(page_url)
                note = (f"not filed under {found}: the page's canonical link {primary} names that article, but "
                        f"only {share:.0%} of the text is shared with its latest version; kept apart as its "
                        f"own article")
                return Identity(article_id(apart), apart, list(dict.fromkeys([*transport, *own])), (*notes, note))
    return Identity(found or article_id(primary), primary, urls, notes)


def check_article_url(url: str) -> str:
    """The normalised form of a user-given article URL; http(s) only, no credentials or control characters."""
    try:
        parts = urlsplit(clean_url(url))
    except ValueError:  # unbalanced [IPv6] brackets
        raise UsageError(f"--url is not a well-formed URL: {url!r}") from None
    if not is_url(url.strip()) or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url must be an http(s) URL, got {url!r}")
    if "@" in parts.netloc:
        raise UsageError("--url must not contain a user name or password (they would be archived)")
    return normalize_url(url)


# -- snapshot ---------------------------------------------------------------------------

def snapshot(store: Store, source_arg: str, *, url: str | None = None, at: str | None = None,
             keep_raw: bool = True, accept_shorter: bool = False, stdin: BinaryIO | None = None,
             **fetch_options: Any) -> SnapshotResult:
    """Fetch, extract and store one version of an article (or record that it is unchanged or suspect).

    Args:
        accept_shorter: store a page whose text collapsed against the latest version as a
            version anyway (by default it is kept as a suspect fetch, see provtrack.suspect).
    """
    if at is not None:
        if is_url(source_arg):
            raise UsageError("--at is for imports of saved files or stdin; a URL is fetched now")
        at = normalize_timestamp(at)
        if not _plausible(at):
            raise UsageError(f"--at {at} is outside the range of plausible fetch times (1971 to now)")
    source = load_source(source_arg, stdin=stdin, fetched_at=at, **fetch_options)
    record, document = source.record, source.document
    # a saved file without --at was fetched when it was last modified (as `import` has it)
    by_mtime = record.fetched_at_source == "file-mtime"
    if by_mtime and not _plausible(record.fetched_at):
        raise UsageError(f"{record.location} was last modified at {record.fetched_at}, outside the range of "
                         f"plausible fetch times (1971 to now): give its fetch time with --at")
    with store.locked():
        identity = resolve_identity(store, source, url=url, latest_blocks=lambda a: _latest_blocks(store, a))
        article, primary, urls = identity.article, identity.url, identity.urls
        previous = store.latest_meta(article)
        blocks_text = dump_blocks(document.blocks)
        check = {"article": article, "fetched_at": record.fetched_at, "location": record.location,
                 "status": record.status, "raw_sha256": record.sha256}
        if previous is not None:
            latest = store.latest(article)
            if latest is None:
                raise StoreError(f"{article} has a meta.json but no commit history; run `git fsck` in the store")
            prev_ref = latest.ref
            prev_blocks = store.read_blocks(prev_ref)
            # the same text is a check whatever its time (two fetches racing each other to the lock)
            if dump_blocks(prev_blocks) == blocks_text:
                if by_mtime:  # re-reading a saved copy says nothing about the live article now
                    notes: tuple[str, ...] = ("not logged as a check: a saved file re-read is no fetch of the "
                                              "live article (give --at if you know when it was fetched)",)
                else:
                    store.record_check({**check, "result": "unchanged", "version": prev_ref.version})
                    notes = ()
                return SnapshotResult(article, False, prev_ref, {k: 0 for k in CHANGE_KINDS},
                                      document.metadata.title, record.location, notes=notes)
            if parse_timestamp(record.fetched_at) < parse_timestamp(prev_ref.fetched_at):
                when = " (its modification time; give --at if it was fetched later)" if by_mtime else ""
                raise UsageError(f"{article} v{prev_ref.version} was fetched at {prev_ref.fetched_at}; a different "
                                 f"copy fetched earlier ({record.fetched_at}{when}) cannot be added after it")
            shrunk = shrinkage(prev_blocks, document.blocks, version=prev_ref.version, signals=document.signals)
            if shrunk and not accept_shorter:
                raw_name = f"raw.{_RAW_EXT.get(document.format, 'bin')}" if keep_raw else None
                meta = build_meta(source, article=article, article_url=previous.get("article_url") or primary,
                                  urls=urls, version=prev_ref.version, previous_commit=prev_ref.commit,
                                  first_fetched_at=str(previous.get("first_fetched_at") or record.fetched_at),
                                  summary={}, raw_name=raw_name, previous_title=previous.get("title"),
                                  tracked=tracked_url(previous))
                kept = record_suspect(store, source, article=article, url=record.requested_url or primary,
                                      reason=shrunk, latest=prev_ref, raw_name=raw_name, meta=meta)
                store.record_check({**check, "result": "suspect", "version": prev_ref.version, "reason": shrunk,
                                    "commit": kept.commit})
                return SnapshotResult(article, False, prev_ref, {k: 0 for k in CHANGE_KINDS},
                                      document.metadata.title, record.location, suspect=kept)
            # cosmetic edits are counted apart, never as substantive changes
            summary = change_summary(diff_blocks(prev_blocks, document.blocks), len(document.blocks),
                                     include_cosmetic=False, count_cosmetic=True)
            number = prev_ref.version + 1
            prev_commit: str | None = prev_ref.commit
            first_fetched = str(previous.get("first_fetched_at") or previous.get("fetched_at") or record.fetched_at)
            urls = list(dict.fromkeys([*previous.get("urls", []), *urls]))
            primary = previous.get("article_url") or primary
        else:
            summary = {k: 0 for k in CHANGE_KINDS} | {"added": len(document.blocks), "unchanged": 0}
            number, prev_commit, first_fetched, shrunk = 1, None, record.fetched_at, None
        raw_name = f"raw.{_RAW_EXT.get(document.format, 'bin')}" if keep_raw else None
        meta = build_meta(source, article=article, article_url=primary, urls=urls, version=number,
                          previous_commit=prev_commit, first_fetched_at=first_fetched, summary=summary,
                          raw_name=raw_name, previous_title=previous.get("title") if previous else None,
                          notes=identity.notes, tracked=tracked_url(previous) if previous else None)
        if previous is not None and shrunk:
            meta["accepted_shorter"] = shrunk  # --accept-shorter: the article really was cut
        files = {BLOCKS_FILE: blocks_text.encode("utf-8"),
                 META_FILE: (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
        if raw_name:
            files[raw_name] = record.raw
        message = commit_message(article, number, summary, document.metadata.title, primary, record)
        commit = store.write_version(article, files, message=message, date=record.fetched_at)
        store.record_check({**check, "result": "created", "version": number})
        ref = SnapshotRef(article, number, commit, record.fetched_at, record.requested_url or primary)
        index_version(store, ref, document.blocks)
    return SnapshotResult(article, True, ref, summary, document.metadata.title, record.location,
                          notes=identity.notes if number == 1 else ())


def _plausible(stamp: str) -> bool:
    """A fetch time from 1971 to a day from now (clocks drift; nothing was fetched before 1971)."""
    moment = parse_timestamp(stamp)
    return moment.year >= 1971 and moment <= datetime.now(timezone.utc) + timedelta(days=1)


def _latest_blocks(store: Store, article: str) -> tuple[Block, ...] | None:
    latest = store.latest(article)
    return store.read_blocks(latest.ref) if latest is not None else None


def index_version(store: Store, ref: SnapshotRef, blocks: Sequence[Block]) -> None:
    """Add a just-written version to the store's trace index (derived data: `trace` catches up if this fails)."""
    import sqlite3

    import git

    from provtrack.traceindex import TraceIndex

    try:
        TraceIndex(store).record(ref, blocks)
    except (ProvtrackError, sqlite3.Error, OSError, git.GitCommandError, ValueError):
        pass  # the version is committed; the index reads it from git on its next use


def tracked_url(meta: Mapping[str, Any]) -> str | None:
    """The URL `update` re-fetches for an article: the one requested when tracking began.

    That is `tracked_url`, kept from version 1 on. Versions written before it was recorded
    have the first URL seen for the article (version 1's requested URL, or its `--url`),
    else the article URL. None when the article has no http(s) URL (stdin without `--url`).
    """
    urls = meta.get("urls")
    if not isinstance(urls, list):
        urls = []
    for url in (meta.get("tracked_url"), *urls, meta.get("article_url"), meta.get("requested_url")):
        if isinstance(url, str) and _is_web_url(url):
            return url
    return None


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # unbalanced [IPv6] brackets
        return False


def build_meta(source: Source, *, article: str, article_url: str, urls: list[str], version: int,
               previous_commit: str | None, first_fetched_at: str, summary: dict[str, int],
               raw_name: str | None, previous_title: str | None = None, notes: Sequence[str] = (),
               tracked: str | None = None) -> dict[str, Any]:
    """The provenance record stored as meta.json (documented field by field in snapshots/README.md).

    *notes* say why the article is the one it is (a canonical link ignored or not followed);
    an ignored canonical link is noted whoever writes the version. *tracked* is the earlier
    versions' `tracked_url`; without it (version 1) it is the URL this source was requested as.
    """
    record, document = source.record, source.document
    ignored = _canonical(record, document)[1]
    identity_notes = list(dict.fromkeys([*([ignored] if ignored else []), *notes]))
    requested = record.requested_url if record.source_kind == "url" else None
    return {
        "schema": "provtrack.meta/1",
        "article": article,
        "version": version,
        "previous_commit": previous_commit,
        "article_url": article_url,
        "tracked_url": tracked or requested or article_url,
        "urls": urls,
        # a file's name, not its local path: where it sat on one machine is not provenance
        "source": {"kind": record.source_kind,
                   "location": Path(record.location).name if record.source_kind == "file" else record.location},
        "requested_url": record.requested_url,
        "final_url": record.final_url,
        "redirects": [r.to_json() for r in record.redirects],
        "canonical_url": document.metadata.canonical_url,
        "http": {"status": record.status, "headers": dict(record.headers)},
        "content_type": record.content_type,
        "fetched_at": record.fetched_at,
        **({"fetched_at_source": record.fetched_at_source} if record.fetched_at_source else {}),
        "first_fetched_at": first_fetched_at,
        "sha256": {"raw": record.sha256, "text": document.text_sha256,
                   "blocks": sha256_hex(dump_blocks(document.blocks).encode("utf-8"))},
        "raw_file": raw_name,
        "raw_size": len(record.raw),
        "charset": {"name": document.charset, "source": document.charset_source},
        "format": document.format,
        "extractor": {"name": document.extractor, "version": document.extractor_version},
        "provtrack_version": __version__,
        "title": document.metadata.title,
        "previous_title": previous_title,
        "page": document.metadata.to_json(),
        "blocks": len(document.blocks),
        "duplicates": [list(g) for g in document.duplicate_groups()],
        "changes": summary,
        **({"identity_notes": identity_notes} if identity_notes else {}),
    }


def commit_message(article: str, version: int, summary: dict[str, int], title: str | None, url: str,
                   record: FetchRecord) -> str:
    """Subject with the change summary, title and URL in the body, provenance as git trailers."""
    line = "first version" if version == 1 else summary_line(summary)
    body = "\n".join(x for x in (one_line(title), one_line(url)) if x)
    trailers = [
        f"Provtrack-Article: {article}",
        f"Provtrack-Version: {version}",
        f"Provtrack-URL: {one_line(record.requested_url or url)}",
        f"Provtrack-Fetched-At: {record.fetched_at}",
        f"Provtrack-Raw-SHA256: {record.sha256}",
    ]
    return f"{article} v{version}: {line}\n\n{body}\n\n" + "\n".join(trailers) + "\n"


# -- reading history --------------------------------------------------------------------

def resolve_spec(store: Store, spec: str, default_rev: str = "latest") -> StoredVersion:
    """A stored version from `ARTICLE[@REV]`."""
    name, rev = split_spec(spec)
    return store.resolve(store.resolve_article(name), rev or default_rev)


def stored_document(store: Store, version: StoredVersion) -> Document:
    """A stored version as a Document (blocks from blocks.txt, metadata from meta.json)."""
    meta = store.read_meta(version.ref)
    return Document(blocks=store.read_blocks(version.ref), metadata=Metadata.from_json(meta.get("page") or {}),
                    format=meta.get("format", "text"), charset=(meta.get("charset") or {}).get("name"),
                    charset_source=(meta.get("charset") or {}).get("source"),
                    extractor=(meta.get("extractor") or {}).get("name", EXTRACTOR_NAME),
                    extractor_version=(meta.get("extractor") or {}).get("version", EXTRACTOR_VERSION))


def side_of(store: Store, version: StoredVersion, meta: dict[str, Any] | None = None) -> Side:
    meta = meta if meta is not None else store.read_meta(version.ref)
    return Side(location=meta.get("final_url") or meta.get("article_url") or version.ref.url,
                sha256=version.raw_sha256 or (meta.get("sha256") or {}).get("raw", ""),
                fetched_at=version.ref.fetched_at, ref=version.ref, title=meta.get("title"))


def diff_specs(store: Store, first: str, second: str | None = None, third: str | None = None
               ) -> tuple[StoredVersion, StoredVersion]:
    """Resolve `diff ARTICLE [OLD [NEW]]` and `diff ARTICLE@REV OTHER[@REV]` to two versions."""
    name, rev = split_spec(first)
    if second is None:  # diff A  |  diff A@REV (REV against latest)
        article = store.resolve_article(name)
        return store.resolve(article, rev or "previous"), store.resolve(article, "latest")
    if third is None and ("@" in second or not REV_SUFFIX.match(second)):  # diff A[@REV] B[@REV]
        old_version = resolve_spec(store, first)
        try:
            return old_version, resolve_spec(store, second)
        except NotFoundError:
            if "@" in second:
                raise
            raise UsageError(f"{second!r} is neither a revision (v3, latest, previous, latest~2, a commit prefix, "
                             f"{{TIME}}) nor an article in the store") from None
    if rev is not None and third is not None:
        raise UsageError("give revisions either as ARTICLE@REV OTHER@REV or as ARTICLE OLD NEW, not both")
    article = store.resolve_article(name)
    if third is None:  # diff A OLD (against latest)  |  diff A@OLD NEW
        return (store.resolve(article, rev), store.resolve(article, second)) if rev else \
            (store.resolve(article, second), store.resolve(article, "latest"))
    return store.resolve(article, second), store.resolve(article, third)


def history(store: Store, article: str, upto: int | None = None) -> list[tuple[SnapshotRef, tuple[Block, ...]]]:
    """(ref, blocks) of every version of *article* up to version *upto*, oldest first."""
    return [(v.ref, store.read_blocks(v.ref)) for v in store.versions(article)
            if upto is None or v.ref.version <= upto]


def stored_diff(store: Store, old: StoredVersion, new: StoredVersion) -> Diff:
    """Diff two stored versions, with provenance on every change.

    introduced_in: for two versions of one article, the version between them where the
    change actually happened (found by diffing consecutive versions); otherwise the new side.
    origin: where the lineage of the new-side text began (of the old-side text for removals).
    Text absent from OLD that an earlier version of the article had is tagged `restored`.
    """
    from provtrack.blame import trace  # blame only for stored diffs, not for compare

    same = old.ref.article == new.ref.article
    forward = same and old.ref.version <= new.ref.version
    upto = max(old.ref.version, new.ref.version) if same else new.ref.version
    full = history(store, new.ref.article, upto)
    steps = [tuple(diff_blocks(a, b)) for (_, a), (_, b) in zip(full, full[1:])]
    lineage = trace(full, diff_blocks, diffs=steps)
    positions = {ref.version: i for i, (ref, _) in enumerate(full)}
    new_pos = positions[new.ref.version]
    new_blocks = full[new_pos][1]
    if same:
        old_pos, old_blocks, old_lineage = positions[old.ref.version], full[positions[old.ref.version]][1], lineage
    else:
        old_hist = history(store, old.ref.article, old.ref.version)
        old_pos, old_blocks, old_lineage = len(old_hist) - 1, old_hist[-1][1], trace(old_hist, diff_blocks)
    # text the article had before OLD, that OLD lacks, and that NEW has again
    earlier = {b.key for _, blocks in full[:old_pos] for b in blocks} if forward else set()
    earlier -= {b.key for b in old_blocks}
    result = compute_diff(old_blocks, new_blocks)
    changes = []
    for change in result.changes:
        if change.new_indices:
            origin = lineage[new_pos][change.new_indices[0]].origin
        else:
            origin = old_lineage[old_pos][change.old_indices[0]].origin
        introduced = _introduced_in(change, full[:new_pos + 1], steps, old.ref.version) if forward else new.ref
        tags = change.tags
        if change.kind in ("added", "changed") and any(new_blocks[i].key in earlier for i in change.new_indices):
            tags = tuple(sorted({*tags, "restored"}))
        changes.append(replace(change, introduced_in=introduced, origin=origin, tags=tags))
    notes = _revert_notes(new, full[:new_pos + 1])
    if same and not forward:
        notes.insert(0, f"reverse diff: v{old.ref.version} (old side) is newer than v{new.ref.version}")
    if result.reason:
        notes.append(f"coarse alignment: {result.reason}")
    notes.extend(suspect_notes(store, old, new))
    notes.extend(reextraction_notes(store, old, new))
    return Diff(old=side_of(store, old), new=side_of(store, new), old_blocks=old_blocks,
                new_blocks=new_blocks, changes=tuple(changes), notes=tuple(notes), coarse=result.coarse)


def suspect_notes(store: Store, old: StoredVersion, new: StoredVersion) -> list[str]:
    """One note per suspect fetch of the article kept between the two versions (or after the newer one)."""
    if old.ref.article != new.ref.article:
        return []
    low, high = sorted((old.ref.version, new.ref.version))
    return [f"suspect fetch at {s.fetched_at} kept as evidence, not as a version (commit {s.commit[:10]}): {s.reason}"
            for s in suspect_fetches(store, new.ref.article) if low <= s.compared_with <= high]


def reextraction_notes(store: Store, old: StoredVersion, new: StoredVersion) -> list[str]:
    """One note per re-extraction version after the older side, up to the newer one."""
    from provtrack.reextract import reextracted_versions

    if old.ref.article != new.ref.article:
        return []
    low, high = sorted((old.ref.version, new.ref.version))
    return [f"v{v} is a re-extraction of v{source} by a newer extractor: its differences from v{source} come from "
            f"the extractor, not the publisher" for v, source in sorted(reextracted_versions(store, new.ref.article).items())
            if low < v <= high]


def _revert_notes(new: StoredVersion, hist: Sequence[tuple[SnapshotRef, Sequence[Block]]]) -> list[str]:
    """"v5 has the same text as v3 (reverted)" when the new side repeats an earlier version exactly."""
    blocks = hist[-1][1]
    for ref, earlier in reversed(hist[:-1]):
        if ref.version < new.ref.version - 1 and tuple(earlier) == tuple(blocks):
            return [f"v{new.ref.version} has the same text as v{ref.version} (reverted to v{ref.version})"]
    return []


def _introduced_in(change: Change, hist: Sequence[tuple[SnapshotRef, Sequence[Block]]],
                   steps: Sequence[Sequence[Change]], since: int) -> SnapshotRef:
    """The latest version after *since* whose step touched this change's text."""
    new_refs = [r for r, _ in hist]
    target = hist[-1][0]
    if change.new_indices:
        keys = {hist[-1][1][i].key for i in change.new_indices}
        side = "new"
    else:
        keys = {b.key for b in (_old_blocks_of(change, hist, since))}
        side = "old"
    for k in range(len(steps), 0, -1):
        ref, blocks = hist[k]
        if ref.version <= since:
            break
        prev_blocks = hist[k - 1][1]
        for step in steps[k - 1]:
            touched = ({blocks[i].key for i in step.new_indices} if side == "new"
                       else {prev_blocks[i].key for i in step.old_indices if step.kind not in ("moved", "duplicated")})
            if touched & keys:
                return new_refs[k]
    return target


def _old_blocks_of(change: Change, hist: Sequence[tuple[SnapshotRef, Sequence[Block]]], since: int) -> list[Block]:
    blocks = next(b for r, b in hist if r.version == since)
    return [blocks[i] for i in change.old_indices]


def version_infos(store: Store, article: str) -> list[VersionInfo]:
    """What `log ARTICLE` shows, oldest first."""
    infos: list[VersionInfo] = []
    previous_title: str | None = None
    seen: dict[str, int] = {}  # sha256 of blocks.txt -> first version with that text
    for v in store.versions(article):
        meta = store.read_meta(v.ref)
        digest = (meta.get("sha256") or {}).get("blocks")
        info = _info(v, meta, previous_title)
        if digest and digest in seen and seen[digest] < v.ref.version - 1:
            info = replace(info, reverts_to=seen[digest])
        if digest:
            seen.setdefault(digest, v.ref.version)
        infos.append(info)
        previous_title = meta.get("title")
    return infos


def recent(store: Store, *, since: str | None = None, limit: int | None = 20) -> list[VersionInfo]:
    """Newest versions across the store by fetch time (what `log` with no article shows).

    Filters and orders by the recorded fetch time, not by commit date or order, so
    imports of older copies land where they belong. Reads every commit's trailers once.
    """
    moment = parse_timestamp(since) if since is not None else None
    versions = [v for v in store.recent_versions()
                if moment is None or (v.ref.fetched_at and parse_timestamp(v.ref.fetched_at) >= moment)]
    versions.sort(key=lambda v: parse_timestamp(v.ref.fetched_at or "1970-01-01"), reverse=True)
    return [_info(v, store.read_meta(v.ref), None) for v in versions[:limit]]


def _info(v: StoredVersion, meta: dict[str, Any], previous_title: str | None) -> VersionInfo:
    if previous_title is None:  # recorded at snapshot time; without it, assume the title did not change
        previous_title = meta.get("previous_title", meta.get("title"))
    http = meta.get("http") or {}
    return VersionInfo(ref=v.ref, sha256=v.raw_sha256 or (meta.get("sha256") or {}).get("raw", ""),
                       final_url=meta.get("final_url"), status=http.get("status"), title=meta.get("title"),
                       summary=meta.get("changes") or {}, previous_title=previous_title,
                       blocks=int(meta.get("blocks") or 0))


def last_check(store: Store, article: str) -> dict[str, Any] | None:
    """The newest recorded check of *article* (for "unchanged as of T")."""
    checks = store.checks(article)
    return checks[-1] if checks else None
