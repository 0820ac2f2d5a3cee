"""Frozen value types shared by every layer: blocks, documents, snapshot references, changes, diffs.

Pure: imports nothing from click, rich or git.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping

BlockKind = Literal["title", "heading", "paragraph", "caption", "quote", "list_item"]
BLOCK_KINDS: tuple[str, ...] = ("title", "heading", "paragraph", "caption", "quote", "list_item")

ChangeKind = Literal["added", "removed", "changed", "moved", "duplicated", "split", "merged"]
CHANGE_KINDS: tuple[str, ...] = ("added", "removed", "changed", "moved", "duplicated", "split", "merged")

#: Tags that never make a change substantive on their own.
COSMETIC_TAG = "cosmetic"

_WS = re.compile(r"\s+")
# Typographic variants that read the same: quote styles, dashes, no-break spaces, the ellipsis
# character and the Latin ligatures PDFs leave behind; and the invisible characters that only
# steer line breaking (SOFT HYPHEN, ZERO WIDTH SPACE, WORD JOINER, BOM), which are deleted.
# ZWJ and ZWNJ are kept: they change how Indic and Persian words and emoji are written.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u2039": "'", "\u203a": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                         "\u00ab": '"', "\u00bb": '"',
                         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2015": "-", "\u2212": "-",
                         "\u00a0": " ", "\u2026": "...",
                         "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                         "\ufb05": "st", "\ufb06": "st",
                         "\u00ad": None, "\u200b": None, "\u2060": None, "\ufeff": None})
#: character -> replacement: the typographic table `normalize_text` applies (diff_keys uses it too)
TYPOGRAPHIC_FOLDS: dict[str, str] = {chr(k): v or "" for k, v in _QUOTES.items()}
# str.translate looks every character up in the table (~30 µs for a paragraph); one regex pass that
# replaces only the characters found is twenty times faster.
_FOLDED = re.compile("[" + "".join(TYPOGRAPHIC_FOLDS) + "]")


def _fold(match: re.Match[str]) -> str:
    return TYPOGRAPHIC_FOLDS[match.group()]


def normalize_text(text: str) -> str:
    """The comparison key of a block's text: NFC, unified quotes and dashes, invisibles dropped, collapsed whitespace.

    NFC, not NFKC: NFKC also folds superscripts, fractions and other compatibility characters
    (10² -> 102, ½ -> 1⁄2), which would hide a changed figure from a fact-checker. The
    compatibility forms that really are cosmetic (ellipsis, ligatures, no-break space) are in
    the table above instead. The differ keys every word-diff token with this same function,
    so a block that is unchanged here never shows an edit in a word diff, and the reverse.
    """
    if not text.isascii():  # ASCII text needs neither step
        # The table first: NFC must see its output (ﬁ + U+0301 -> fí), or the key would not be stable.
        text = _FOLDED.sub(_fold, text)
        text = unicodedata.normalize("NFC", text)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # isprintable() is False for every whitespace character but the space
    return _WS.sub(" ", text).strip()


def sha256_hex(data: bytes) -> str:
    """Lower-case hex sha256 of *data*."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Block:
    """One typed unit of article text, in reading order."""

    kind: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")
        if not self.text:
            raise ValueError("a block's text must not be empty")

    @classmethod
    def batch(cls, kind: str, texts: Iterable[str]) -> tuple[Block, ...]:
        """Blocks of one *kind*, one per text: checked as `Block(kind, text)` checks them, built faster.

        An extractor makes thousands of blocks per document; the generated frozen `__init__`
        (one `object.__setattr__` call per field, then `__post_init__`) is most of their cost.
        The attributes set here are exactly those `__init__` sets, so the blocks are equal,
        hash and print alike; `test_block_batch_matches_the_constructor` keeps it that way.
        """
        if cls is not Block:  # a subclass may have fields or checks of its own
            return tuple(cls(kind, text) for text in texts)
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {kind!r}")
        new, put = object.__new__, object.__setattr__
        blocks = []
        for text in texts:
            if not text:
                raise ValueError("a block's text must not be empty")
            block = new(cls)
            put(block, "kind", kind)
            put(block, "text", text)
            blocks.append(block)
        return tuple(blocks)

    @property
    def key(self) -> str:
        """Normalised text used to compare blocks across versions."""
        return normalize_text(self.text)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class Metadata:
    """Page-level facts that are not article text (bylines and timestamps live here, not in blocks)."""

    title: str | None = None
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "byline": self.byline,
            "published": self.published,
            "modified": self.modified,
            "canonical_url": self.canonical_url,
            "language": self.language,
            "site_name": self.site_name,
            "description": self.description,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Metadata":
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Document:
    """An extracted article: ordered typed blocks plus metadata and how the bytes were decoded."""

    blocks: tuple[Block, ...]
    metadata: Metadata = field(default_factory=Metadata)
    #: "html", "text" or "markdown"
    format: str = "text"
    #: the codec used to decode the raw bytes, e.g. "utf-8", "windows-1252"
    charset: str | None = None
    #: where the codec came from: "http", "bom", "meta", "utf-8", "fallback" or "str" (input was text)
    charset_source: str | None = None
    extractor: str = "provtrack"
    extractor_version: str = "0"
    #: what the extractor noticed about the page: "paywall", "consent", "truncated",
    #: "jsonld-body", "no-body", "error-page" (see provtrack.extract_signals); not stored
    signals: tuple[str, ...] = ()

    @property
    def word_count(self) -> int:
        """Words in the blocks other than the title and captions (the article's body text)."""
        return sum(len(b.text.split()) for b in self.blocks if b.kind not in ("title", "caption"))

    @property
    def text(self) -> str:
        """The article text: block texts joined by blank lines (what `sha256_text` hashes)."""
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def text_sha256(self) -> str:
        return sha256_hex(self.text.encode("utf-8"))

    def duplicate_groups(self) -> list[tuple[int, ...]]:
        """Index groups of blocks whose normalised text occurs more than once in this version."""
        return duplicate_groups(self.blocks)


