"""`provtrack blame` and `provtrack history`: real stores, the lineage cache, the CLI and the terminal views."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from rich.cells import cell_len

import provtrack.lineagecache as lineagecache
import provtrack.provenance as provenance
from provtrack.blame import Blame, BlameLine, HistoryEvent, Lineage, ParagraphHistory
from provtrack.model import Block, Change, SnapshotRef
from provtrack.provenance import blame, paragraph_history
from provtrack.render.blamejson import blame_json, history_json
from provtrack.render.blameview import BlameView, HistoryView
from provtrack.render.theme import make_console
from provtrack.store import Store
from provtrack.tracker import snapshot

from test_lineage import COUNCIL as A, HISTORY as C, MAYOR as M, POOL, PROTEST as B, RAIN as D, \
    WATER as W, WATER_A as WA, WATER_B as WB

URL = "https://harbour.example/council"
A2 = A.replace("Tuesday", "Wednesday")
DM = D + " " + M
#: v1 .. v5: edit + insertion; move + split; removal + merge; restoration + duplicate
STORY = [[A, B, W, C, D], [A2, B, W, C, D, M], [C, A2, B, WA, WB, D, M], [C, A2, WA, WB, DM],
         [C, A2, B, WA, WB, DM, C]]
#: blame of v5: (origin, last changed, edits) per block
BLAMED = [(1, 1, 0), (1, 2, 1), (1, 5, 0), (1, 3, 1), (1, 3, 1), (1, 4, 1), (1, 5, 0)]


def at(n: int) -> str:
    return f"2026-03-{n:02d}T09:00:00+00:00"


def fill(store: Store, versions: list[list[str]], url: str = URL, start: int = 1) -> None:
    for n, texts in enumerate(versions, start):
        snapshot(store, "-", url=url, at=at(n), stdin=io.BytesIO("\n\n".join(texts).encode()))


@pytest.fixture
def story(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store", create=True)
    fill(store, STORY)
    return store


@pytest.fixture
def diffs(monkeypatch) -> list[int]:
    """Counts the diffs the blame service computes (a cache hit computes none)."""
    calls: list[int] = []
    real = provenance.diff_blocks

    def counting(old, new, **kwargs):
        calls.append(1)
        return real(old, new, **kwargs)

    monkeypatch.setattr(provenance, "diff_blocks", counting)
    return calls


def lineage_files(store: Store) -> list[Path]:
    folder = store.git_dir / "provtrack" / "lineage"
    return sorted(folder.iterdir()) if folder.exists() else []


# -- blame on a real store --------------------------------------------------------------------

def test_blame_follows_edits_moves_splits_merges_restorations_and_duplicates(story: Store) -> None:
    result = blame(story, "harbour")
    assert result.ref.version == 5 and result.article_url == URL
    assert [line.block.text for line in result.lines] == STORY[-1]
    assert [(line.lineage.origin.version, line.lineage.last_changed.version, line.lineage.edits)
            for line in result.lines] == BLAMED
    versions = {v.ref.version: v.ref for v in story.versions(result.ref.article)}
    assert result.lines[2].lineage.last_changed == versions[5]  # every reference is a full SnapshotRef
    assert result.lines[2].lineage.origin == versions[1]
    assert versions[1].fetched_at == at(1) and versions[1].url == URL and len(versions[1].commit) == 40


def test_blame_of_an_older_revision(story: Store) -> None:
    result = blame(story, "harbour@v2")
    assert [(line.lineage.origin.version, line.lineage.last_changed.version) for line in result.lines] == [
        (1, 2), (1, 1), (1, 1), (1, 1), (1, 1), (2, 2)]


def test_blame_of_version_one_is_all_version_one(story: Store) -> None:
    first = blame(story, "harbour@v1")
    assert {(line.lineage.origin.version, line.lineage.last_changed.version, line.lineage.edits)
            for line in first.lines} == {(1, 1, 0)}


def test_a_reverted_version_has_the_origins_of_the_one_it_repeats(tmp_path: Path) -> None:
    store = Store(tmp_path / "s", create=True)
    fill(store, [[A, B], [A2, M], [A, B]])
    first, third = blame(store, "harbour@v1"), blame(store, "harbour@v3")
    assert [line.lineage.origin for line in third.lines] == [line.lineage.origin for line in first.lines]


# -- the cache ----------------------------------------------------------------------------------

def test_repeated_blames_read_the_cache_and_new_versions_cost_one_diff(story: Store, diffs: list[int]) -> None:
    fresh = blame(story, "harbour")
    assert len(diffs) == 4  # the first blame is linear: one diff per version
    files = [p.name for p in lineage_files(story)]
    commits = [v.ref.commit for v in story.versions(fresh.ref.article)]
    assert files == [f"{commits[0]}.json"]  # one segment file holds all five versions
    assert json.loads(lineage_files(story)[0].read_text())["commits"] == commits
    assert blame(story, "harbour") == fresh and blame(story, "harbour@v3") == blame(story, "harbour@v3")
    assert len(diffs) == 4  # everything traced is cached
    fill(story, [[*STORY[-1], M]], start=6)
    sixth = blame(story, "harbour")
    assert len(diffs) == 5 and sixth.lines[-1].lineage.origin.version == 2  # resumed from v5: one diff
    assert sixth == blame(story, "harbour", use_cache=False)


def test_cached_and_uncached_blame_and_history_agree(story: Store) -> None:
    for n in (3, 1, 5, 4, 2):  # out of order, so some blames resume from a trail and some read a file
        spec = f"harbour@v{n}"
        assert blame(story, spec) == blame(story, spec, use_cache=False)
    for block in range(len(STORY[-1])):
        assert paragraph_history(story, "harbour", str(block)) == paragraph_history(story, "harbour", str(block),
                                                                                     use_cache=False)


def test_uncached_blame_writes_nothing(story: Store) -> None:
    blame(story, "harbour", use_cache=False)
    assert lineage_files(story) == []


def test_tracing_resumes_from_the_nearest_segment(tmp_path: Path, diffs: list[int], monkeypatch) -> None:
    monkeypatch.setattr(lineagecache, "SEGMENT", 4)
    store = Store(tmp_path / "s", create=True)
    fill(store, [[A, B, C, *POOL[:k]] for k in range(10)])
    full = blame(store, "harbour")
    assert len(diffs) == 9
    commits = [v.ref.commit for v in store.versions(full.ref.article)]
    assert [p.name for p in lineage_files(store)] == sorted(f"{commits[k]}.json" for k in (0, 4, 8))  # v1-4, v5-8, v9-10
    (store.git_dir / "provtrack" / "lineage" / f"{commits[4]}.json").unlink()  # lose the middle segment
    assert blame(store, "harbour@v7") == blame(store, "harbour@v7", use_cache=False)
    assert len(diffs) == 9 + 3 + 6  # v5..v7 from the trail after v4; then the uncached blame traces from v1
    assert blame(store, "harbour") == full and len(diffs) == 18  # v10 read from its segment
    fill(store, [[A, C, B, *POOL[:9]], [A, B, C, *POOL[:10]]], start=11)  # the last segment grows
    assert blame(store, "harbour") == blame(store, "harbour", use_cache=False) and len(diffs) == 18 + 2 + 11
    last = json.loads((store.git_dir / "provtrack" / "lineage" / f"{commits[8]}.json").read_text())
    assert len(last["commits"]) == 4  # v9-v12, rewritten with the two new versions


def test_only_every_few_segment_files_and_the_last_keep_a_trail(tmp_path: Path, diffs: list[int],
                                                                 monkeypatch) -> None:
    monkeypatch.setattr(lineagecache, "SEGMENT", 2)
    monkeypatch.setattr(lineagecache, "TRAIL_EVERY", 2)
    store = Store(tmp_path / "s", create=True)
    fill(store, [[A, B, C, *POOL[:k]] for k in range(9)])  # 9 versions: segments v1-2, v3-4, v5-6, v7-8, v9
    full = blame(store, "harbour")
    commits = [v.ref.commit for v in store.versions(full.ref.article)]
    trails = {k: "trail" in json.loads((store.git_dir / "provtrack" / "lineage" / f"{commits[k]}.json").read_text())
              for k in (0, 2, 4, 6, 8)}
    assert trails == {0: True, 2: False, 4: True, 6: False, 8: True}  # segments 1, 3 and the last
    for k in (4, 6):  # lose v5-6 (which had a trail) and v7-8
        (store.git_dir / "provtrack" / "lineage" / f"{commits[k]}.json").unlink()
    before = len(diffs)
    assert blame(store, "harbour@v8") == blame(store, "harbour@v8", use_cache=False)
    assert len(diffs) - before == 6 + 7  # v3..v8 from the trail after v2 (v4's file has none); uncached: 7


def test_text_restored_edited_after_a_segment_boundary_keeps_its_origin(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(lineagecache, "SEGMENT", 4)
    store = Store(tmp_path / "s", create=True)
    # B leaves in v3; v7 brings it back edited, three versions into the second segment
    fill(store, [[A, B, C], [A, B, C, D], [A, C, D], [A, C, D, M], [A2, C, D, M], [A2, C, D], [A2, B.replace("most", "all"), C, D]])
    blame(store, "harbour@v4")  # the first segment is cached with B among the removed texts
    cached = blame(store, "harbour")
    assert cached == blame(store, "harbour", use_cache=False)
    assert [(line.lineage.origin.version, line.lineage.last_changed.version, line.lineage.edits)
            for line in cached.lines] == [(1, 5, 1), (1, 7, 1), (1, 1, 0), (2, 2, 0)]


@pytest.mark.parametrize("damage", ["garbage", "other algorithm", "other commit", "wrong shape", "later version"])
def test_stale_or_damaged_cache_files_are_rebuilt(story: Store, diffs: list[int], damage: str) -> None:
    blame(story, "harbour")
    expected = blame(story, "harbour@v4")
    [target] = lineage_files(story)
    data = json.loads(target.read_text())
    if damage == "garbage":
        target.write_text("{not json")
    elif damage == "other algorithm":
        target.write_text(json.dumps({**data, "algorithm": "0" * 20}))
    elif damage == "other commit":
        target.write_text(json.dumps({**data, "commits": [*data["commits"][:3], "f" * 40, *data["commits"][4:]]}))
    elif damage == "wrong shape":
        target.write_text(json.dumps({**data, "steps": [*data["steps"][:3], [[1, 1]], *data["steps"][4:]]}))
    else:
        rows = [[9, 9, 0, "added", [], None]] * len(data["steps"][3])
        target.write_text(json.dumps({**data, "steps": [*data["steps"][:3], rows, *data["steps"][4:]]}))
    before = len(diffs)
    assert blame(story, "harbour@v4") == expected
    assert len(diffs) > before  # traced again ...
    rewritten = json.loads(target.read_text())  # ... and the file rewritten, valid, up to the version traced
    assert rewritten["commits"] == data["commits"][:4] and rewritten["steps"] == data["steps"][:4]
    before = len(diffs)
    assert blame(story, "harbour@v4") == expected and len(diffs) == before


def test_a_cache_that_does_not_fit_the_version_is_not_trusted(story: Store) -> None:
    expected = blame(story, "harbour")
    [target] = lineage_files(story)
    data = json.loads(target.read_text())
    last = [[1, 1, 0, "unchanged", [0], None]] * (len(expected.lines) - 1)  # valid, but one block short
    target.write_text(json.dumps({**data, "steps": [*data["steps"][:-1], last]}))
    assert blame(story, "harbour") == expected


def test_an_unwritable_cache_never_breaks_blame(story: Store) -> None:
    (story.git_dir / "provtrack").mkdir(exist_ok=True)
    (story.git_dir / "provtrack" / "lineage").write_text("a file where the cache folder should be")
    assert blame(story, "harbour") == blame(story, "harbour", use_cache=False)
    assert [(line.lineage.origin.version, line.lineage.last_changed.version, line.lineage.edits)
            for line in blame(story, "harbour").lines] == BLAMED


def test_cache_writes_leave_no_temporary_files(story: Store) -> None:
    blame(story, "harbour")
    paragraph_history(story, "harbour", "0")
    assert not [p for p in lineage_files(story) if p.name.startswith(".") or p.name.endswith(".tmp")]


SMALL_POOL = [A, A2, B, C, D, M, DM, W, WA, WB, "Advertisement", "Rain."]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(SMALL_POOL), min_size=1, max_size=6), min_size=1, max_size=5),
       st.lists(st.integers(0, 4), max_size=4))
def test_property_cached_and_uncached_blame_agree(tmp_path_factory, versions: list[list[str]],
                                                  order: list[int]) -> None:
    store = Store(tmp_path_factory.mktemp("store"), create=True)
    fill(store, versions)
    count = len(store.versions(store.resolve_article("harbour")))  # identical consecutive versions are not stored
    for n in [*order, count - 1]:
        spec = f"harbour@v{n % count + 1}"
        assert blame(store, spec) == blame(store, spec, use_cache=False)


# -- paragraph history ----------------------------------------------------------------------------

def kinds(history: ParagraphHistory) -> list[tuple[str, int]]:
    return [(event.kind, event.ref.version) for event in history.events]


@pytest.mark.parametrize("selector, expected", [
    ("1", [("added", 1), ("changed", 2)]),
    ("¶3", [("added", 1), ("removed", 4), ("restored", 5)]),
    ("p6", [("added", 1), ("added", 2), ("merged", 4)]),  # both merged paragraphs' lives
    ("county closed", [("added", 1), ("split", 3)]),
    ("0", [("added", 1), ("moved", 3)]),
    ("6", [("added", 1), ("moved", 3), ("duplicated", 5)]),  # the copy's life includes its original's
])
def test_history_events(story: Store, selector: str, expected: list[tuple[str, int]]) -> None:
    assert kinds(paragraph_history(story, "harbour", selector)) == expected


def test_history_carries_the_differs_change_and_provenance(story: Store) -> None:
    edited = paragraph_history(story, "harbour", "Wednesday")
    assert edited.index == 1 and edited.lineage.origin.version == 1 and edited.lineage.edits == 1
    change = edited.events[1].change
    assert change.kind == "changed" and ("-", "Tuesday") in change.words and ("+", "Wednesday") in change.words
    assert edited.events[1].previous.version == 1 and edited.events[1].ref.fetched_at == at(2)
    restored = paragraph_history(story, "harbour", "protested")
    assert restored.events[-1].restored_from.version == 3
    assert restored.events[1].change.kind == "removed" and restored.events[1].change.old_indices == (2,)


def test_history_of_an_older_revision(story: Store) -> None:
    assert kinds(paragraph_history(story, "harbour@v2", "0")) == [("added", 1), ("changed", 2)]


# -- the command line ----------------------------------------------------------------------------

def cli_story(run) -> None:
    for n, texts in enumerate(STORY, 1):
        result = run("snapshot", "-", "--url", URL, "--at", at(n), input="\n\n".join(texts))
        assert result.exit_code == 0, result.output


HISTORY_SCHEMA = {
    "type": "object",
    "required": ["schema", "article", "version", "commit", "fetched_at", "block", "events"],
    "properties": {
        "schema": {"const": "provtrack.history/1"},
        "article": {"type": "object", "required": ["id", "url"]},
        "version": {"type": "integer", "minimum": 1},
        "commit": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
        "block": {"type": "object", "required": ["index", "kind", "text", "origin", "last_changed", "edits"],
                  "properties": {"origin": {"$ref": "provtrack/common.schema.json#/$defs/snapshot_ref"},
                                 "last_changed": {"$ref": "provtrack/common.schema.json#/$defs/snapshot_ref"}}},
        "events": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["kind", "snapshot", "previous", "restored_from", "change"],
            "properties": {
                "kind": {"enum": ["added", "restored", "changed", "moved", "split", "merged", "duplicated",
                                  "removed"]},
                "snapshot": {"$ref": "provtrack/common.schema.json#/$defs/snapshot_ref"},
                "previous": {"oneOf": [{"type": "null"},
                                       {"$ref": "provtrack/common.schema.json#/$defs/snapshot_ref"}]},
                "restored_from": {"oneOf": [{"type": "null"},
                                            {"$ref": "provtrack/common.schema.json#/$defs/snapshot_ref"}]},
                "change": {"type": "object", "required": ["kind", "block_kind", "old_indices", "new_indices",
                                                          "old_text", "new_text", "tags"]}}}},
    },
}


def validate_history(data: dict) -> None:
    from conftest import CONTRACT

    common = json.loads((CONTRACT / "common.schema.json").read_text())
    registry = Registry().with_resource(common["$id"], Resource.from_contents(common))
    jsonschema.Draft202012Validator(HISTORY_SCHEMA, registry=registry).validate(data)


def test_blame_json_follows_the_contract(run, validate) -> None:
    cli_story(run)
    for n in range(1, 6):
        data = json.loads(run("blame", f"harbour@v{n}", "--format", "json").output)
        validate(data, "blame")
        assert data["schema"] == "provtrack.blame/1" and data["version"] == n
    assert data["article"] == {"id": data["blocks"][0]["origin"]["article"], "url": URL}
    assert [(b["origin"]["version"], b["last_changed"]["version"], b["edits"]) for b in data["blocks"]] == BLAMED
    assert [b["index"] for b in data["blocks"]] == list(range(7))
    assert data["blocks"][2]["last_changed"]["fetched_at"] == at(5)


def test_blame_terminal_view(run) -> None:
    cli_story(run)
    result = run("blame", "harbour")
    assert result.exit_code == 0 and result.stderr == ""
    out = result.output
    assert "harbour.example--council-" in out and "@v5" in out and URL in out
    assert re.search(r"^¶2  v1 → v2 ×1 │ The council met on Wednesday", out, re.M)
    assert re.search(r"^¶3  v1 → v5    │ Residents protested", out, re.M)
    assert re.search(r"^¶1  v1         │ The Brannock Reservoir", out, re.M)
    assert "v1 · fetched 2026-03-01 09:00 UTC · commit" in out and "(this version)" in out


def test_history_json_and_view(run) -> None:
    cli_story(run)
    data = json.loads(run("history", "harbour", "¶3", "--format", "json").output)
    validate_history(data)
    assert data["block"]["index"] == 2 and data["block"]["origin"]["version"] == 1
    assert [(e["kind"], e["snapshot"]["version"]) for e in data["events"]] == [
        ("added", 1), ("removed", 4), ("restored", 5)]
    assert data["events"][2]["restored_from"]["version"] == 3 and data["events"][0]["previous"] is None
    for selector in ("1", "p6", "6", "county closed"):
        validate_history(json.loads(run("history", "harbour", selector, "--format", "json").output))
    view = run("history", "harbour", "Wednesday").output
    assert "history of ¶2 (index 1)" in view and "[-Tuesday-]{+Wednesday+}" in view
    assert "~ CHANGED" in view and "+ FIRST APPEARED" in view


@pytest.mark.parametrize("args, code, message", [
    (["history", "harbour", "the"], 2, "'the' is in 7 blocks of v5: ¶1 (index 0)"),
    (["history", "harbour", "zebra"], 1, "no block of v5 contains 'zebra'"),
    (["history", "harbour", "7"], 1, "v5 has 7 blocks: index 0 to 6 (¶1 to ¶7)"),
    (["history", "harbour", "¶0"], 2, "count from 1"),
    (["history", "harbour"], 2, "Missing argument"),
    (["blame", "harbour@v9"], 1, "no version 9"),
    (["blame", "nosuch"], 1, "no article"),
    (["blame", "harbour", "--format", "xml"], 2, "Invalid value"),
])
def test_expected_failures_are_one_line(run, args: list[str], code: int, message: str) -> None:
    cli_story(run)
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) <= 3 and "Traceback" not in result.stderr


def test_blame_without_a_store(run) -> None:
    result = run("blame", "anything")
    assert result.exit_code == 1 and "no store" in result.stderr


# -- terminal views ------------------------------------------------------------------------------

ART = "harbour.example--council-4780aa63"
R1 = SnapshotRef(ART, 1, "1a2b3c4d5e" + "0" * 30, "2026-03-01T09:00:00+00:00", URL)
R2 = SnapshotRef(ART, 2, "4f2a9c1b3d" + "1" * 30, "2026-03-02T09:00:00+00:00", URL)
R3 = SnapshotRef(ART, 3, "5e6f7a8b9c" + "2" * 30, "2026-03-03T09:00:00+00:00", URL + "?from=feed")


def fixed_blame(text: str = B) -> Blame:
    return Blame(R3, URL, (BlameLine(0, Block("title", "Council backs harbour budget"), Lineage(R1, R2, 1)),
                           BlameLine(1, Block("paragraph", text), Lineage(R1, R1, 0)),
                           BlameLine(2, Block("paragraph", M), Lineage(R3, R3, 0))))


def render(view: object, width: int, color: str = "never") -> str:
    console = make_console(color=color, file=io.StringIO(), width=width)
    console.print(view)
    return console.file.getvalue()  # type: ignore[attr-defined]


BLAME_80 = """\
harbour.example--council-4780aa63@v3
https://harbour.example/council
fetched 2026-03-03 09:00 UTC · commit 5e6f7a8b9c · 3 blocks

