"""`provtrack sync`: two trackers sharing one archive through a bare repository in tmp_path."""

from __future__ import annotations

import subprocess

import pytest

from provtrack.store import Store

URL_A = "https://tidewater.example/news/ferry-strike"
URL_B = "https://tidewater.example/news/harbour-fire"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def _page(headline: str, text: str) -> str:
    return (f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
            f"<p>{text}</p><p>The Tidewater Gazette, a newspaper invented for these tests.</p>"
            f"</article></body></html>")


@pytest.fixture
def trackers(tmp_path, run):
    """(snap, sync, path) helpers for two clones, 'ann' and 'bo', of one bare archive holding v1 of URL_A."""
    bare = tmp_path / "archive.git"
    _git("init", "-q", "--bare", "-b", "main", str(bare))
    files = tmp_path / "files"
    files.mkdir()
    counter = iter(range(10_000))

    def snap(who: str, url: str, text: str, at: str):
        path = files / f"{next(counter)}.html"
        path.write_text(_page("Ferry strike" if url == URL_A else "Harbour fire", text))
        result = run("snapshot", str(path), "--url", url, "--at", at, "--store", str(tmp_path / who))
        assert result.exit_code == 0, result.output
        return result

    def sync(who: str, *extra: str):
        result = run("sync", *extra, "--store", str(tmp_path / who))
        assert result.exit_code == 0, result.output
        return result

    snap("ann", URL_A, "Ferry crews walked out at dawn.", "2026-02-05T08:00:00Z")
    _git("-C", str(tmp_path / "ann"), "remote", "add", "origin", str(bare))
    sync("ann")
    _git("clone", "-q", str(bare), str(tmp_path / "bo"))  # plain git clone
    return snap, sync, tmp_path


def _texts(store: Store, url: str) -> list[tuple[int, str, str]]:
    article = store.resolve_article(url)
    return [(v.ref.version, v.ref.fetched_at[11:16], store.read_blocks(v.ref)[1].text) for v in store.versions(article)]


def test_a_plain_clone_works_with_every_command(trackers, run):
    snap, sync, tmp = trackers
    store = str(tmp / "bo")
    for args in (["list"], ["log", URL_A], ["show", URL_A], ["blame", URL_A], ["schedule"], ["stats"]):
        result = run(*args, "--store", store)
        assert result.exit_code == 0, (args, result.output)
    snap("bo", URL_A, "Ferry crews walked out at dawn; talks resume Friday.", "2026-02-05T09:00:00Z")
    assert [v for v, _, _ in _texts(Store(store), URL_A)] == [1, 2]
    assert run("diff", URL_A, "--store", store).exit_code == 0


def test_different_articles_merge_without_conflict(trackers):
    snap, sync, tmp = trackers
    snap("ann", URL_A, "Ferry crews walked out at dawn; services cancelled.", "2026-02-05T09:00:00Z")
    snap("bo", URL_B, "A fire broke out in the harbour sheds.", "2026-02-05T09:30:00Z")
    sync("ann")
    result = sync("bo")
    assert "received" in result.output and "merged" not in result.output
    sync("ann")
    for who in ("ann", "bo"):
        store = Store(tmp / who)
        assert [v for v, _, _ in _texts(store, URL_A)] == [1, 2]
        assert [v for v, _, _ in _texts(store, URL_B)] == [1]
        assert store.head() == Store(tmp / "ann").head()
        _git("-C", str(tmp / who), "fsck", "--strict")
        assert _git("-C", str(tmp / who), "status", "--porcelain") == ""
    # the replayed version's provenance points at the replayed commit, not the one it replaced
    bo = Store(tmp / "bo")
    first, second = bo.versions(bo.resolve_article(URL_A))
    assert bo.read_meta(second.ref)["previous_commit"] == first.ref.commit


