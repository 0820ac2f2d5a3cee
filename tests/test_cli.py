"""The command line, end to end through click's CliRunner, a real store and a local HTTP server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from provtrack import __version__
from provtrack.cli import COMMANDS, cli

URL = "https://www.valleyledger.example/news/2026/02/05/kestrel-valley-flood-evacuation"


@pytest.fixture
def saved_versions(tmp_path, example_pages):
    paths = []
    for i, page in enumerate(example_pages, 1):
        path = tmp_path / f"v{i}.html"
        path.write_bytes(page)
        paths.append(str(path))
    return paths


def _snapshot_example(run, paths, versions=(1, 2, 3)):
    times = {1: "2026-02-05T08:10:00Z", 2: "2026-02-05T11:45:00Z", 3: "2026-02-05T16:20:00Z"}
    for n in versions:
        result = run("snapshot", paths[n - 1], "--url", URL, "--at", times[n])
        assert result.exit_code == 0, result.output


def test_version_and_module_entry_point():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    proc = subprocess.run([sys.executable, "-m", "provtrack", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_snapshot_prints_id_version_commit_and_summary(run, saved_versions):
    first = run("snapshot", saved_versions[0], "--url", URL, "--at", "2026-02-05T08:10:00Z")
    assert first.exit_code == 0
    assert "valleyledger.example--kestrel-valley-flood-evacuation-" in first.output
    assert " v1 " in first.output and "first version" in first.output
    second = run("snapshot", saved_versions[1], "--url", URL, "--at", "2026-02-05T11:45:00Z")
    assert " v2 " in second.output and "~" in second.output and "duplicated" in second.output
    again = run("snapshot", saved_versions[1], "--url", URL, "--at", "2026-02-05T12:00:00Z")
    assert again.exit_code == 0 and "unchanged" in again.output and "v2" in again.output
    log = run("log", "valleyledger")
    assert "unchanged since v2 as of 2026-02-05T12:00:00+00:00" in log.output


def test_log_show_list_json_follow_the_contract(run, saved_versions, validate):
    _snapshot_example(run, saved_versions)
    data = json.loads(run("log", "valleyledger", "--format", "json").output)
    validate(data, "log")
    assert [v["version"] for v in data["versions"]] == [1, 2, 3]
    assert data["versions"][0]["fetched_at"] == "2026-02-05T08:10:00+00:00"
    assert data["versions"][1]["summary"]["duplicated"] == 1
    shown = json.loads(run("show", "valleyledger@v1", "--format", "json").output)
    validate(shown, "extract")
    assert shown["blocks"][0] == {"kind": "title", "text": "Flood waters force 55,000 from homes in Kestrel Valley"}
    text = run("show", "valleyledger@{2026-02-05T12:00Z}", "--format", "text").output
    assert "14 people are still missing" in text and "Critics" not in text
    listing = json.loads(run("list", "--format", "json").output)
    assert listing["articles"][0]["versions"] == 3
    store_log = json.loads(run("log", "--limit", "2", "--format", "json").output)
    assert [v["version"] for v in store_log["versions"]] == [3, 2]
    assert "valleyledger" in run("log").output


def test_demo_runs_offline_and_shows_log_and_diff(run, tmp_path):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Snapshotted 3 versions" in result.output
    assert "Critics were quick to blame" in result.output
    # the blame of the latest version: the inserted paragraph began in v3, the duplicate is flagged
    blame = result.output[result.output.index("provtrack blame:"):result.output.index("provtrack trace:")]
    lines = blame.splitlines()
    assert any(line.startswith("¶8   v3 ") and "Critics were quick" in line for line in lines)
    assert "(duplicate of ¶5)" in blame and any(line.startswith("¶2   v1 → v2 ×1") for line in lines)
    kept = run("demo", "--store", str(tmp_path / "demo"))
    assert kept.exit_code == 0
    assert json.loads(run("log", "valley", "--store", str(tmp_path / "demo"), "--format", "json").output)["versions"]


def test_done_when_two_fetches_of_a_live_page(run, page_server, example_pages, validate):
    """The issue's acceptance check: a page served twice, diffed as JSON with full provenance."""
    url = page_server.serve("/news/2026/02/05/kestrel-valley-flood-evacuation", example_pages[0])
    assert run("snapshot", url).exit_code == 0
    page_server.serve("/news/2026/02/05/kestrel-valley-flood-evacuation", example_pages[2])
    assert run("snapshot", url).exit_code == 0
    article = json.loads(run("list", "--format", "json").output)["articles"][0]["id"]
    result = run("diff", article, "--format", "json")
    data = json.loads(result.output)
    validate(data, "diff")
    changes = data["changes"]
    by_kind = {}
    for change in changes:
        by_kind.setdefault(change["kind"], []).append(change)
    added = [c["new_text"] for c in by_kind["added"]]
    assert added == [next(t for t in added if t.startswith("Critics were quick to blame"))]
    assert by_kind["duplicated"][0]["block_kind"] == "caption"
    figure = [c for c in by_kind["changed"] if "14 people" in (c["new_text"] or "")]
    assert figure and {"numbers", "quotes"} <= set(figure[0]["tags"])
    assert any("Brannock Reservoir was built in 1962" in c["new_text"] for c in by_kind["moved"])
    # sidebar, timestamps and comment counts changed between the fetches but are no change at all
    everything = json.dumps(changes)
    for chrome in ("Most read", "comments", "Updated", "live updates", "Subscribe", "cookies"):
        assert chrome not in everything
    for change in changes:
        prov = change["provenance"]["introduced_in"]
        assert prov["version"] == 2 and prov["url"] == url and prov["fetched_at"].endswith("+00:00")
        assert len(prov["commit"]) == 40
        assert change["provenance"]["origin"]["version"] in (1, 2)
    assert data["old"]["version"] == 1 and data["new"]["version"] == 2