¶ paragraph · vN where its lineage began → vM its last change · ×E edits

¶1  v1 → v2 ×1 │ Title: Council backs harbour budget
¶2  v1         │ Residents protested outside the town hall for most of the
               │ afternoon session.
¶3  v3         │ The mayor declined to comment on the protest when reached by
               │ phone later that day.

origins: 2 from v1, 1 from v3 · 1 edited since they first appeared

versions named above
  v1 · fetched 2026-03-01 09:00 UTC · commit 1a2b3c4d5e
  v2 · fetched 2026-03-02 09:00 UTC · commit 4f2a9c1b3d
  v3 · fetched 2026-03-03 09:00 UTC · commit 5e6f7a8b9c ·
  https://harbour.example/council?from=feed (this version)
"""

BLAME_40 = """\
harbour.example--council-4780aa63@v3
https://harbour.example/council
fetched 2026-03-03 09:00 UTC ·
commit 5e6f7a8b9c · 3 blocks

¶ paragraph · vN where its lineage began
→ vM its last change · ×E edits

¶1  v1 → v2 ×1
  │ Title: Council backs harbour budget
¶2  v1
  │ Residents protested outside the town
  │ hall for most of the afternoon
  │ session.
¶3  v3
  │ The mayor declined to comment on the
  │ protest when reached by phone later
  │ that day.

