"""`list` on big stores: the summaries cache beside the store, and the one-line-per-article view."""

from __future__ import annotations

import io
import json

from rich.console import Console

from provtrack.demo import run_demo, snapshot_copy
from provtrack.render.logview import LONG_LIST, ArticleListView, ArticleRow
from provtrack.render.theme import THEME
from provtrack.store import Store
from provtrack.summaries import CACHE_FILE, article_summaries
from provtrack.tracker import snapshot


def _plain(store: Store) -> list[tuple[str, dict]]:
    return [(e.id, {k: e.meta.get(k) for k in ("title", "version", "fetched_at", "first_fetched_at")})
            for e in store.articles()]


def test_summaries_match_the_tree_and_follow_every_change(tmp_path, example_pages):
    store = Store(tmp_path / "store", create=True)
    run_demo(store)
    cache = store.git_dir / "provtrack" / CACHE_FILE
    assert not cache.exists()
    first = article_summaries(store)
    assert [(e.id, {k: e.meta.get(k) for k in ("title", "version", "fetched_at", "first_fetched_at")})
            for e in first] == _plain(store)
    assert cache.exists()
    snapshot_copy(store)  # a new article
    second = article_summaries(store)
    assert len(second) == 2 and [e.id for e in second] == [e.id for e in store.articles()]
    # damaged cache: read everything again, same answer
    cache.write_text("{not json")
    assert [(e.id, e.meta) for e in article_summaries(store)] == [(e.id, e.meta) for e in second]
    # a stale entry (another blob) is never trusted
    data = json.loads(cache.read_text())
    article = next(iter(data["articles"]))
    data["articles"][article][1]["title"] = "forged"
    data["articles"][article][0] = "0" * 40
    cache.write_text(json.dumps(data))
    assert "forged" not in [e.meta.get("title") for e in article_summaries(store)]


def test_list_command_uses_the_cache(run, tmp_path):
    run("demo", "--store", str(tmp_path / "store"))
    before = json.loads(run("list", "--format", "json").stdout)
    again = json.loads(run("list", "--format", "json").stdout)
    assert before == again and len(before["articles"]) == 2
    assert {a["versions"] for a in before["articles"]} == {1, 3}


def test_long_lists_print_one_line_per_article():
    rows = [ArticleRow(id=f"site{i % 7}.example--story-{i}-0a1b2c3d", url=f"https://site.example/{i}",
                       title=None if i % 5 == 0 else f"Story number {i} about the [bold]harbour[/] wall \x1b[31m",
                       versions=1 + i % 4, first_fetched="2026-02-05T08:00:00+00:00",
                       last_fetched="2026-02-06T09:30:00+00:00") for i in range(LONG_LIST + 50)]
    buffer = io.StringIO()
    Console(file=buffer, width=70, color_system=None, theme=THEME).print(ArticleListView(rows))
    lines = buffer.getvalue().splitlines()
    assert len(lines) == len(rows) and all(len(line) <= 70 for line in lines)
    assert lines[1] == "site1.example--story-1-0a1b2c3d  2 versions  last 2026-02-06 09:30  S…"
    assert lines[0] == "site0.example--story-0-0a1b2c3d  1 version  last 2026-02-06 09:30  ht…"
    wide = io.StringIO()
    Console(file=wide, width=200, color_system=None, theme=THEME).print(ArticleListView(rows))
    assert "[bold]harbour[/] wall \\x1b[31m" in wide.getvalue() and "\x1b" not in wide.getvalue()


def test_long_list_to_a_pipe_is_plain_lines(run, tmp_path, monkeypatch):
    import provtrack.render.logview as logview

    run("demo", "--store", str(tmp_path / "store"))
    monkeypatch.setattr(logview, "LONG_LIST", 1)
    out = run("list").stdout.splitlines()
    assert out == [
        "tricountydigest.example--dam-failure-floods-kestrel-valley-55f73367  1 version  last 2026-02-05 18:30  "
        "Dam failure floods Kestrel Valley, 60,000 evacuated",
        "valleyledger.example--kestrel-valley-flood-evacuation-2974c5e1  3 versions  last 2026-02-05 16:20  "
        "Flood waters force 60,000 from homes in Kestrel Valley",
    ]