def test_diff_across_versions_names_where_each_change_happened(run, saved_versions, validate):
    _snapshot_example(run, saved_versions)
    data = json.loads(run("diff", "valleyledger", "v1", "v3", "--format", "json").output)
    validate(data, "diff")
    introduced = {(c["kind"], (c["new_text"] or "")[:20]): c["provenance"]["introduced_in"]["version"]
                  for c in data["changes"]}
    assert introduced[("added", "Critics were quick t")] == 3
    assert introduced[("duplicated", "Rescue boats on Quar")] == 2
    figure = next(c for c in data["changes"] if "14 people" in (c["new_text"] or ""))
    assert figure["provenance"]["introduced_in"]["version"] == 2
    assert figure["provenance"]["origin"]["version"] == 1
    cross = json.loads(run("diff", "valleyledger@v1", "valleyledger@v2", "--format", "json").output)
    assert cross["old"]["version"] == 1 and cross["new"]["version"] == 2


def test_diff_views_and_exit_code(run, saved_versions):
    _snapshot_example(run, saved_versions)
    rich_view = run("diff", "valleyledger")
    assert rich_view.exit_code == 0
    assert "Critics were quick to blame" in rich_view.output
    assert "Ferris Hall" not in rich_view.output or "cosmetic" in rich_view.output.lower()
    assert run("diff", "valleyledger", "--exit-code").exit_code == 1
    assert run("diff", "valleyledger", "v2", "v2", "--exit-code").exit_code == 0
    markdown = run("diff", "valleyledger", "--format", "markdown")
    assert markdown.exit_code == 0 and "Critics" in markdown.output


def test_compare_two_files_without_a_store(run, saved_versions, validate, tmp_path):
    result = run("compare", saved_versions[0], saved_versions[1], "--format", "json")
    data = json.loads(result.output)
    validate(data, "diff")
    assert data["old"]["location"] == saved_versions[0]
    assert data["coarse_alignment"] is False and data["notes"] == []
    assert all(c["provenance"] == {"introduced_in": None, "origin": None} for c in data["changes"])
    assert not (tmp_path / "store").exists()


def test_extract_formats(run, saved_versions, validate):
    data = json.loads(run("extract", saved_versions[1], "--format", "json").output)
    validate(data, "extract")
    assert data["metadata"]["byline"] and "Castellanos" in data["metadata"]["byline"]
    text = run("extract", saved_versions[1], "--format", "text").output
    assert text.startswith("Flood waters force 60,000")
    assert "Rescue boats" in run("extract", saved_versions[1]).output