origins: 2 from v1, 1 from v3 · 1 edited
since they first appeared

versions named above
  v1 · fetched 2026-03-01 09:00 UTC ·
  commit 1a2b3c4d5e
  v2 · fetched 2026-03-02 09:00 UTC ·
  commit 4f2a9c1b3d
  v3 · fetched 2026-03-03 09:00 UTC ·
  commit 5e6f7a8b9c ·
  https://harbour.example/council?
  from=feed (this version)
"""


@pytest.mark.parametrize("width, expected", [(80, BLAME_80), (40, BLAME_40)])
def test_blame_view(width: int, expected: str) -> None:
    assert render(BlameView(fixed_blame()), width) == expected


def test_blame_view_shades_versions_by_age() -> None:
    out = render(BlameView(fixed_blame()), 80, color="always")
    assert "\x1b[1;32mv3\x1b[0m" in out  # this version: bold green
    assert "\x1b[2mv1" in out  # the oldest: dim


HISTORY_VIEW = """\
history of ¶2 (index 1) of harbour.example--council-4780aa63@v3
https://harbour.example/council
origin v1 · last change v3 · 1 edit
  The council met on Wednesday.

v1 · fetched 2026-03-01 09:00 UTC · commit 1a2b3c4d5e
+ FIRST APPEARED  paragraph · ¶1
+ The council met on Tuesday.

