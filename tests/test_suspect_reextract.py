"""Suspect fetches (a collapsed page is kept as evidence, not stored as a version) and re-extraction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest

from provtrack import reextract as reextract_module
from provtrack.model import Block
from provtrack.store import Store
from provtrack.suspect import shrinkage, suspect_fetches
from provtrack.tracker import resolve_spec, snapshot, stored_diff

URL = "https://www.valleyledger.example/news/2026/02/05/kestrel-valley-flood-evacuation"
PAYWALL = (b"<html><head><title>Flood waters force 60,000 from homes in Kestrel Valley</title>"
           b'<link rel="canonical" href="' + URL.encode() + b'"></head><body><article>'
           b"<h1>Flood waters force 60,000 from homes in Kestrel Valley</h1>"
           b"<p>This story is for subscribers of the Valley Ledger. Subscribe today to keep reading.</p>"
           b"</article></body></html>")


@pytest.fixture
def ledger(tmp_path, example_pages) -> Store:
    store = Store(tmp_path / "store", create=True)
    for i, (page, at) in enumerate(zip(example_pages, ["08:10", "11:45", "16:20"]), 1):
        path = tmp_path / f"v{i}.html"
        path.write_bytes(page)
        snapshot(store, str(path), url=URL, at=f"2026-02-05T{at}:00Z")
    return store


def _page(tmp_path, data: bytes, name: str = "page.html") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("before, after, suspect", [
    (200, 99, True), (200, 100, False), (79, 1, False), (80, 39, True), (80, 80, False), (0, 0, False),
])
def test_shrinkage_thresholds(before, after, suspect):
    prev = [Block("paragraph", " ".join(["word"] * before))] if before else []
    cur = [Block("paragraph", " ".join(["word"] * after))] if after else []
    reason = shrinkage(prev, cur, version=3)
    assert (reason is not None) == suspect
    if reason:
        assert reason.startswith(f"text {round(100 * (before - after) / before)}% shorter than v3")


@pytest.mark.parametrize("after, signals, suspect", [
    (150, ("paywall",), True), (179, ("consent",), True), (180, ("paywall",), False), (150, ("jsonld-body",), False),
    (150, (), False), (250, ("error-page",), False),
])
def test_page_signals_make_a_smaller_loss_suspect(after, signals, suspect):
    prev = [Block("paragraph", " ".join(["word"] * 200))]
    cur = [Block("paragraph", " ".join(["word"] * after))]
    reason = shrinkage(prev, cur, version=2, signals=signals)
    assert (reason is not None) == suspect
    if reason:
        assert reason.endswith(f"the page shows signs of: {signals[0]}")


def test_a_paywalled_page_missing_a_few_paragraphs_is_suspect(ledger, tmp_path):
    page = (tmp_path / "v3.html").read_bytes()
    start = page.index(b"<p>Water reached")
    cut = page[:start] + page[page.index(b"<h2>", start):]  # two paragraphs fewer
    cut = cut.replace(b'"@type": "NewsArticle",', b'"@type": "NewsArticle", "isAccessibleForFree": false,')
    result = snapshot(ledger, _page(tmp_path, cut, "metered.html"), url=URL, at="2026-02-06T08:00:00Z")
    assert result.suspect is not None and "paywall" in result.suspect.reason
    honest = snapshot(ledger, _page(tmp_path, cut.replace(b'"isAccessibleForFree": false,', b""), "cut.html"),
                      url=URL, at="2026-02-06T09:00:00Z")
    assert honest.created and honest.suspect is None  # the same cut without the paywall mark is an edit


def test_paywall_page_is_kept_as_evidence_not_as_a_version(ledger, tmp_path):
    head = ledger.head()
    result = snapshot(ledger, _page(tmp_path, PAYWALL), url=URL, at="2026-02-06T08:00:00Z")
    assert not result.created and result.ref.version == 3 and result.suspect is not None
    assert "shorter than v3" in result.suspect.reason and "paywall" in result.suspect.reason
    article = result.article
    assert [v.ref.version for v in ledger.versions(article)] == [1, 2, 3]  # no v4
    # the evidence: its own commit on main, with the fetch record, the blocks and the raw bytes
    commit = ledger.repo.commit(result.suspect.commit)
    assert commit.parents[0].hexsha == head
    folder = commit.tree / "suspect"
    files = {blob.name: blob for blob in folder.traverse() if blob.type == "blob"}
    assert set(files) == {"fetch.json", "blocks.txt", "raw.html"}
    assert files["raw.html"].data_stream.read() == PAYWALL
    fetch = json.loads(files["fetch.json"].data_stream.read())
    assert fetch["suspect"]["compared_with"] == 3 and fetch["fetched_at"] == "2026-02-06T08:00:00+00:00"
    assert fetch["sha256"]["raw"] == hashlib.sha256(PAYWALL).hexdigest()
    assert "Provtrack-Suspect: " + article in commit.message
    assert suspect_fetches(ledger, article) == [result.suspect]
    # diffs say so instead of reporting mass deletions
    diff = stored_diff(ledger, resolve_spec(ledger, "valleyledger@v2"), resolve_spec(ledger, "valleyledger@v3"))
    assert any(n.startswith("suspect fetch at 2026-02-06T08:00:00+00:00") for n in diff.notes)
    early = stored_diff(ledger, resolve_spec(ledger, "valleyledger@v1"), resolve_spec(ledger, "valleyledger@v2"))
    assert not any("suspect" in n for n in early.notes)
    # the full page back: unchanged against v3, not a "restoration" of everything
    again = snapshot(ledger, _page(tmp_path, (tmp_path / "v3.html").read_bytes(), "again.html"), url=URL,
                     at="2026-02-06T09:00:00Z")
    assert not again.created and again.suspect is None and again.ref.version == 3


def test_accept_shorter_stores_the_cut_article(ledger, tmp_path):
    result = snapshot(ledger, _page(tmp_path, PAYWALL), url=URL, at="2026-02-06T08:00:00Z", accept_shorter=True)
    assert result.created and result.ref.version == 4 and result.suspect is None
    meta = ledger.read_meta(result.ref)
    assert "shorter than v3" in meta["accepted_shorter"]
    assert result.summary["removed"] > 5


def test_snapshot_command_says_suspect(run, tmp_path, example_pages):
    page = _page(tmp_path, example_pages[2], "v3.html")
    assert run("snapshot", page, "--url", URL, "--at", "2026-02-05T16:20Z").exit_code == 0
    out = run("snapshot", _page(tmp_path, PAYWALL), "--url", URL, "--at", "2026-02-06T08:00Z")
    assert out.exit_code == 0
    assert "SUSPECT fetch, not stored as a version (still v1)" in out.stdout
    assert "--accept-shorter" in out.stdout and "\n" not in out.stdout.strip()
    out = run("snapshot", _page(tmp_path, PAYWALL), "--url", URL, "--at", "2026-02-06T09:00Z", "--accept-shorter")
    assert "  v2  " in out.stdout
    data = json.loads(run("diff", "valleyledger", "v1", "v2", "--format", "json").stdout)
    assert any("suspect fetch at 2026-02-06T08:00:00+00:00" in n for n in data["notes"])
    # log: a closing line per suspect fetch, and the list in JSON beside the contract's fields
    log = run("log", "valleyledger").stdout
    assert "suspect fetch 2026-02-06 08:00 UTC after v1, kept as evidence, not a version" in log.replace("\n", " ")
    data = json.loads(run("log", "valleyledger", "--format", "json").stdout)
    assert [s["compared_with"] for s in data["suspect_fetches"]] == [1]
    assert "suspect fetch" in run("log", "valleyledger", "--format", "markdown").stdout


# -- re-extraction ---------------------------------------------------------------------------

def _newer_extractor(monkeypatch, *, change=True):
    """Pretend the extractor improved: same pages, one more caption block and a new version number."""
    original = reextract_module.extract

    def improved(raw, **kwargs):
        doc = original(raw, **kwargs)
        blocks = (*doc.blocks, Block("caption", "Map: the three flooded towns along the Lark River.")) if change else doc.blocks
        return replace(doc, blocks=blocks, extractor_version="9.9")

    monkeypatch.setattr(reextract_module, "extract", improved)


def test_reextract_records_a_new_version_with_its_provenance(ledger, monkeypatch, validate):
    from provtrack.render.jsonout import diff_json

    latest = resolve_spec(ledger, "valleyledger")
    before = ledger.read_meta(latest.ref)
    _newer_extractor(monkeypatch)
    dry = reextract_module.reextract(ledger, latest.ref.article, dry_run=True)
    assert dry.status == "would-change" and ledger.head() == latest.ref.commit
    result = reextract_module.reextract(ledger, latest.ref.article)
    assert result.status == "created" and result.ref.version == 4 and result.source_version == 3
    assert result.extractor_after.endswith("9.9") and result.summary["added"] == 1
    meta = ledger.read_meta(result.ref)
    assert meta["reextraction"]["of_version"] == 3 and meta["reextraction"]["of_commit"] == latest.ref.commit
    assert meta["extractor"]["version"] == "9.9"
    # the fetch provenance is that of v3: same bytes, same time, same HTTP record
    for key in ("fetched_at", "requested_url", "final_url", "http", "raw_file", "article_url"):
        assert meta[key] == before[key]
    assert meta["sha256"]["raw"] == before["sha256"]["raw"]
    assert ledger.read_raw(result.ref) == ledger.read_raw(latest.ref)
    message = ledger.repo.commit(result.ref.commit).message
    assert message.startswith(f"{latest.ref.article} v4: re-extraction of v3 (")
    assert "Provtrack-Reextracted-From: v3" in message
    diff = stored_diff(ledger, latest, resolve_spec(ledger, "valleyledger@v4"))
    assert [c.kind for c in diff.changes] == ["added"]
    assert any("v4 is a re-extraction of v3" in n and "not the publisher" in n for n in diff.notes)
    validate(diff_json(diff), "diff")
    # once more: nothing new to read
    assert reextract_module.reextract(ledger, latest.ref.article).status == "unchanged"


def test_reextract_skips_versions_without_raw_bytes(tmp_path, example_pages):
    store = Store(tmp_path / "store", create=True)
    snapshot(store, _page(tmp_path, example_pages[0]), url=URL, at="2026-02-05T08:10Z", keep_raw=False)
    result = reextract_module.reextract(store, store.resolve_article("valleyledger"))
    assert result.status == "skipped" and "--no-raw" in result.reason


def test_reextract_command(run, tmp_path, monkeypatch):
    run("demo", "--store", str(tmp_path / "store"))
    out = run("reextract", "--dry-run")
    assert out.exit_code == 0
    assert out.stdout.count("unchanged (v") == 2  # the ledger and the aggregator's copy read the same
    _newer_extractor(monkeypatch)
    out = run("reextract", "valleyledger", "--dry-run")
    assert "would store v4: re-extraction of v3" in out.stdout
    out = run("reextract", "valleyledger")
    assert "  v4  " in out.stdout and "re-extraction of v3" in out.stdout and "9.9" in out.stdout
    log = json.loads(run("log", "valleyledger", "--format", "json").stdout)
    assert [v["version"] for v in log["versions"]] == [1, 2, 3, 4]
    bad = run("reextract", "no-such-article")
    assert bad.exit_code != 0 and bad.stderr.startswith("provtrack: error:")


def test_an_older_fetch_of_the_same_text_is_a_check_not_an_error(ledger, tmp_path):
    """Two fetches racing for the lock: the one fetched first but committed second read the same page."""
    same = snapshot(ledger, _page(tmp_path, (tmp_path / "v3.html").read_bytes(), "race.html"), url=URL,
                    at="2026-02-05T16:19:00Z")
    assert not same.created and same.ref.version == 3
    with pytest.raises(Exception, match="a different copy fetched earlier"):
        snapshot(ledger, _page(tmp_path, (tmp_path / "v2.html").read_bytes(), "old.html"), url=URL,
                 at="2026-02-05T16:19:00Z")
