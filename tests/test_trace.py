"""trace: where every paragraph appeared first across the store (shingles, the index, the command)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rich.console import Console

from provtrack.model import Block
from provtrack.render.theme import THEME
from provtrack.render.traceview import TraceView
from provtrack.shingles import SAMPLE, SHORT, fingerprint, resemblance, text_key, words
from provtrack.store import Store
from provtrack.trace import trace_source
from provtrack.traceindex import INDEX_FILE, TraceIndex
from provtrack.tracker import snapshot

EXAMPLES = Path(str(resources.files("provtrack") / "examples"))
COPY = EXAMPLES / "kestrel-flood-copy" / "copy.html"
COPY_URL = "https://www.tricountydigest.example/2026/02/05/dam-failure-floods-kestrel-valley"
LEDGER_URL = "https://www.valleyledger.example/news/2026/02/05/kestrel-valley-flood-evacuation"
LONG = ("The county opened four shelters including the Millbrook High School gym and the Ferris Hall "
        "Community Centre and asked residents with vehicles to leave the valley by the northern highway "
        "before the second crest of the Lark River reached the lower bridge late on Thursday night")


# -- shingles: pure ------------------------------------------------------------------------

def test_text_key_ignores_case_punctuation_spacing_and_quote_style():
    a = words("“We have accounted for most families,” said Chief Torres.")
    b = words('"we have  accounted for most families" said chief torres')
    assert a == b and text_key(a) == text_key(b)
    assert text_key(words("55,000 residents")) != text_key(words("60,000 residents"))


def test_short_texts_keep_every_shingle_long_ones_a_sample():
    short = words("Flood waters force 60,000 from homes in Kestrel Valley")
    assert len(short) <= SHORT and len(fingerprint(short)) == len(short) - 2
    long = words(LONG)
    assert len(long) > SHORT and 2 <= len(fingerprint(long)) < len(long) - 2
    assert fingerprint([]) == []
    assert len(fingerprint(["word"])) == 1


@given(st.integers(min_value=0, max_value=30), st.integers(min_value=8, max_value=40))
def test_sampled_shingles_of_an_excerpt_are_shingles_of_the_whole(start, length):
    whole = words(LONG + " " + LONG.replace("county", "state"))
    part = whole[start:start + length]
    sampled = [h for h in fingerprint(part) if h % SAMPLE == 0]
    assert set(sampled) <= set(fingerprint(whole)) | {h for h in fingerprint(whole)}  # content-defined
    assert all(h in fingerprint(whole) for h in sampled)


@pytest.mark.parametrize("text, earlier, match", [
    ("Rescue boats on Quarry Street.", "rescue boats on quarry street", "exact"),
    ("Officials ordered the evacuation of 60,000 residents across Kestrel Valley on Thursday",
     "Officials ordered the evacuation of 55,000 residents across Kestrel Valley on Thursday", "near"),
    ("We have accounted for most families, but 14 people are still missing, said Fire Chief Ana Torres.",
     "We have accounted for most families, but 14 people are still missing, said Fire Chief Ana Torres at a "
     "briefing in Millbrook shortly after 6 a.m. on the steps of the town hall", "excerpt"),
    ("Water reached the first-floor windows of homes along the Lark River by dawn, and the county closed "
     "every road south of the Millbrook bridge, and a second evacuation order followed at noon for all of "
     "the riverside streets in Ashby and Corran",
     "Water reached the first-floor windows of homes along the Lark River by dawn, and the county closed "
     "every road south of the Millbrook bridge.", "extended"),
    ("The mayor praised the volunteers who worked through the night in the rain.",
     "Forecasters expect another 40 mm of rain before Friday evening in the valley.", None),
    ("Kestrel Fairground", "Kestrel Fairground pavilion", None),  # short texts: exact or nothing
])
def test_resemblance(text, earlier, match):
    found = resemblance(words(text), words(earlier))
    assert (found.match if found else None) == match
    if found:
        assert 0 <= found.similarity <= 1


# -- the index and trace_source ----------------------------------------------------------------

@pytest.fixture
def ledger(tmp_path, example_pages) -> Store:
    """A store holding the three-version example article."""
    store = Store(tmp_path / "store", create=True)
    for i, (page, at) in enumerate(zip(example_pages, ["08:10", "11:45", "16:20"]), 1):
        path = tmp_path / f"v{i}.html"
        path.write_bytes(page)
        snapshot(store, str(path), url=LEDGER_URL, at=f"2026-02-05T{at}:00Z")
    return store


def _statuses(result):
    return [(line.status, line.origin.resemblance.match if line.origin else None) for line in result.lines]


def test_copy_on_another_site_shows_added_claims_as_no_known_origin(ledger):
    result = trace_source(ledger, str(COPY))
    assert result.article is None and result.version is None
    assert _statuses(result) == [
        ("unknown", None),          # the aggregator's own headline
        ("elsewhere", "near"),      # lead copied (v1 said 55,000; the copy has v3's 60,000)
        ("unknown", None),          # a claim the original never made
        ("elsewhere", "excerpt"),   # quote trimmed
        ("elsewhere", "exact"),     # caption copied
        ("elsewhere", "near"),      # reworded paragraph
        ("elsewhere", "exact"),     # shelters paragraph copied
        ("unknown", None),          # another added claim
    ]
    lead = result.lines[1]
    assert lead.origin.ref.version == 1 and lead.origin.ref.fetched_at == "2026-02-05T08:10:00+00:00"
    assert lead.origin.ref.url == LEDGER_URL
    assert result.indexed_articles == 1 and result.indexed_versions == 3


def test_stored_copy_own_versus_elsewhere_and_time_cut(ledger, tmp_path):
    snapshot(ledger, str(COPY), url=COPY_URL, at="2026-02-05T18:30:00Z")
    copy = trace_source(ledger, "tricountydigest")
    assert copy.article.startswith("tricountydigest.example--") and copy.version.version == 1
    assert [s for s, _ in _statuses(copy)] == ["own", "elsewhere", "own", "elsewhere", "elsewhere", "elsewhere",
                                                "elsewhere", "own"]
    shelters = next(line for line in copy.lines if line.block.text.startswith("The county opened"))
    assert shelters.origin.ref.article != copy.article and shelters.elsewhere == shelters.origin
    assert shelters.articles == 2
    # the original, traced as of any version: the copy was fetched later, so it never counts
    for rev in ("v1", "latest"):
        original = trace_source(ledger, f"valleyledger@{rev}")
        assert {line.status for line in original.lines} == {"own"}
        assert all(line.elsewhere is None and line.articles == 1 for line in original.lines)
    # the saved file again: its canonical URL names the stored copy, so its own text is "own"
    fresh = trace_source(ledger, str(COPY))
    assert fresh.article == copy.article and fresh.version is None
    assert _statuses(fresh) == _statuses(copy)


def test_earliest_article_wins_even_when_imported_later(ledger, tmp_path):
    early = tmp_path / "early.html"
    early.write_text("<html><head><title>Wire</title></head><body><article><h1>Wire copy</h1>"
                     "<p>The Brannock Reservoir was built in 1962 and was last inspected in 2023, according "
                     "to state records reviewed by the Ledger.</p></article></body></html>")
    snapshot(ledger, str(early), url="https://wire.example/brannock", at="2026-02-05T07:00:00Z")
    result = trace_source(ledger, "valleyledger")
    line = next(line for line in result.lines if line.block.text.startswith("The Brannock Reservoir"))
    assert line.status == "elsewhere"
    assert line.origin.ref.url == "https://wire.example/brannock"


def test_snapshot_keeps_the_index_current(ledger):
    index = TraceIndex(ledger)
    assert index.path.exists()
    assert index.refresh() == 0  # nothing left to read: every snapshot recorded itself
    assert index.stats() == (1, 3)


def test_index_catches_up_rebuilds_and_recovers(ledger, tmp_path):
    index = TraceIndex(ledger)
    index.discard()
    assert trace_source(ledger, "valleyledger").indexed_versions == 3  # built from git on first use
    # damaged file: rebuilt from git
    index.path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{index.path}{suffix}").unlink(missing_ok=True)
    assert trace_source(ledger, str(COPY)).count("elsewhere") == 5
    # history rewritten under the index (main moved back): rebuilt, the dropped version forgotten
    ledger.repo.git.update_ref("refs/heads/main", "main~1")
    ledger.repo.git.reset("--hard", "-q")
    result = trace_source(ledger, "valleyledger")
    assert result.indexed_versions == 2 and result.version.version == 2


def test_plain_git_clone_traces(ledger, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ledger.path), str(clone)], check=True)
    assert not (clone / ".git" / "provtrack" / INDEX_FILE).exists()
    result = trace_source(Store(clone), str(COPY))
    assert result.count("elsewhere") == 5 and result.indexed_versions == 3


def test_concurrent_refresh_is_safe(ledger):
    TraceIndex(ledger).discard()
    procs = [subprocess.Popen(["python", "-c", "import sys; from provtrack.store import Store; "
                               "from provtrack.traceindex import TraceIndex; "
                               "print(TraceIndex(Store(sys.argv[1])).refresh())", str(ledger.path)],
                              stdout=subprocess.PIPE, text=True) for _ in range(3)]
    added = sorted(int(p.communicate()[0]) for p in procs)
    assert added == [0, 0, 3]
    assert TraceIndex(ledger).stats() == (1, 3)


@settings(max_examples=25)
@given(st.sampled_from(["v1", "v2", "v3", "latest"]))
def test_origins_never_come_after_the_traced_version(ledger_store, rev):
    result = trace_source(ledger_store, f"valleyledger@{rev}")
    for line in result.lines:
        assert line.status != "unknown"  # every block of a stored version is in the index
        assert line.origin.ref.fetched_at <= result.version.fetched_at
        assert line.origin.ref.version <= result.version.version


@pytest.fixture(scope="module")
def ledger_store(tmp_path_factory):
    folder = EXAMPLES / "kestrel-flood"
    store = Store(tmp_path_factory.mktemp("ledger") / "store", create=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    for version in manifest["versions"]:
        snapshot(store, str(folder / version["file"]), url=manifest["url"], at=version["fetched_at"])
    return store


# -- the command ---------------------------------------------------------------------------

def _unclaimed_copy() -> bytes:
    """The example copy as found on yet a third site: no canonical link, and one paragraph of its own."""
    page = COPY.read_bytes().replace(b'<link rel="canonical"', b'<link rel="alternate"')
    return page.replace(b"</div>\n  <div class=\"share\">", b"<p>Nothing like this sentence about the Orrin "
                        b"Valley ferry strike exists in any stored article yet.</p></div>\n  <div class=\"share\">")


def test_trace_command_json_validates(run, tmp_path, validate):
    demo = run("demo", "--store", str(tmp_path / "store"))
    assert demo.exit_code == 0 and "5 of its 8 blocks were found earlier" in demo.stdout.replace("\n", " ")
    stored = json.loads(run("trace", "tricountydigest", "--format", "json").stdout)
    validate(stored, "trace")
    assert stored["summary"] == {"elsewhere": 5, "own": 3, "unknown": 0}
    result = run("trace", "-", "--format", "json", input=_unclaimed_copy())
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data, "trace")
    # a copy of the copy: the Digest's own claims trace to the Digest, the rest to the Ledger
    assert data["article"] is None and data["summary"] == {"elsewhere": 8, "own": 0, "unknown": 1}
    assert data["blocks"][2]["origin"]["snapshot"]["url"] == COPY_URL
    assert data["blocks"][4]["origin"]["snapshot"]["url"] == LEDGER_URL
    assert data["blocks"][4]["articles"] == 2
    assert data["blocks"][8]["status"] == "unknown" and data["blocks"][8]["origin"] is None
    stored = json.loads(run("trace", "valleyledger@v2", "--format", "json", "--rebuild").stdout)
    validate(stored, "trace")
    assert stored["version"]["version"] == 2 and stored["summary"]["own"] == len(stored["blocks"])


def test_trace_command_rich_view(run, tmp_path):
    run("demo", "--store", str(tmp_path / "store"))
    out = run("trace", "-", input=_unclaimed_copy()).stdout
    assert "? NO KNOWN ORIGIN" in out and "◆ FOUND EARLIER ELSEWHERE" in out
    assert "Sources close to the reservoir’s operator" in out
    assert "other articles named above:" in out and LEDGER_URL in out.replace("\n  ", "")
    assert out.rstrip().endswith("9 blocks: 8 found earlier in other articles, 1 with no known origin")


def test_trace_command_errors(run, tmp_path):
    result = run("trace", str(COPY))
    assert result.exit_code == 1 and result.stderr.startswith("provtrack: error: no store at")
    assert run("init").exit_code == 0
    result = run("trace", str(COPY))
    assert result.exit_code == 2 and "holds no articles" in result.stderr and "\n" not in result.stderr.strip()
    run("demo", "--store", str(tmp_path / "store"))
    result = run("trace", "no-such-article@v1")
    assert result.exit_code != 0 and result.stderr.startswith("provtrack: error:")
    result = run("trace", "valleyledger@v9")
    assert result.exit_code != 0 and "has no version 9" in result.stderr


def test_trace_view_never_interprets_article_text(ledger, tmp_path):
    hostile = tmp_path / "hostile.html"
    hostile.write_text("<html><body><article><h1>[bold red]Injected[/] \x1b[31mred\x1b[0m \u202eevil</h1>"
                       "<p>[link=https://evil.example]click[/link] and \x1b]8;;https://evil.example\x07osc</p>"
                       "</article></body></html>")
    result = trace_source(ledger, str(hostile))
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None, theme=THEME).print(TraceView(result))
    out = buffer.getvalue()
    assert "[bold red]Injected[/]" in out and "[link=https://evil.example]click[/link]" in out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    # text that reached the store some other way (blocks are data): escapes shown, never acted on
    from dataclasses import replace
    line = replace(result.lines[0], block=Block("title", "[b]x[/b] \x1b[2J \u202egnirts\x07"))
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None, theme=THEME).print(TraceView(replace(result, lines=(line,))))
    out = buffer.getvalue()
    assert "[b]x[/b] \\x1b[2J \\u202egnirts\\x07" in out and "\x1b" not in out


def test_trace_source_from_a_local_server(ledger, page_server):
    page_server.pages["/copy"] = (200, {"Content-Type": "text/html; charset=utf-8"}, COPY.read_bytes())
    result = trace_source(ledger, page_server.url("/copy"))
    assert result.count("elsewhere") == 5 and result.count("unknown") == 3


def test_traced_blocks_are_the_extracted_ones(ledger):
    result = trace_source(ledger, "valleyledger@v3")
    assert [line.block for line in result.lines] == list(ledger.read_blocks(result.version))
    assert all(isinstance(line.block, Block) for line in result.lines)


def test_no_index_left_half_built_when_git_fails(ledger, monkeypatch):
    index = TraceIndex(ledger)
    index.discard()

    def broken(*args, **kwargs):
        raise RuntimeError("git went away")

    monkeypatch.setattr(TraceIndex, "_versions", broken)
    with pytest.raises(RuntimeError):
        index.refresh()
    monkeypatch.undo()
    assert index.stats() == (0, 0)  # the failed build left nothing behind
    assert index.refresh() == 3


def test_git_is_not_needed_for_the_pure_part():
    code = "import sys, provtrack.shingles; print(any(m in sys.modules for m in ('git', 'rich', 'click')))"
    assert subprocess.run(["python", "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_example_copy_is_shipped():
    assert COPY.exists() and shutil.which("git")


def test_trace_view_exact_output():
    from provtrack.model import Side, SnapshotRef
    from provtrack.shingles import Resemblance
    from provtrack.trace import TraceLine, TraceResult
    from provtrack.traceindex import Occurrence

    wire = SnapshotRef("wire.example--dam-1a2b3c4d", 2, "a" * 40, "2026-02-05T07:00:00+00:00", "https://wire.example/dam")
    own = SnapshotRef("digest.example--copy-5e6f7a8b", 1, "b" * 40, "2026-02-05T18:30:00+00:00", "https://digest.example/c")
    lines = (
        TraceLine(0, Block("title", "Dam fails"), "own", Occurrence(own, Resemblance("exact", 1.0)), None, 1),
        TraceLine(1, Block("paragraph", "Officials ordered 60,000 residents out."), "elsewhere",
                  Occurrence(wire, Resemblance("near", 0.875)), Occurrence(wire, Resemblance("near", 0.875)), 3),
        TraceLine(2, Block("paragraph", "A claim nobody else made."), "unknown", None, None, 0),
    )
    side = Side(location="https://digest.example/c", sha256="c" * 64, fetched_at=own.fetched_at, ref=own)
    result = TraceResult(side, own.article, own, lines, 2, 5)
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None, theme=THEME).print(TraceView(result))
    assert buffer.getvalue() == (
        "trace digest.example--copy-5e6f7a8b@v1 · fetched 2026-02-05 18:30 UTC · commit bbbbbbbbbb ·\n"
        "https://digest.example/c\n"
        "against 2 stored articles (5 versions), counting versions fetched up to 2026-02-05 18:30 UTC\n"
        "\n"
        "¶1 title ● FIRST SEEN HERE\n"
        "    Dam fails\n"
        "\n"
        "¶2 paragraph ◆ FOUND EARLIER ELSEWHERE\n"
        "    first: wire.example--dam-1a2b3c4d@v2 · 2026-02-05 07:00 UTC · commit aaaaaaaaaa ·\n"
        "    nearly the same text, 88% similar\n"
        "    also held by 1 more stored article\n"
        "    Officials ordered 60,000 residents out.\n"
        "\n"
        "¶3 paragraph ? NO KNOWN ORIGIN\n"
        "    A claim nobody else made.\n"
        "\n"
        "other articles named above:\n"
        "  wire.example--dam-1a2b3c4d https://wire.example/dam\n"
        "\n"
        "3 blocks: 1 found earlier in other articles, 1 first seen in this article, 1 with no known origin\n"
    )


# -- bounded work on hostile pages ----------------------------------------------------------------

def _page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>Minutes</title></head><body><article><h1>Gullhaven minutes</h1>{body}</article></body></html>".encode()


def test_many_near_identical_lines_trace_without_comparing_each_to_all(tmp_path, monkeypatch):
    """Lines of one house template share common shingles; only rare ones propose candidates."""
    import provtrack.shingles as shingles_module

    lines = [f"Item {i} on the agenda of the fictional Gullhaven harbour committee was deferred." for i in range(400)]
    original, reworded = tmp_path / "minutes.html", tmp_path / "copy.html"
    original.write_bytes(_page(lines))
    store = Store(tmp_path / "store", create=True)
    snapshot(store, str(original), url="https://gull.example/minutes", at="2026-03-01T09:00Z")
    copy = [*lines[:5], "Item 7 on the agenda of the fictional Gullhaven harbour committee was deferred again."]
    reworded.write_bytes(_page(copy))
    calls = []
    real = shingles_module.SequenceMatcher
    monkeypatch.setattr(shingles_module, "SequenceMatcher", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = trace_source(store, str(reworded))
    assert [line.origin.resemblance.match for line in result.lines[1:]] == ["exact"] * 5 + ["near"]
    assert result.lines[-1].origin.resemblance.similarity > 0.75 and not result.notes
    assert len(calls) < 100  # not 6 x 12 candidates x the whole template


def test_a_work_limit_keeps_exact_matches_and_says_what_it_skipped(ledger, monkeypatch, run, tmp_path):
    import provtrack.traceindex as traceindex

    monkeypatch.setattr(traceindex, "_MAX_CONFIRMATIONS", 1)
    result = trace_source(ledger, str(COPY))
    assert [s for s, _ in _statuses(result)].count("elsewhere") >= 2  # the exact copies are still found
    assert result.notes and "work limit" in result.notes[0]
    view = io.StringIO()
    Console(file=view, width=100, color_system=None, theme=THEME).print(TraceView(result))
    assert "note: near copies not searched for" in view.getvalue()


def test_a_huge_repetitive_paragraph_is_compared_in_bounded_time():
    long = ["word"] * 200_000
    assert resemblance(long, long[:-10]).match == "near"  # SequenceMatcher alone is quadratic here
    varied = [f"w{i % 997}" for i in range(50_000)]
    assert resemblance(varied[:20_000], varied).match == "excerpt"
    assert resemblance(varied, [f"x{i}" for i in range(50_000)]) is None


def test_a_copy_on_another_site_naming_the_original_as_canonical_is_not_the_original(ledger, page_server):
    """As `snapshot` decides identity: the canonical link counts only on the page's own site, so
    the original's paragraphs in the copy are found elsewhere, not the copy's own."""
    original = (EXAMPLES / "kestrel-flood" / "v1.html").read_bytes()
    copy = original.replace(b"</head>", f'<link rel="canonical" href="{LEDGER_URL}"></head>'.encode(), 1)
    page_server.pages["/syndicated"] = (200, {"Content-Type": "text/html; charset=utf-8"}, copy)
    result = trace_source(ledger, page_server.url("/syndicated"))
    assert result.article is None
    assert {line.status for line in result.lines} == {"elsewhere"}