v2 · fetched 2026-03-02 09:00 UTC · commit 4f2a9c1b3d
- REMOVED  paragraph · was ¶1
- The council met on Tuesday.

v3 · fetched 2026-03-03 09:00 UTC · commit 5e6f7a8b9c · https://harbour.example/council?from=feed
~ CHANGED  paragraph · ¶2 [names]
  The council met on [-Tuesday-]{+Wednesday+}.

3 events in 3 versions · ¶ numbers count each version's blocks from 1
"""


def fixed_history(text: str = "The council met on Wednesday.") -> ParagraphHistory:
    old = "The council met on Tuesday."
    events = (HistoryEvent("added", R1, None, Change("added", "paragraph", (), (0,), None, old)),
              HistoryEvent("removed", R2, R1, Change("removed", "paragraph", (0,), (), old, None)),
              HistoryEvent("changed", R3, R2, Change("changed", "paragraph", (1,), (1,), old, text, 0.9,
                                                     ("names",), (("=", "The council met on "), ("-", "Tuesday"),
                                                                  ("+", "Wednesday"), ("=", ".")))))
    return ParagraphHistory(R3, URL, 1, Block("paragraph", text), Lineage(R1, R3, 1), events)


def test_history_view() -> None:
    assert render(HistoryView(fixed_history()), 100) == HISTORY_VIEW


def test_history_json_of_a_fixed_history() -> None:
    data = history_json(fixed_history())
    validate_history(data)
    assert data["events"][2]["change"]["words"][1] == ["-", "Tuesday"]


@pytest.mark.parametrize("width", [40, 41, 57, 80, 123, 200])
def test_views_fit_every_width(width: int) -> None:
    long = "Wordy " * 60 + "x" * 90  # one unbreakable word longer than the narrowest terminal
    for view in (BlameView(fixed_blame(long)), HistoryView(fixed_history(long))):
        lines = render(view, width).splitlines()
        assert all(cell_len(line) <= width for line in lines), view
        assert all(line == line.rstrip() for line in lines)


HOSTILE = ["[bold red]x[/] [link=https://evil.example]click[/link]", "\x1b[31mred\x1b[0m\x1b[2J",
           "safe\u202eevil\u202c\u2066x\u2069", "bell\x07back\x08cr\r\x00\x9b31m"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_article_text_stays_inert(text: str) -> None:
    for view in (BlameView(fixed_blame(text)), HistoryView(fixed_history(text))):
        for width in (40, 120):
            plain = render(view, width)
            assert "\x1b" not in plain
            assert not any(ch in plain for ch in "\u202e\u202c\u2066\u2069\x07\x08\r\x00\x9b")
            assert re.sub("\x1b\\[[0-9;]*m", "", render(view, width, color="always")) == plain
    assert "[bold red]x[/]" in render(BlameView(fixed_blame(HOSTILE[0])), 200)


def test_blame_json_of_a_fixed_blame(validate) -> None:
    data = blame_json(fixed_blame())
    validate(data, "blame")
    assert data["blocks"][0] == {"index": 0, "kind": "title", "text": "Council backs harbour budget",
                                 "origin": R1.to_json(), "last_changed": R2.to_json(), "edits": 1}
