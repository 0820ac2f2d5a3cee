"""Crash safety and concurrency: a small version of scripts/torture.py, plus the stale-lock guarantee."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from provtrack.store import Store
from provtrack.verify import verify


def _torture():
    path = Path(__file__).resolve().parent.parent / "scripts" / "torture.py"
    spec = importlib.util.spec_from_file_location("provtrack_torture", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TORTURE = _torture()


def test_snapshots_killed_at_random_instants_leave_a_consistent_store(tmp_path) -> None:
    result = TORTURE.kill_run(tmp_path / "store", 20, seed=20)
    assert result["failed"] == 0, result
    assert result["verify_errors"] == [] and result["fsck_ok"], result
    assert result["lost"] == [], result  # every snapshot that said it stored a version did
    assert result["killed"] + result["finished"] == 20


def test_concurrent_writers_record_every_version_exactly_once(tmp_path) -> None:
    result = TORTURE.writers_run(tmp_path / "store", 4, 5)
    assert result["writer_failures"] == [] and result["wrong"] == [], result
    assert result["verify_errors"] == [] and result["fsck_ok"] and result["versions"] == 20


def test_writers_racing_on_one_article_store_each_page_once_or_refuse_it(tmp_path) -> None:
    """Snapshots of one article fetched at nearly the same time: none lost silently, none twice."""
    result = TORTURE.writers_run(tmp_path / "store", 3, 4, shared=True)
    assert result["writer_failures"] == [] and result["wrong"] == [], result
    assert result["stored"] + result["refused"] == 12 and result["stored"] >= 1
    assert result["verify_errors"] == [] and result["fsck_ok"]


def test_imports_killed_at_random_instants_are_all_or_nothing(tmp_path) -> None:
    result = TORTURE.import_kill_run(tmp_path / "store", 4, rows=6)
    assert result["partial"] == [] and result["verify_errors"] == [] and result["fsck_ok"], result


def test_updates_killed_at_random_instants_leave_a_consistent_store(tmp_path) -> None:
    result = TORTURE.update_kill_run(tmp_path / "store", 3, articles=3)
    assert result["verify_errors"] == [] and result["fsck_ok"], result
    assert result["versions"] >= 3


def test_generated_pages_through_the_torture_harness() -> None:
    result = TORTURE.pages_run(60)
    assert result["crash_count"] == 0, result["crashes"]
    assert result["pages"] == 120


HOLDER = textwrap.dedent("""
    import sys, time
    from provtrack.store import Store
    store = Store(sys.argv[1], create=True)
    store.ensure_initialised()
    with store.locked():
        print("locked", flush=True)
        time.sleep(600)
""")


def test_a_killed_lock_holder_never_blocks_the_next_writer(tmp_path) -> None:
    """The lock is an flock: the kernel drops it with the process, so SIGKILL leaves no stale lock."""
    store_path = tmp_path / "store"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        store = Store(store_path)
        blocked = subprocess.run([sys.executable, "-c", textwrap.dedent("""
            import sys
            from provtrack.errors import StoreError
            from provtrack.store import Store
            try:
                with Store(sys.argv[1]).locked(timeout=0.2):
                    print("acquired")
            except StoreError as exc:
                print("refused:", exc)
        """), str(store_path)], capture_output=True, text=True, check=True)
        assert blocked.stdout.startswith("refused:") and "locked by another provtrack process" in blocked.stdout
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        if holder.stdout:
            holder.stdout.close()
    assert (store.git_dir / "provtrack.lock").exists()  # the file stays; the lock on it does not
    with store.locked(timeout=5):
        pass
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><h1>Lock test</h1><p>The ferry left on time.</p></article></body></html>")
    env = {**os.environ, "PROVTRACK_LOCK_TIMEOUT": "5"}
    done = subprocess.run([sys.executable, "-m", "provtrack", "snapshot", str(page), "--url",
                           "https://torture.example/lock", "--store", str(store_path)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert verify(Store(store_path)).ok