def duplicate_groups(blocks: tuple[Block, ...] | list[Block]) -> list[tuple[int, ...]]:
    """Index groups (in order of first occurrence) of blocks sharing normalised text."""
    seen: dict[str, list[int]] = defaultdict(list)
    for i, block in enumerate(blocks):
        seen[block.key].append(i)
    return [tuple(ix) for ix in seen.values() if len(ix) > 1]


@dataclass(frozen=True)
class SnapshotRef:
    """One stored version of one article, with where and when it was fetched."""

    article: str
    version: int
    commit: str
    fetched_at: str
    url: str

    @property
    def short_commit(self) -> str:
        return self.commit[:10]

    @property
    def label(self) -> str:
        return f"{self.article}@v{self.version}"

    def to_json(self) -> dict[str, Any]:
        return {"article": self.article, "version": self.version, "commit": self.commit,
                "fetched_at": self.fetched_at, "url": self.url}


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a stored snapshot or an ad-hoc source."""

    location: str
    sha256: str
    fetched_at: str | None = None
    ref: SnapshotRef | None = None
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "sha256": self.sha256,
            "fetched_at": self.fetched_at,
            "article": self.ref.article if self.ref else None,
            "version": self.ref.version if self.ref else None,
            "commit": self.ref.commit if self.ref else None,
            "title": self.title,
        }


Op = Literal["=", "-", "+"]


@dataclass(frozen=True)
class Change:
    """One paragraph-level change. Indices are 0-based positions in each side's block list."""

    kind: str
    block_kind: str
    old_indices: tuple[int, ...]
    new_indices: tuple[int, ...]
    old_text: str | None
    new_text: str | None
    similarity: float | None = None
    tags: tuple[str, ...] = ()
    #: word-level edit script old_text -> new_text: '=' segments carry the NEW text, so '=' and
    #: '+' segments rebuild new_text exactly, and '=' and '-' segments equal old_text after
    #: normalize_text (tokens equal after normalisation are '='). None where nothing to compare.
    words: tuple[tuple[str, str], ...] | None = None
    #: snapshot where this change first appeared (stored diffs only)
    introduced_in: SnapshotRef | None = None
    #: snapshot where the lineage of the new-side text began (stored diffs only)
    origin: SnapshotRef | None = None

    def __post_init__(self) -> None:
        if self.kind not in CHANGE_KINDS:
            raise ValueError(f"unknown change kind {self.kind!r}")

    @property
    def cosmetic(self) -> bool:
        """True when only whitespace, punctuation, quote style or case changed."""
        return COSMETIC_TAG in self.tags

    @property
    def substantive(self) -> bool:
        return not self.cosmetic

    def shown(self, *, show_cosmetic: bool = False, only: frozenset[str] | None = None) -> bool:
        """Whether a view lists this change: cosmetic ones only on request, and only the *only* kinds if given."""
        return (show_cosmetic or self.substantive) and (only is None or self.kind in only)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "block_kind": self.block_kind,
            "old_indices": list(self.old_indices),
            "new_indices": list(self.new_indices),
            "old_text": self.old_text,
            "new_text": self.new_text,
            "similarity": self.similarity,
            "tags": list(self.tags),
            "provenance": {
                "introduced_in": self.introduced_in.to_json() if self.introduced_in else None,
                "origin": self.origin.to_json() if self.origin else None,
            },
        }
        if self.words is not None:
            data["words"] = [list(w) for w in self.words]
        return data


