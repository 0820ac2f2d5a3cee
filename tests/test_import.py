"""`provtrack import`: folders and CSV manifests written as ordinary versions, all or nothing."""

from __future__ import annotations

import os
import subprocess

import pytest

from provtrack.importer import import_saved, read_rows
from provtrack.store import Store

URL = "https://www.valleyledger.example/news/2026/02/05/kestrel-valley-flood-evacuation"
TIMES = ["2026-02-05T08:10:00+00:00", "2026-02-05T11:45:00+00:00", "2026-02-05T16:20:00+00:00"]


def _git(path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, text=True).stdout


def _page(n: int, headline: str) -> str:
    return (f'<html><head><title>{headline}</title><link rel="canonical" href="https://tidewater.example/n/{n}">'
            f'</head><body><article><h1>{headline}</h1><p>The Tidewater Gazette reports item {n}: the ferry '
            f'to Orrin Isle ran late again, and passengers waited on the pier for an hour.</p></article></body></html>')


@pytest.fixture
def saved(tmp_path, example_pages):
    """The bundled example's three versions, saved in shuffled order, plus a manifest naming them."""
    folder = tmp_path / "saved"
    folder.mkdir()
    for i in (2, 0, 1):
        (folder / f"v{i + 1}.html").write_bytes(example_pages[i])
    lines = ["path,url,fetched_at"] + [f"v{i + 1}.html,{URL},{TIMES[i]}" for i in (2, 0, 1)]
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n")
    return folder


def _commit_files(store_path, commit):
    tree = _git(store_path, "ls-tree", "-r", commit).split()
    return {line for line in tree}


def test_manifest_import_matches_snapshot_version_for_version(tmp_path, saved, run):
    store_path = tmp_path / "imported"
    result = run("import", str(saved / "manifest.csv"), "--store", str(store_path))
    assert result.exit_code == 0, result.stderr
    assert "imported 3 version(s) of 1 article(s) from 3 row(s); 0 unchanged" in result.stdout
    for i in (1, 2, 3):
        assert run("snapshot", str(saved / f"v{i}.html"), "--url", URL, "--at", TIMES[i - 1],
                   "--store", str(tmp_path / "snap")).exit_code == 0
    imported, snapped = Store(store_path), Store(tmp_path / "snap")
    assert {imported.read_meta(v.ref).get("fetched_at_source")
            for v in imported.versions(next(imported.articles()).id)} == {"given"}
    article = next(imported.articles()).id
    a, b = imported.versions(article), snapped.versions(article)
    assert [v.ref.version for v in a] == [1, 2, 3]
    assert [v.ref.fetched_at for v in a] == TIMES
    for va, vb in zip(a, b):
        # same files, same message, same dates: only the previous_commit hashes differ (other parents)
        ma, mb = imported.read_meta(va.ref), snapped.read_meta(vb.ref)
        assert {k: v for k, v in ma.items() if k != "previous_commit"} == \
            {k: v for k, v in mb.items() if k != "previous_commit"}
        assert (ma["previous_commit"] is None) == (mb["previous_commit"] is None)
        assert imported.read_blocks(va.ref) == snapped.read_blocks(vb.ref)
        fmt = "--format=%B%x00%an <%ae>%x00%aI%x00%cI"
        assert _git(store_path, "show", "-s", fmt, va.ref.commit) == _git(tmp_path / "snap", "show", "-s", fmt,
                                                                         vb.ref.commit)
    assert imported.read_meta(a[1].ref)["previous_commit"] == a[0].ref.commit
    assert imported.latest(article).ref.commit == a[-1].ref.commit
    assert _git(store_path, "status", "--porcelain") == ""
    _git(store_path, "fsck", "--strict")
    # every reader works on imported versions
    assert run("diff", article, "v1", "v3", "--store", str(store_path)).exit_code == 0
    assert run("blame", article, "--store", str(store_path)).exit_code == 0
    log = run("log", article, "--store", str(store_path))
    assert log.exit_code == 0 and "v3" in log.stdout
    checks = imported.checks(article)
    assert [c["result"] for c in checks] == ["created"] * 3


