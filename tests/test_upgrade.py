"""Store format versions: newer stores are refused, older ones upgraded explicitly by registered steps."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from provtrack import upgrade as upgrade_module
from provtrack.demo import run_demo
from provtrack.errors import StoreError
from provtrack.store import MARKER, Store
from provtrack.upgrade import UpgradeStep, upgrade
from provtrack.verify import verify

NOTE = "NOTES.txt"


def _git(path: Path, *args: str, input: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, text=True,
                          input=input, env=env).stdout.strip()


def _set_format(path: Path, fmt: int) -> None:
    """Turn a store into one of format *fmt* the way an upgrade commit would have written it."""
    marker = {"format": fmt, "layout": "articles/<hh>/<article-id>"}
    (path / MARKER).write_text(json.dumps(marker, indent=2) + "\n")
    _git(path, "commit", "-q", "-am", f"Store format {fmt}\n\nsynthetic\n\nProvtrack-Store-Format: {fmt}")


@pytest.fixture
def format0(tmp_path) -> Path:
    """A synthetic "format 0" store: the bundled example, its marker saying format 0."""
    path = tmp_path / "store"
    run_demo(Store(path, create=True))
    _set_format(path, 0)
    return path


@pytest.fixture
def step_0_to_1(monkeypatch) -> UpgradeStep:
    """A registered step from format 0: it adds a notes file, so its effect is visible."""
    step = UpgradeStep(0, "add a notes file", lambda store, head: {NOTE: b"format 1 keeps notes\n",
                                                                      "articles/README": None})
    monkeypatch.setitem(upgrade_module.STEPS, 0, step)
    return step


def test_an_older_store_is_refused_until_upgraded(run, format0, step_0_to_1) -> None:
    result = run("log")
    assert result.exit_code == 1 and "store format 0 is older" in result.stderr
    assert "provtrack upgrade" in result.stderr
    before = _git(format0, "rev-parse", "main")
    dry = run("upgrade", "--dry-run")
    assert dry.exit_code == 0 and "would upgrade" in dry.stdout and "0 -> 1: add a notes file" in dry.stdout
    assert _git(format0, "rev-parse", "main") == before
    done = run("upgrade")
    assert done.exit_code == 0 and "upgraded" in done.stdout and "from store format 0 to 1" in done.stdout
    assert json.loads(_git(format0, "show", f"main:{MARKER}"))["format"] == 1
    assert _git(format0, "show", f"main:{NOTE}") == "format 1 keeps notes"
    assert "Provtrack-Store-Format: 1" in _git(format0, "log", "-1", "--format=%B")
    assert _git(format0, "rev-parse", "main~1") == before
    assert _git(format0, "status", "--porcelain") == ""  # the working tree follows
    assert run("log").exit_code == 0
    assert verify(Store(format0)).ok  # upgrade commits are part of a valid history
    again = run("upgrade")
    assert again.exit_code == 0 and "already at store format 1" in again.stdout


def test_no_registered_step_is_a_clear_error(run, format0) -> None:
    result = run("upgrade")
    assert result.exit_code == 1 and "no upgrade from store format 0 to 1" in result.stderr


def test_a_failing_step_changes_nothing(format0, monkeypatch) -> None:
    def broken(store: Store, head: str) -> dict:
        raise StoreError("step failed half way")

    monkeypatch.setitem(upgrade_module.STEPS, 0, UpgradeStep(0, "broken", broken))
    before = _git(format0, "rev-parse", "main")
    with pytest.raises(StoreError, match="half way"):
        upgrade(Store(format0, any_format=True))
    assert _git(format0, "rev-parse", "main") == before


def test_a_newer_store_is_refused_by_every_command(run, tmp_path) -> None:
    path = tmp_path / "store"
    run_demo(Store(path, create=True))
    _set_format(path, 2)
    for args in (["log"], ["verify"], ["upgrade"], ["snapshot", "-", "--url", "https://x.example/a"]):
        result = run(*args, input="<p>text</p>")
        assert result.exit_code == 1 and "store format 2 is newer than this provtrack supports (1)" in result.stderr


def test_the_current_format_needs_nothing(run, tmp_path) -> None:
    run_demo(Store(tmp_path / "store", create=True))
    result = run("upgrade")
    assert result.exit_code == 0 and "nothing to do" in result.stdout
    assert upgrade_module.STEPS == {}  # format 1 is the first real format


def test_empty_or_missing_store(run, tmp_path) -> None:
    assert run("upgrade").exit_code == 1
    Store(tmp_path / "store", create=True).repo
    result = run("upgrade")
    assert result.exit_code == 1 and "nothing to upgrade" in result.stderr
