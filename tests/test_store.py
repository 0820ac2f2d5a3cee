"""The git-backed store, against real repositories in tmp_path."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
from dataclasses import replace

import pytest
from hypothesis import given, strategies as st

from provtrack.errors import NotFoundError, StoreError, UsageError
from provtrack.model import Block, BLOCK_KINDS
from provtrack.blockfile import BLOCKS_FILE, dump_blocks, load_blocks
from provtrack.store import MARKER, META_FILE, Store, article_dir, parse_trailers


def _git(path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, text=True).stdout


def _write(store: Store, article: str, version: int, text: str, fetched_at: str, title: str = "T") -> str:
    blocks = (Block("title", title), Block("paragraph", text))
    meta = {"article": article, "version": version, "title": title, "fetched_at": fetched_at,
            "article_url": f"https://news.example/{article}"}
    message = (f"{article} v{version}: change\n\n{title}\n\nProvtrack-Article: {article}\n"
               f"Provtrack-Version: {version}\nProvtrack-URL: https://news.example/{article}\n"
               f"Provtrack-Fetched-At: {fetched_at}\nProvtrack-Raw-SHA256: {'0' * 64}\n")
    with store.locked():
        return store.write_version(article, {BLOCKS_FILE: dump_blocks(blocks).encode(),
                                             META_FILE: json.dumps(meta).encode(), "raw.txt": text.encode()},
                                   message=message, date=fetched_at)


ART = "news.example--story-1a2b3c4d"


@given(st.lists(st.tuples(st.sampled_from(BLOCK_KINDS), st.text(min_size=1)), max_size=20))
def test_block_file_is_lossless(items):
    blocks = tuple(Block(k, t) for k, t in items)
    text = dump_blocks(blocks)
    assert text.count("\n") == len(blocks)  # one line per block, whatever the text holds
    assert load_blocks(text) == blocks


def test_block_file_lines_shared_between_versions_parse_once_and_alike():
    seen: dict[str, Block] = {}
    first = load_blocks("title: Flood\nparagraph: Water rose.\nparagraph: Water rose.\n", seen=seen)
    second = load_blocks("title: Flood\nparagraph: Water fell.\n", seen=seen)
    assert first == (Block("title", "Flood"), Block("paragraph", "Water rose."), Block("paragraph", "Water rose."))
    assert second == (Block("title", "Flood"), Block("paragraph", "Water fell."))
    assert second[0] is first[0] and len(seen) == 3
    assert load_blocks("") == () and load_blocks("", seen=seen) == ()


@pytest.mark.parametrize("seen", [None, {}])
def test_a_malformed_block_line_is_named_by_its_number(seen):
    with pytest.raises(StoreError, match=f"malformed block line 3 in {BLOCKS_FILE}"):
        load_blocks("title: Flood\nparagraph: ok\nno separator here\nalso bad\n", seen=seen)


def test_block_file_reads_like_the_article():
    blocks = (Block("title", "Flood"), Block("paragraph", "Water rose: fast."))
    assert dump_blocks(blocks) == "title: Flood\nparagraph: Water rose: fast.\n"


def test_missing_store_is_an_error_unless_created(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "nope")
    store = Store(tmp_path / "new", create=True)
    assert store.head() is None
    store.ensure_initialised()
    assert json.loads(_git(store.path, "show", f"main:{MARKER}"))["format"] == 1


def test_foreign_repositories_and_files_are_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store(tmp_path / "file")
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(StoreError, match="not a provtrack store"):
        Store(other)
    _git(other, "init", "-q")
    (other / "a.txt").write_text("a")
    _git(other, "add", "a.txt")
    _git(other, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "x")
    with pytest.raises(StoreError, match="not a provtrack store"):
        Store(other)


def test_newer_store_format_is_refused(tmp_path):
    store = Store(tmp_path / "s", create=True)
    store.ensure_initialised()
    (store.path / MARKER).write_text(json.dumps({"format": 99}))
    _git(store.path, "add", MARKER)
    _git(store.path, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "future")
    with pytest.raises(StoreError, match="newer than this provtrack"):
        Store(store.path)


def test_versions_revisions_and_trailers(tmp_path):
    store = Store(tmp_path / "s", create=True)
    c1 = _write(store, ART, 1, "one", "2026-02-05T08:00:00+00:00")
    c2 = _write(store, ART, 2, "two", "2026-02-05T10:00:00+00:00")
    c3 = _write(store, ART, 3, "three", "2026-02-05T12:00:00+00:00")
    _write(store, "other.example--x-99999999", 1, "elsewhere", "2026-02-05T13:00:00+00:00")
    assert [v.ref.commit for v in store.versions(ART)] == [c1, c2, c3]
    assert store.resolve(ART).ref.commit == c3
    assert store.resolve(ART, "v1").ref.commit == c1
    assert store.resolve(ART, "2").ref.commit == c2
    assert store.resolve(ART, "previous").ref.commit == c2
    assert store.resolve(ART, "latest~2").ref.commit == c1
    assert store.resolve(ART, c2[:8]).ref.commit == c2
    assert store.resolve(ART, "{2026-02-05T11:00Z}").ref.version == 2
    assert store.resolve(ART, "{2026-02-05T12:00:00+00:00}").ref.version == 3
    ref = store.resolve(ART, "v2").ref
    assert (ref.fetched_at, ref.url) == ("2026-02-05T10:00:00+00:00", f"https://news.example/{ART}")
    assert store.read_blocks(ref)[1].text == "two"
    for bad, error in [("v9", NotFoundError), ("latest~3", NotFoundError), ("{2026-01-01}", NotFoundError),
                       ("fffffff", NotFoundError), ("next", UsageError), ("{yesterday}", UsageError)]:
        with pytest.raises(error):
            store.resolve(ART, bad)
    with pytest.raises(NotFoundError):
        store.versions("nothing") or store.resolve("nothing")


def test_many_versions_read_in_one_stream_equal_one_by_one_reads(tmp_path):
    store = Store(tmp_path / "s", create=True)
    for n in range(1, 8):
        _write(store, ART, n, "same text" if n % 3 else f"text \\ with\nnewline {n}", f"2026-02-05T0{n}:00:00+00:00")
    refs = [v.ref for v in store.versions(ART)]
    assert list(store.read_many_blocks(refs)) == [store.read_blocks(r) for r in refs]
    assert list(store.read_many_blocks([])) == []
    stream = store.read_many_blocks(refs)  # a reader that stops early leaves no git process behind
    assert next(stream) == store.read_blocks(refs[0])
    stream.close()
    gone = replace(refs[0], article="other.example--gone-00000000")
    with pytest.raises(NotFoundError, match="blocks.txt of other.example--gone-00000000@v1"):
        list(store.read_many_blocks([refs[0], gone]))


def test_commits_carry_fetch_time_and_plain_git_makes_sense(tmp_path):
    store = Store(tmp_path / "s", create=True)
    _write(store, ART, 1, "one", "2026-02-05T08:00:00+00:00")
    _write(store, ART, 2, "two", "2026-02-05T10:00:00+00:00")
    log = _git(store.path, "log", "--format=%aI|%cI|%s")
    assert log.splitlines()[0] == f"2026-02-05T10:00:00+00:00|2026-02-05T10:00:00+00:00|{ART} v2: change"
    assert _git(store.path, "status", "--porcelain") == ""
    assert (store.path / article_dir(ART) / BLOCKS_FILE).read_text() == "title: T\nparagraph: two\n"
    blame = _git(store.path, "blame", "--porcelain", f"{article_dir(ART)}/{BLOCKS_FILE}")
    assert "paragraph: two" in blame
    _git(store.path, "fsck", "--strict")


def test_forged_trailers_in_the_title_are_ignored():
    message = "x v1: first\n\nProvtrack-Version: 99\nhttps://x\n\nProvtrack-Article: x\nProvtrack-Version: 1\n"
    assert parse_trailers(message) == {"article": "x", "version": "1"}


def test_articles_and_prefix_resolution(tmp_path):
    store = Store(tmp_path / "s", create=True)
    _write(store, ART, 1, "one", "2026-02-05T08:00:00+00:00")
    _write(store, "news.example--storm-5e6f7a8b", 1, "two", "2026-02-05T08:00:00+00:00")
    assert [a.id for a in store.articles()] == ["news.example--storm-5e6f7a8b", ART]
    assert store.resolve_article("news.example--story") == ART
    with pytest.raises(UsageError, match="ambiguous"):
        store.resolve_article("news.example")
    with pytest.raises(NotFoundError):
        store.resolve_article("elsewhere")


def test_second_writer_waits_then_fails_clearly(tmp_path):
    store = Store(tmp_path / "s", create=True)
    with store.locked():
        store.ensure_initialised()
    other = Store(tmp_path / "s")
    with store.locked():
        with pytest.raises(StoreError, match="locked by another provtrack process"):
            with other.locked(timeout=0.2):
                pass
    with other.locked(timeout=0.2):
        pass


def _writer(path: str, article: str, count: int) -> None:
    store = Store(path)
    for n in range(1, count + 1):
        _write(store, article, n, f"text {n}", f"2026-02-05T08:{n:02d}:00+00:00")


def test_concurrent_writers_record_every_version_once(tmp_path):
    path = tmp_path / "s"
    Store(path, create=True).ensure_initialised()
    articles = [f"news.example--a{i}-{i:08x}" for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), a, 5)) for a in articles]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = Store(path)
    for a in articles:
        assert [v.ref.version for v in store.versions(a)] == [1, 2, 3, 4, 5]
    assert len(_git(path, "rev-list", "main").split()) == 1 + 4 * 5
    _git(path, "fsck", "--strict")


def test_many_processes_creating_one_store_all_succeed(tmp_path):
    """Eight first snapshots into a store that does not exist yet: one creates it, all eight are stored."""
    import subprocess
    import sys

    page = tmp_path / "p.html"
    page.write_text("<html><body><article><h1>Race</h1><p>Some text about the harbour race.</p></article></body></html>")
    code = ("import sys; from provtrack.store import Store; from provtrack.tracker import snapshot; "
            "snapshot(Store(sys.argv[1], create=True), sys.argv[2], url='https://race.example/a' + sys.argv[3], "
            "at='2026-01-01T00:00:0%s+00:00' % sys.argv[3])")
    for trial in range(3):
        store = tmp_path / f"store{trial}"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(store), str(page), str(i)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(8)]
        outputs = [p.communicate()[0] for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        assert len(list(Store(store).articles())) == 8


def test_tree_entries_read_without_gitpython_objects_match_gitpython(tmp_path):
    store = Store(tmp_path / "s", create=True)
    _write(store, ART, 1, "one", "2026-02-05T08:00:00+00:00")
    _write(store, "other.example--x-99999999", 1, "elsewhere", "2026-02-05T09:00:00+00:00")
    head = store.head()
    writer = store._git
    for path in ("", "articles", article_dir(ART).rsplit("/", 1)[0], article_dir(ART)):
        tree = store.repo.commit(head).tree / path if path else store.repo.commit(head).tree
        assert writer.entries(head, path) == {item.name: (item.binsha, item.mode) for item in tree}
    assert writer.entries(head, "articles/nothing") == {} and writer.entries(head, f"{article_dir(ART)}/{BLOCKS_FILE}") == {}
    assert writer.entries(None, "") == {}


def test_the_index_mirror_is_settled_before_the_lock_is_released(tmp_path):
    """The index is updated in the background; `git status` is clean once the writer lets go."""
    store = Store(tmp_path / "s", create=True)
    for n in range(1, 4):
        _write(store, ART, n, f"text {n}", f"2026-02-05T0{n}:00:00+00:00")  # each write under its own lock
        assert _git(store.path, "status", "--porcelain") == ""
    with store.locked():  # several writes in one lock: each waits for the previous index update
        for n in range(4, 7):
            blocks = (Block("title", "T"), Block("paragraph", f"text {n}"))
            store.write_version(ART, {BLOCKS_FILE: dump_blocks(blocks).encode(), META_FILE: b"{}"},
                                message=f"{ART} v{n}\n\nProvtrack-Article: {ART}\nProvtrack-Version: {n}\n",
                                date=f"2026-02-05T0{n}:00:00+00:00")
    assert _git(store.path, "status", "--porcelain") == ""
    assert (store.path / article_dir(ART) / BLOCKS_FILE).read_text().endswith("text 6\n")


def test_reading_a_file_a_version_lacks_or_from_no_such_commit_is_a_clear_error(tmp_path):
    store = Store(tmp_path / "s", create=True)
    commit = _write(store, ART, 1, "one", "2026-02-05T08:00:00+00:00")
    ref = store.resolve(ART).ref
    assert any(block.text == "one" for block in store.read_blocks(ref))
    with pytest.raises(NotFoundError, match="is not in commit"):
        store._read_blob(commit, "articles/zz/nothing-here/meta.json")
    with pytest.raises(NotFoundError, match="is not in commit"):
        store._read_blob(commit, "articles")  # a folder is not a file
    with pytest.raises(StoreError, match="cannot read commit"):
        store._read_blob("0" * 40, "provtrack-store.json")