def test_folder_import_uses_canonical_links_and_modification_times(tmp_path, run):
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, (headline, stamp) in enumerate([("Ferry late", 1_770_000_000), ("Ferry late again", 1_770_003_600)]):
        path = folder / f"copy{n}.html"
        path.write_text(_page(7, headline))
        os.utime(path, (stamp, stamp))
    (folder / "notes.txt").write_text("not a page")
    result = run("import", str(folder), "--store", str(tmp_path / "s"))
    assert result.exit_code == 0, result.stderr
    store = Store(tmp_path / "s")
    [entry] = list(store.articles())
    assert entry.url == "https://tidewater.example/n/7"
    versions = store.versions(entry.id)
    assert [v.ref.fetched_at for v in versions] == ["2026-02-02T02:40:00+00:00", "2026-02-02T03:40:00+00:00"]
    # the record says where the time came from, as `snapshot FILE` without --at does
    assert {store.read_meta(v.ref).get("fetched_at_source") for v in versions} == {"file-mtime"}


def test_unchanged_copies_are_checks_and_an_existing_store_continues(tmp_path, saved, run):
    store_path = tmp_path / "s"
    assert run("snapshot", str(saved / "v1.html"), "--url", URL, "--at", TIMES[0], "--store", str(store_path)).exit_code == 0
    (saved / "again.html").write_bytes((saved / "v1.html").read_bytes())
    manifest = saved / "more.csv"
    manifest.write_text(f"{URL},2026-02-05T09:00Z,again.html\n{URL},{TIMES[1]},v2.html\n")
    result = run("import", str(manifest), "--store", str(store_path))
    assert result.exit_code == 0, result.stderr
    assert "imported 1 version(s) of 1 article(s) from 2 row(s); 1 unchanged" in result.stdout
    store = Store(store_path)
    article = next(store.articles()).id
    assert [v.ref.version for v in store.versions(article)] == [1, 2]
    assert [c["result"] for c in store.checks(article)] == ["created", "unchanged", "created"]
    assert len(_git(store_path, "rev-list", "main").split()) == 3  # marker + v1 + v2


def test_bad_rows_are_one_line_each_and_nothing_is_stored(tmp_path, saved, run):
    (saved / "empty.html").write_text("<html><body></body></html>")
    manifest = saved / "bad.csv"
    manifest.write_text("\n".join([
        f"{URL},{TIMES[0]},v1.html",
        f"{URL},not-a-time,v2.html",
        f"ftp://x.example/a,{TIMES[1]},v2.html",
        f"{URL},{TIMES[2]},missing.html",
        f"{URL},{TIMES[2]},../outside.html",
        f"{URL},{TIMES[2]}",
        f"{URL},2026-02-05T17:00Z,empty.html",
    ]) + "\n")
    store_path = tmp_path / "s"
    result = run("import", str(manifest), "--store", str(store_path))
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 7, errors
    assert errors[-1].startswith("provtrack: nothing imported: 6 bad row(s)")
    for n, needle in [(2, "bad timestamp"), (3, "--url must be an http(s) URL"), (4, "no such file"),
                      (5, "outside the manifest's folder"), (6, "expected 3 columns"), (7, "no article text")]:
        assert any(line.startswith(f"provtrack: error: {manifest}:{n}: ") and needle in line for line in errors), needle
    assert Store(store_path, create=True).head() is None
    # with --skip-bad the good row goes in, the bad ones are still reported, and the exit status says so
    result = run("import", str(manifest), "--skip-bad", "--store", str(store_path))
    assert result.exit_code == 1
    assert "imported 1 version(s) of 1 article(s) from 3 row(s); 0 unchanged; 6 bad row(s) skipped" in result.stdout
    assert len(Store(store_path).versions(next(Store(store_path).articles()).id)) == 1


def test_copies_older_than_the_stored_versions_stop_the_whole_import(tmp_path, saved, run):
    store_path = tmp_path / "s"
    assert run("snapshot", str(saved / "v2.html"), "--url", URL, "--at", TIMES[1], "--store", str(store_path)).exit_code == 0
    head = Store(store_path).head()
    (saved / "fresh.html").write_text(_page(9, "New story"))
    manifest = saved / "late.csv"
    manifest.write_text(f"https://tidewater.example/n/9,{TIMES[2]},fresh.html\n{URL},{TIMES[0]},v1.html\n")
    result = run("import", str(manifest), "--store", str(store_path))
    assert result.exit_code == 1
    assert "cannot be added after it" in result.stderr
    store = Store(store_path)
    assert store.head() == head
    assert len(list(store.articles())) == 1
    assert not list((store.git_dir / "objects" / "pack").glob("tmp_*"))
    _git(store_path, "fsck", "--strict")