def test_stdin_and_plain_text(run, validate):
    body = "First paragraph\nstill first.\n\n\nSecond   paragraph.\n"
    data = json.loads(run("extract", "-", "--format", "json", input=body).output)
    assert [b["text"] for b in data["blocks"]] == ["First paragraph still first.", "Second paragraph."]
    assert run("snapshot", "-", input=body).exit_code == 2  # a usage error: stdin needs --url
    ok = run("snapshot", "-", "--url", "https://notes.example/a", input=body)
    assert ok.exit_code == 0 and "notes.example--a-" in ok.output


@pytest.mark.parametrize("args, code, message", [
    (["snapshot", "/no/such/file.html"], 1, "no such file"),
    (["show", "nothing"], 1, "no store"),
    (["snapshot", "ftp://news.example/x"], 2, "ftp"),
    (["diff"], 2, "Missing argument"),
    (["log", "--limit", "0"], 2, "Invalid value"),
    (["snapshot", "x.html", "--at", "yesterday"], 2, "bad timestamp"),
])
def test_expected_failures_are_one_line(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) <= 3 and "Traceback" not in result.stderr


def test_unknown_article_and_revision(run, saved_versions):
    _snapshot_example(run, saved_versions, versions=(1,))
    missing = run("show", "nosuchsite")
    assert missing.exit_code == 1 and "no article" in missing.output
    bad_rev = run("show", "valleyledger@v7")
    assert bad_rev.exit_code == 1 and "no version 7" in bad_rev.output
    only_one = run("diff", "valleyledger")
    assert only_one.exit_code == 1 and "only 1 version" in only_one.output