def test_same_article_both_versions_kept_in_fetch_time_order(trackers, run):
    snap, sync, tmp = trackers
    # bo fetched earlier (09:00) but syncs second; ann's 10:00 version is already on the remote
    snap("ann", URL_A, "Ferry crews walked out at dawn; 40 sailings cancelled.", "2026-02-05T10:00:00Z")
    snap("bo", URL_A, "Ferry crews walked out at dawn; 25 sailings cancelled.", "2026-02-05T09:00:00Z")
    snap("bo", URL_A, "Ferry crews walked out at dawn; 60 sailings cancelled.", "2026-02-05T11:00:00Z")
    sync("ann")
    result = sync("bo")
    assert "2 concurrent version(s) merged by fetch time" in result.output
    sync("ann")
    for who in ("ann", "bo"):
        store = Store(tmp / who)
        texts = _texts(store, URL_A)
        assert [(v, t) for v, t, _ in texts] == [(1, "08:00"), (2, "09:00"), (3, "10:00"), (4, "11:00")]
        assert "60 sailings" in texts[-1][2] and "25 sailings" in texts[1][2]
        assert store.latest_meta(store.resolve_article(URL_A))["fetched_at"].startswith("2026-02-05T11:00")
    bo = str(tmp / "bo")
    for who in ("ann", "bo"):  # numbering, parent links and hashes all hold after the merge
        checked = run("verify", "--store", str(tmp / who))
        assert checked.exit_code == 0 and "no problems found" in checked.stdout, checked.output
    assert run("diff", URL_A, "v2", "v3", "--store", bo).exit_code == 0
    assert run("blame", URL_A, "--store", bo).exit_code == 0
    # the next snapshot continues after the newest fetch
    snap("bo", URL_A, "Ferry crews returned to work.", "2026-02-05T12:00:00Z")
    assert [v for v, _, _ in _texts(Store(bo), URL_A)] == [1, 2, 3, 4, 5]


def test_an_earlier_version_does_not_replace_the_current_text(trackers, run):
    snap, sync, tmp = trackers
    snap("ann", URL_A, "Ferry crews walked out; 40 sailings cancelled.", "2026-02-05T10:00:00Z")
    snap("bo", URL_A, "Ferry crews walked out; 25 sailings cancelled.", "2026-02-05T09:00:00Z")
    sync("ann")
    sync("bo")
    store = Store(tmp / "bo")
    article = store.resolve_article(URL_A)
    assert [(v, t) for v, t, _ in _texts(store, URL_A)] == [(1, "08:00"), (2, "09:00"), (3, "10:00")]
    assert "40 sailings" in store.read_blocks(store.latest(article).ref)[1].text
    assert (tmp / "bo" / "articles").exists()
    assert "40 sailings" in next((tmp / "bo" / "articles").rglob("blocks.txt")).read_text()
    # the restated latest version follows the merged one: its link, number and change summary
    versions = store.versions(article)
    restated = store.latest_meta(article)  # the commit restating 10:00 on top (not a version itself)
    assert restated["previous_commit"] == versions[-2].ref.commit and restated["version"] == 4  # trailer numbering
    assert restated["changes"]["changed"] == 1
    checked = run("verify", "--store", str(tmp / "bo"))
    assert checked.exit_code == 0 and "no problems found" in checked.stdout, checked.output


def test_sync_with_nothing_to_do_and_bad_remotes(trackers, run):
    snap, sync, tmp = trackers
    result = sync("bo")
    assert "0 commit(s) received, 0 sent" in result.output
    bad = run("sync", "nowhere", "--store", str(tmp / "bo"))
    assert bad.exit_code == 1 and bad.stderr.startswith("provtrack: error: git fetch from nowhere failed")
    assert run("sync", "--", "-x", "--store", str(tmp / "bo")).exit_code == 2
    # a store with no origin (created by snapshot, never cloned) says how to name one
    snap("cy", URL_B, "A fire broke out at the harbour.", "2026-02-05T09:00:00Z")
    lone = run("sync", "--store", str(tmp / "cy"))
    assert lone.exit_code == 2 and "has no remote named origin" in lone.stderr and "remote add origin" in lone.stderr
    assert lone.stderr.count("\n") == 1


def test_a_clone_of_a_remote_whose_head_names_another_branch(tmp_path, run, example_pages):
    bare = tmp_path / "odd.git"
    _git("init", "-q", "--bare", "-b", "trunk", str(bare))  # HEAD -> trunk, which never exists
    page = tmp_path / "v1.html"
    page.write_bytes(example_pages[0])
    store = tmp_path / "ann"
    assert run("snapshot", str(page), "--url", URL_A, "--at", "2026-02-05T08:00Z", "--store", str(store)).exit_code == 0
    assert run("sync", str(bare), "--store", str(store)).exit_code == 0
    subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / "bo")], check=True, capture_output=True)
    result = run("log", URL_A, "--store", str(tmp_path / "bo"))
    assert result.exit_code == 0 and "v1" in result.stdout
    assert _git("-C", str(tmp_path / "bo"), "status", "--porcelain") == ""