def test_missing_paths_and_empty_folders(tmp_path):
    (tmp_path / "empty").mkdir()
    rows, problems = read_rows([tmp_path / "nope", tmp_path / "empty", tmp_path / "nope.csv"])
    assert rows == []
    assert [p.message for p in problems] == ["no such file or folder",
                                             "no saved pages (.html, .htm, .xhtml) in this folder", "no such file"]
    report = import_saved(Store(tmp_path / "s", create=True), [tmp_path / "nope"])
    assert not report.written and not (tmp_path / "s").exists()


def test_signed_commit_configuration_falls_back_to_commit_tree(tmp_path, saved):
    store = Store(tmp_path / "s", create=True)
    with store.locked():
        store.ensure_initialised()
    # a signing program that "signs" by emitting a fixed signature, so the test needs no keys
    signer = tmp_path / "fake-gpg"
    signer.write_text("#!/bin/sh\ncat >/dev/null\nprintf '\\n[GNUPG:] SIG_CREATED D 1 8 00 0 X\\n' >&2\n"
                      "printf -- '-----BEGIN PGP SIGNATURE-----\\n\\nfake\\n-----END PGP SIGNATURE-----\\n'\n")
    signer.chmod(0o755)
    _git(store.path, "config", "commit.gpgsign", "true")
    _git(store.path, "config", "gpg.program", str(signer))
    report = import_saved(Store(store.path), [saved / "manifest.csv"])
    assert report.written and report.created == 3
    assert "BEGIN PGP SIGNATURE" in _git(store.path, "cat-file", "commit", "main")


def test_a_collapsed_copy_in_an_import_is_kept_as_suspect_not_as_a_version(tmp_path, saved, run):
    """A paywalled copy among saved pages: evidence, as snapshot keeps it, and the import still succeeds."""
    paywall = (f'<html><head><title>Kestrel Valley</title><link rel="canonical" href="{URL}"></head><body><article>'
               f"<h1>Kestrel Valley</h1><p>This story is for subscribers of the Valley Ledger.</p>"
               f"</article></body></html>")
    (saved / "paywall.html").write_text(paywall)
    with open(saved / "manifest.csv", "a") as manifest:
        manifest.write(f"paywall.html,{URL},2026-02-05T18:00:00+00:00\n")
    store_path = tmp_path / "imported"
    result = run("import", str(saved / "manifest.csv"), "--store", str(store_path))
    assert result.exit_code == 0, result.stderr
    assert "imported 3 version(s) of 1 article(s) from 4 row(s); 0 unchanged; 1 suspect" in result.stdout
    assert "SUSPECT copy fetched 2026-02-05T18:00:00+00:00" in result.stdout
    store = Store(store_path)
    article = next(store.articles()).id
    assert [v.ref.version for v in store.versions(article)] == [1, 2, 3]
    from provtrack.suspect import suspect_fetches
    [kept] = suspect_fetches(store, article)
    assert kept.compared_with == 3 and kept.fetched_at == "2026-02-05T18:00:00+00:00"
    assert _git(store_path, "status", "--porcelain") == ""  # the working tree mirrors the evidence too
    # --accept-shorter stores it as v4
    again = run("import", str(saved / "manifest.csv"), "--store", str(tmp_path / "cut"), "--accept-shorter")
    assert again.exit_code == 0 and "imported 4 version(s)" in again.stdout


def test_the_worker_pool_path_imports_the_same_versions(tmp_path, saved, monkeypatch):
    """Large imports extract in spawned worker processes (no inherited store lock); same result."""
    from provtrack import importer

    monkeypatch.setattr(importer, "_POOL_MIN_ROWS", 2)
    report = import_saved(Store(tmp_path / "pooled", create=True), [saved / "manifest.csv"])
    assert report.written and report.created == 3 and not report.problems
    store = Store(tmp_path / "pooled")
    assert [v.ref.fetched_at for v in store.versions(next(store.articles()).id)] == TIMES


def test_a_pack_left_half_written_by_a_killed_writer_is_cleared_by_the_next(tmp_path, saved, run):
    store_path = tmp_path / "s"
    assert run("import", str(saved / "manifest.csv"), "--store", str(store_path)).exit_code == 0
    stale = store_path / ".git" / "objects" / "pack" / "tmp_provtrack_killed.pack"
    stale.write_bytes(b"PACK\x00\x00\x00\x02")
    assert run("snapshot", str(saved / "v3.html"), "--url", URL, "--at", "2026-02-06T08:00:00Z",
               "--store", str(store_path)).exit_code == 0
    assert not stale.exists()
    assert "no problems found" in run("verify", "--store", str(store_path)).stdout