def test_failed_fetch_stores_nothing(run, page_server, tmp_path):
    missing = run("snapshot", page_server.url("/gone"))
    assert missing.exit_code == 1 and "404" in missing.output
    pdf = page_server.serve("/doc.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    assert run("snapshot", pdf).exit_code == 1
    assert not (tmp_path / "store").exists()  # a failed first snapshot does not even create the store
    assert "no store" in run("list").stderr


def test_redirects_and_headers_are_recorded(run, page_server, example_pages, tmp_path):
    final = page_server.serve("/story", example_pages[0], headers={"ETag": '"v1"', "Server": "fictional"})
    start = page_server.redirect("/old-link", page_server.url("/mid"))
    page_server.redirect("/mid", final, status=302)
    assert run("snapshot", start).exit_code == 0
    store_dir = tmp_path / "store"
    meta = json.loads(subprocess.run(["git", "-C", str(store_dir), "show", "main:" + _meta_path(store_dir)],
                                     capture_output=True, text=True, check=True).stdout)
    assert meta["requested_url"] == start and meta["final_url"] == final
    assert [r["status"] for r in meta["redirects"]] == [301, 302]
    assert meta["http"]["status"] == 200 and meta["http"]["headers"]["ETag"] == '"v1"'
    assert meta["sha256"]["raw"] and meta["raw_file"] == "raw.html"
    # the page declares a canonical link on another site: recorded, but it does not name the article
    assert meta["canonical_url"] == URL
    assert meta["article_url"] == final
    trailers = subprocess.run(["git", "-C", str(store_dir), "log", "-1", "--format=%(trailers)"],
                              capture_output=True, text=True, check=True).stdout
    assert f"Provtrack-URL: {start}" in trailers and "Provtrack-Version: 1" in trailers


def _meta_path(store_dir) -> str:
    files = subprocess.run(["git", "-C", str(store_dir), "ls-tree", "-r", "--name-only", "main"],
                           capture_output=True, text=True, check=True).stdout.split()
    return next(f for f in files if f.endswith("meta.json"))


def test_reverts_and_flip_flops_are_visible(run, validate):
    first = "The harbour board approved the new ferry timetable on Monday evening.\n\nTickets go on sale next week."
    second = "The harbour board rejected the new ferry timetable on Monday evening.\n\nTickets go on sale next week."
    for n, body in enumerate([first, second, first], 1):
        result = run("snapshot", "-", "--url", "https://ferries.example/timetable", "--at", f"2026-03-0{n}T09:00Z",
                     input=body)
        assert result.exit_code == 0 and f" v{n} " in result.output
    log = json.loads(run("log", "ferries", "--format", "json").output)
    validate(log, "log")
    assert [v["reverts_to"] for v in log["versions"]] == [None, None, 1]
    assert "reverted to v1" in run("log", "ferries").output
    diff = json.loads(run("diff", "ferries", "--format", "json").output)
    validate(diff, "diff")
    assert diff["notes"] == ["v3 has the same text as v1 (reverted to v1)"]
    (change,) = diff["changes"]
    assert change["kind"] == "changed" and "restored" in change["tags"]
    assert change["provenance"]["origin"]["version"] == 1
    assert "note: v3 has the same text as v1" in run("diff", "ferries").output


def test_init_and_no_raw(run, tmp_path, saved_versions):
    result = run("init", "--store", str(tmp_path / "fresh"))
    assert result.exit_code == 0 and "store ready" in result.output
    assert json.loads(run("list", "--store", str(tmp_path / "fresh"), "--format", "json").output)["articles"] == []
    assert run("snapshot", saved_versions[0], "--url", URL, "--no-raw").exit_code == 0
    files = subprocess.run(["git", "-C", str(tmp_path / "store"), "ls-tree", "-r", "--name-only", "main"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert any(f.endswith("blocks.txt") for f in files) and not any("/raw." in f for f in files)
    assert run("snapshot", saved_versions[1], "--url", URL).exit_code == 0  # raw kept again from now on
    files = subprocess.run(["git", "-C", str(tmp_path / "store"), "ls-tree", "-r", "--name-only", "main"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert any(f.endswith("/raw.html") for f in files)


def test_a_copy_on_another_site_never_joins_the_original(run, saved_versions, tmp_path, page_server):
    _snapshot_example(run, saved_versions, versions=(3,))
    copy = tmp_path / "copy.html"
    copy.write_text(open(saved_versions[2]).read().replace("Hal Petrosyan", "Hal Petrosyan and his allies"))
    result = run("snapshot", str(copy), "--url", "https://copy.example/stolen-story", "--at", "2026-02-06T10:00Z")
    assert result.exit_code == 0 and "copy.example--stolen-story-" in result.output and " v1 " in result.output
    # served from another host, declaring the original as canonical: still its own article
    served = page_server.serve("/mirror", copy.read_bytes())
    assert " v1 " in run("snapshot", served).output
    listing = json.loads(run("list", "--format", "json").output)["articles"]
    assert sorted(a["versions"] for a in listing) == [1, 1, 1]
    original = next(a for a in listing if a["id"].startswith("valleyledger"))
    assert original["url"] == URL
    # a saved file that declares its canonical link is filed under it without --url
    assert " v2 " in run("snapshot", saved_versions[2].replace("v3", "v1"), "--at", "2026-02-07T10:00Z").output


def test_reverse_and_cross_article_diffs(run, saved_versions, validate):
    _snapshot_example(run, saved_versions)
    back = json.loads(run("diff", "valleyledger", "v3", "v1", "--format", "json").output)
    validate(back, "diff")
    assert back["notes"][0].startswith("reverse diff")
    assert {c["kind"] for c in back["changes"]} >= {"removed", "changed"}
    forward = json.loads(run("diff", "valleyledger", "v1", "v3", "--format", "json").output)
    assert not any("restored" in c["tags"] for c in forward["changes"])


@pytest.mark.parametrize("args, message", [
    (["--url", "https://user:pw@news.example/x"], "user name or password"),
    (["--url", "ftp://news.example/x"], "--url must be an http(s) URL"),
    (["--url", "https://news.example/x", "--at", "1960-01-01T00:00Z"], "outside the range"),
    (["--url", "https://news.example/x", "--at", "9999-12-31T23:59Z"], "outside the range"),
])
def test_bad_import_options_are_usage_errors(run, saved_versions, args, message):
    result = run("snapshot", saved_versions[0], *args)
    assert result.exit_code == 2 and message in result.stderr


def test_imports_must_arrive_in_time_order(run, saved_versions):
    _snapshot_example(run, saved_versions, versions=(2,))
    result = run("snapshot", saved_versions[0], "--url", URL, "--at", "2026-02-05T08:10:00Z")
    assert result.exit_code == 2 and "cannot be added after it" in result.stderr


def test_store_wide_log_orders_by_fetch_time(run, saved_versions):
    run("snapshot", "-", "--url", "https://a.example/x", "--at", "2026-02-05T10:00Z", input="late story")
    run("snapshot", "-", "--url", "https://b.example/y", "--at", "2026-02-01T10:00Z", input="early story")
    run("snapshot", "-", "--url", "https://a.example/x", "--at", "2026-02-06T10:00Z", input="later story")
    data = json.loads(run("log", "--format", "json").output)["versions"]
    assert [v["fetched_at"][:10] for v in data] == ["2026-02-06", "2026-02-05", "2026-02-01"]
    assert not any(v["title_changed"] for v in data)
    since = json.loads(run("log", "--since", "2026-02-05", "--format", "json").output)["versions"]
    assert len(since) == 2


def test_revision_errors_name_the_revision(run, saved_versions):
    _snapshot_example(run, saved_versions, versions=(1, 2))
    bad = run("show", "valleyledger@xyz")
    assert bad.exit_code == 2 and "bad revision 'xyz'" in bad.stderr
    assert run("show", "").exit_code == 2
    assert json.loads(run("diff", "valleyledger@v1", "v2", "--format", "json").output)["new"]["version"] == 2
    for bad in ("vX", "latest~x"):
        result = run("diff", "valleyledger", bad)
        assert result.exit_code == 2 and "neither a revision" in result.stderr


def test_commits_use_the_store_identity_not_the_global_one(run, saved_versions, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Private Person\n\temail = me@home.example\n")
    _snapshot_example(run, saved_versions, versions=(1,))
    author = subprocess.run(["git", "-C", str(tmp_path / "store"), "log", "-1", "--format=%an <%ae>|%cn"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert author == "provtrack <provtrack@localhost>|provtrack"
    subprocess.run(["git", "-C", str(tmp_path / "store"), "config", "user.name", "Ledger Watch"], check=True)
    _snapshot_example(run, saved_versions, versions=(2,))
    author = subprocess.run(["git", "-C", str(tmp_path / "store"), "log", "-1", "--format=%an"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert author == "Ledger Watch"


def test_controls_are_removed_from_stored_text_and_invisible_characters_shown(run, tmp_path):
    page = ("<html><body><article><h1>Budget vote</h1><p>The council approved 60,\u200b000 euros"
            "\u009b31m for the \x1b[1mharbour\x1b[0m.</p></article></body></html>")
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    data = json.loads(run("extract", str(tmp_path / "p.html"), "--format", "json").output)
    text = data["blocks"][1]["text"]
    assert "\u009b" not in text and "\x1b" not in text
    shown = run("extract", str(tmp_path / "p.html")).output
    assert "60,\\u200b000" in shown and "\x1b" not in shown


def test_a_foreign_commit_in_the_store_is_reported_not_misnumbered(run, saved_versions, tmp_path):
    _snapshot_example(run, saved_versions, versions=(1, 2))
    store = str(tmp_path / "store")
    subprocess.run(["git", "-C", store, "-c", "user.name=x", "-c", "user.email=x@x", "revert", "--no-edit", "HEAD"],
                   check=True, capture_output=True)
    result = run("snapshot", saved_versions[2], "--url", URL, "--at", "2026-02-05T16:20:00Z")
    assert result.exit_code == 1 and "was not written by provtrack" in result.stderr
    assert [v["version"] for v in json.loads(run("log", "valleyledger", "--format", "json").output)["versions"]] == [1, 2]


def test_cosmetic_edits_are_stored_but_never_counted_as_substantive(run):
    url = "https://ferries.example/notice"
    first = "The Harbour Board will meet on Monday.\n\nTickets go on sale next week."
    run("snapshot", "-", "--url", url, "--at", "2026-03-01T09:00Z", input=first)
    result = run("snapshot", "-", "--url", url, "--at", "2026-03-02T09:00Z", input=first.replace("Board", "board"))
    assert " v2 " in result.output and result.output.rstrip().endswith("1 cosmetic")
    summary = json.loads(run("log", "ferries", "--format", "json").output)["versions"][1]["summary"]
    assert summary["changed"] == 0 and summary["cosmetic"] == 1
    assert run("diff", "ferries", "--exit-code").exit_code == 0


def heavy_modules_loaded(argv: list[str], expected_output: str, heavy: tuple[str, ...]) -> list[str]:
    """Which of *heavy* a fresh interpreter has imported after running `provtrack ARGV` (which must
    succeed and print *expected_output*)."""
    code = ("import sys, runpy, io, contextlib, json\n"
            f"sys.argv = ['provtrack', *{argv!r}]\n"
            "out = io.StringIO()\n"
            "try:\n"
            "    with contextlib.redirect_stdout(out):\n"
            "        runpy.run_module('provtrack', run_name='__main__')\n"
            "except SystemExit as exc:\n"
            "    assert not exc.code, exc.code\n"
            f"assert {expected_output!r} in out.getvalue(), out.getvalue()\n"
            f"print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_command_is_loaded_from_the_module_that_lists_it():
    """`COMMANDS` (what the group imports when a command is asked for) names each command's module."""
    commands = cli.load_all()
    assert sorted(commands) == sorted(cli.lazy)
    for name, command in commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"provtrack.cli.{cli.lazy[name]}", name


def test_compare_of_two_files_as_json_loads_only_what_it_uses(tmp_path: Path) -> None:
    """Start-up is most of a one-shot compare: no rich, no HTTP/TLS client, no git, no HTML or Markdown
    extractor, no blame, no store or history code, no other command's module."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The dam held.\n\nCrews worked overnight.\n", encoding="utf-8")
    b.write_text("The dam held, officials said.\n\nCrews worked overnight.\n", encoding="utf-8")
    other_commands = tuple(f"provtrack.cli.{m}" for m in COMMANDS if m != "diffing")
    heavy = ("rich", "http.client", "ssl", "git", "html.parser", "provtrack.extract_html", "provtrack.blame",
             "provtrack.store", "provtrack.render.diffview", "mimetypes", "tempfile", "provtrack.tracker",
             "provtrack.extract_markdown", *other_commands)
    assert heavy_modules_loaded(["compare", str(a), str(b), "--format", "json"], '"changed": 1', heavy) == []


def test_blame_as_json_loads_no_fetcher_extractor_or_views(run, tmp_path: Path) -> None:
    """The first blame of a long history is paid by every reader: it imports only the store, differ and tracer."""
    a = tmp_path / "a.txt"
    a.write_text("Dam holds\n\nThe dam held.\n", encoding="utf-8")
    assert run("snapshot", str(a), "--url", "https://news.example/dam").exit_code == 0
    heavy = ("rich", "http.client", "ssl", "html.parser", "provtrack.tracker", "provtrack.extract",
             "provtrack.fetch", "provtrack.render.blameview")
    argv = ["--store", str(tmp_path / "store"), "blame", "news.example--dam", "--format", "json"]
    assert heavy_modules_loaded(argv, "The dam held.", heavy) == []


def test_show_says_in_words_where_the_charset_came_from(run, tmp_path: Path) -> None:
    text, page = tmp_path / "a.txt", tmp_path / "b.html"
    text.write_text("Dam holds\n\nThe dam held overnight.\n", encoding="utf-8")
    page.write_bytes(b'<html><head><meta charset="windows-1252"><title>Dam</title></head><body><article>'
                     b"<h1>Dam</h1><p>The dam held, the mayor\x92s office said.</p></article></body></html>")
    assert run("snapshot", str(text), "--url", "https://news.example/dam").exit_code == 0
    assert run("snapshot", str(page), "--url", "https://news.example/dam-page").exit_code == 0
    assert "utf-8 (undeclared; valid UTF-8)" in run("show", "https://news.example/dam", "--no-pager").stdout
    assert "cp1252 (from meta tag)" in run("show", "https://news.example/dam-page", "--no-pager").stdout