@dataclass(frozen=True)
class Diff:
    """The comparison of two documents: both sides, their blocks, and the changes between them."""

    old: Side
    new: Side
    old_blocks: tuple[Block, ...]
    new_blocks: tuple[Block, ...]
    changes: tuple[Change, ...]
    #: facts a reader needs before the changes, e.g. "v5 has the same text as v3 (reverted to v3)"
    notes: tuple[str, ...] = ()
    #: True when a work budget forced a coarser alignment than usual (see `notes`)
    coarse: bool = False

    def summary(self, *, include_cosmetic: bool = True) -> dict[str, int]:
        """Counts per change kind plus `unchanged` (new blocks not named by any change)."""
        return change_summary(self.changes, len(self.new_blocks), include_cosmetic=include_cosmetic)

    @property
    def substantive_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.substantive)

    @property
    def has_differences(self) -> bool:
        """True when any substantive change exists (what `--exit-code` reports)."""
        return bool(self.substantive_changes)


def change_summary(changes: tuple[Change, ...] | list[Change], new_length: int, *,
                   include_cosmetic: bool = True, count_cosmetic: bool = False) -> dict[str, int]:
    """Counts per change kind plus `unchanged`: new blocks (of *new_length*) that no change names.

    With include_cosmetic=False cosmetic changes are left out of the kinds; count_cosmetic
    adds their number under `cosmetic`, so a summary can say they exist without counting
    them as substantive.
    """
    counts = {k: 0 for k in CHANGE_KINDS}
    touched_new: set[int] = set()
    cosmetic = 0
    for change in changes:
        touched_new.update(change.new_indices)
        if include_cosmetic or change.substantive:
            counts[change.kind] += 1
        cosmetic += change.cosmetic
    counts["unchanged"] = new_length - len(touched_new)
    if count_cosmetic:
        counts["cosmetic"] = cosmetic
    return counts


def summary_line(counts: Mapping[str, int]) -> str:
    """A compact one-line summary such as `+1 added, ~2 changed, 1 duplicated` (or `no changes`)."""
    marks = {"added": "+", "removed": "-", "changed": "~", "moved": "", "duplicated": "",
             "split": "", "merged": ""}
    parts = [f"{marks[k]}{counts[k]} {k}" for k in CHANGE_KINDS if counts.get(k)]
    if counts.get("cosmetic"):
        parts.append(f"{counts['cosmetic']} cosmetic")
    return ", ".join(parts) if parts else "no changes"


@dataclass(frozen=True)
class Redirect:
    """One hop of a redirect chain."""

    url: str
    status: int
    location: str

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "location": self.location}


@dataclass(frozen=True)
class FetchRecord:
    """Raw bytes of a source plus its transport provenance (what `fetch` returns)."""

    raw: bytes
    #: "url", "file" or "stdin"
    source_kind: str
    #: URL as requested, path as given, or "-" for stdin
    location: str
    #: fetch time, UTC, ISO 8601 with explicit offset (2026-02-05T09:42:00+00:00)
    fetched_at: str
    requested_url: str | None = None
    final_url: str | None = None
    redirects: tuple[Redirect, ...] = ()
    status: int | None = None
    #: response headers that matter, as (name, value) in canonical capitalisation
    headers: tuple[tuple[str, str], ...] = ()
    #: MIME type without parameters, lower case (from the header, or guessed for files)
    content_type: str | None = None
    #: charset parameter of Content-Type, if any
    charset: str | None = None
    #: where fetched_at came from: "response" (when the final response began), "given"
    #: (`--at`, a manifest), "file-mtime" (a file's modification time) or "read-time" (stdin)
    fetched_at_source: str | None = None

    @functools.cached_property
    def sha256(self) -> str:
        """SHA-256 of the raw bytes (hashed once: the meta, the commit trailers and the check log all name it)."""
        return sha256_hex(self.raw)


@dataclass(frozen=True)
class VersionInfo:
    """What `log` shows for one stored version (read from its meta.json and commit)."""

    ref: SnapshotRef
    sha256: str
    final_url: str | None = None
    status: int | None = None
    title: str | None = None
    #: change counts against the previous version, keys as in Diff.summary()
    summary: Mapping[str, int] = field(default_factory=dict)
    previous_title: str | None = None
    blocks: int = 0
    #: an earlier version whose text this version has again (a revert), if any
    reverts_to: int | None = None

    @property
    def title_changed(self) -> bool:
        return self.ref.version > 1 and self.previous_title != self.title
