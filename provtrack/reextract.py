"""Re-extraction: run the current extractor over an article's stored raw bytes.

After an extractor improvement, the latest version of an article may read differently
from the same bytes. `reextract` records the new reading as a new version whose meta.json
and commit say it is a re-extraction (of which version, by which extractor, replacing
which one), so it is never mistaken for the publisher changing the article: the fetch
provenance (URLs, HTTP status and headers, fetch time, raw bytes) is that of the version
re-extracted, and `diff` notes that its differences come from the extractor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from provtrack import __version__
from provtrack.blockfile import BLOCKS_FILE, META_FILE, dump_blocks
from provtrack.diff import diff_blocks
from provtrack.errors import NotFoundError, ProvtrackError
from provtrack.extract import extract
from provtrack.model import CHANGE_KINDS, FetchRecord, SnapshotRef, change_summary, sha256_hex

if TYPE_CHECKING:
    from provtrack.store import Store

__all__ = ["REEXTRACT_TRAILER", "ReextractResult", "reextract", "reextracted_versions"]

REEXTRACT_TRAILER = "Provtrack-Reextracted-From"


@dataclass(frozen=True)
class ReextractResult:
    """What re-extraction did to one article."""

    article: str
    status: str  # "created", "unchanged", "would-change" (dry run) or "skipped"
    ref: SnapshotRef  # the new version, or the latest one when nothing was written
    source_version: int
    summary: dict[str, int]
    extractor_before: str
    extractor_after: str
    reason: str = ""  # why it was skipped


def _extractor(meta: dict[str, Any]) -> str:
    ext = meta.get("extractor") or {}
    return f"{ext.get('name', '?')} {ext.get('version', '?')}"


def reextract(store: Store, article: str, *, dry_run: bool = False) -> ReextractResult:
    """Re-extract the latest version of *article* from its raw bytes; store the result if it reads differently."""
    from provtrack.fetch import parse_content_type
    from provtrack.tracker import commit_message, index_version

    with store.locked():
        latest = store.latest(article)
        if latest is None:
            raise NotFoundError(f"{article} has no versions")
        ref = latest.ref
        meta = store.read_meta(ref)
        before = _extractor(meta)
        try:
            raw = store.read_raw(ref)
        except NotFoundError as exc:
            return ReextractResult(article, "skipped", ref, ref.version, {}, before, before, str(exc))
        headers = (meta.get("http") or {}).get("headers") or {}
        _, http_charset = parse_content_type(headers.get("Content-Type"))
        name = meta.get("final_url") or meta.get("requested_url") or (meta.get("source") or {}).get("location")
        try:
            document = extract(raw, content_type=meta.get("content_type"), name=name, http_charset=http_charset)
        except ProvtrackError as exc:
            return ReextractResult(article, "skipped", ref, ref.version, {}, before, before,
                                   f"the current extractor fails on v{ref.version}: {exc}")
        after = f"{document.extractor} {document.extractor_version}"
        old_blocks = store.read_blocks(ref)
        if not document.blocks:
            return ReextractResult(article, "skipped", ref, ref.version, {}, before, after,
                                   f"the current extractor finds no text in v{ref.version}")
        if document.blocks == old_blocks:
            return ReextractResult(article, "unchanged", ref, ref.version, {k: 0 for k in CHANGE_KINDS}, before, after)
        summary = change_summary(diff_blocks(old_blocks, document.blocks), len(document.blocks),
                                 include_cosmetic=False, count_cosmetic=True)
        if dry_run:
            return ReextractResult(article, "would-change", ref, ref.version, summary, before, after)
        number = ref.version + 1
        blocks_text = dump_blocks(document.blocks)
        new_meta = {
            **meta,
            "version": number,
            "previous_commit": ref.commit,
            "sha256": {**(meta.get("sha256") or {}), "text": document.text_sha256,
                       "blocks": sha256_hex(blocks_text.encode("utf-8"))},
            "charset": {"name": document.charset, "source": document.charset_source},
            "format": document.format,
            "extractor": {"name": document.extractor, "version": document.extractor_version},
            "provtrack_version": __version__,
            "title": document.metadata.title,
            "previous_title": meta.get("title"),
            "page": document.metadata.to_json(),
            "blocks": len(document.blocks),
            "duplicates": [list(g) for g in document.duplicate_groups()],
            "changes": summary,
            "reextraction": {"of_version": ref.version, "of_commit": ref.commit, "extractor_before": meta.get("extractor"),
                             "reason": "re-extraction of stored raw bytes by the current extractor"},
        }
        new_meta.pop("accepted_shorter", None)
        files = {BLOCKS_FILE: blocks_text.encode("utf-8"),
                 META_FILE: (json.dumps(new_meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
        raw_name = meta.get("raw_file")
        if raw_name:
            files[raw_name] = raw
        record = FetchRecord(raw=raw, source_kind=(meta.get("source") or {}).get("kind", "url"),
                             location=(meta.get("source") or {}).get("location", ""), fetched_at=ref.fetched_at,
                             requested_url=meta.get("requested_url"))
        message = commit_message(article, number, summary, document.metadata.title,
                                 meta.get("article_url") or ref.url, record)
        subject, _, rest = message.partition("\n")
        summary_text = subject.split(": ", 1)[1] if ": " in subject else subject
        subject = f"{article} v{number}: re-extraction of v{ref.version} ({before} -> {after}): {summary_text}"
        message = f"{subject}\n{rest.rstrip()}\n{REEXTRACT_TRAILER}: v{ref.version}\n"
        commit = store.write_version(article, files, message=message, date=ref.fetched_at)
        new_ref = SnapshotRef(article, number, commit, ref.fetched_at, ref.url)
        index_version(store, new_ref, document.blocks)
    return ReextractResult(article, "created", new_ref, ref.version, summary, before, after)


def reextracted_versions(store: Store, article: str) -> dict[int, int]:
    """{version: version it re-extracts} for the re-extraction versions of *article*."""
    from provtrack.store import article_dir, parse_trailers

    if store.head() is None:
        return {}
    found: dict[int, int] = {}
    log = store.repo.git.log("--format=%B%x1e", f"--grep={REEXTRACT_TRAILER}:", "main", "--",
                             f"{article_dir(article)}/{META_FILE}")
    for message in log.split("\x1e"):
        lines = {k: v for k, _, v in (line.partition(": ") for line in message.splitlines()) if v}
        trailers = parse_trailers(message)
        source = lines.get(REEXTRACT_TRAILER, "").lstrip("v")
        if trailers.get("article") == article and trailers.get("version", "").isdigit() and source.isdigit():
            found[int(trailers["version"])] = int(source)
    return found
