"""`provtrack stats`: counts, size on disk, checks and failures per day, JSON under its schema."""

from __future__ import annotations

import json

URL = "https://www.valleyledger.example/news/2026/02/05/kestrel-valley-flood-evacuation"


def test_stats_text_and_json(run, tmp_path, example_pages, validate):
    for i, at in enumerate(["2026-02-05T08:10:00Z", "2026-02-05T11:45:00Z"]):
        path = tmp_path / f"v{i}.html"
        path.write_bytes(example_pages[i])
        assert run("snapshot", str(path), "--url", URL, "--at", at).exit_code == 0
    again = tmp_path / "again.html"
    again.write_bytes(example_pages[1])
    assert run("snapshot", str(again), "--url", URL, "--at", "2026-02-06T09:00:00Z").exit_code == 0
    assert run("snapshot", "https://127.0.0.1:1/unreachable").exit_code == 1  # no article: no check to record
    data = json.loads(run("stats", "--format", "json").stdout)
    validate(data, "stats")
    assert (data["articles"], data["versions"], data["feeds"]) == (1, 2, 0)
    assert data["size_bytes"] > 0
    assert data["checks"]["total"] == 3 and data["checks"]["unchanged"] == 1
    assert [d["day"] for d in data["checks"]["by_day"]] == ["2026-02-05", "2026-02-06"]
    text = run("stats").stdout
    assert "articles      1" in text and "versions      2" in text and "2026-02-06" in text


def test_stats_of_an_empty_store(run, tmp_path, validate):
    assert run("init").exit_code == 0
    data = json.loads(run("stats", "--format", "json").stdout)
    validate(data, "stats")
    assert data["articles"] == 0 and data["checks"]["by_day"] == []
