"""How fast does `provtrack import` write saved copies, against the plain "git scraping" loop?

In one run, the same N articles x V saved versions (fictional pages, CSV manifest) are
written

* by `provtrack import manifest.csv` (read + extract + diff every copy, one commit per
  version with full provenance, all objects in one pack, one ref update), and
* by the usual loop: copy the saved page into a working tree, `git add -A`, `git commit`
  (two subprocesses per version, no extraction at all),

and versions per second are compared.

    python benchmarks/bench_import.py [--articles N] [--versions V] [--git-sample K] [--keep]

The git loop is timed on the first K versions (default: all) when a full run would be long.
Everything lives in a temporary directory under /tmp, removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import page  # noqa: E402 (fictional articles shared with the store benchmark)

from provtrack.importer import import_saved  # noqa: E402
from provtrack.store import Store  # noqa: E402


def make_pages(folder: Path, articles: int, versions: int) -> list[tuple[str, str, Path]]:
    """(url, fetched_at, path) for every saved copy, in fetch-time order; each revision changes a figure."""
    rows = []
    for v in range(versions):
        for i in range(articles):
            url, html = page(i, 1)
            html = html.replace("(item ", f"(revision {v}, item ")  # every copy a new version
            path = folder / f"a{i:05d}-v{v:03d}.html"
            path.write_text(html, encoding="utf-8")
            stamp = f"2026-02-{1 + v // 24:02d}T{v % 24:02d}:{i % 60:02d}:00+00:00"
            rows.append((url, stamp, path))
    return rows


def git_loop(repo: Path, rows: list[tuple[str, str, Path]]) -> float:
    """Seconds for the git-scraping loop over *rows*: copy, `git add -A`, `git commit` per version."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    for key, value in (("user.name", "scraper"), ("user.email", "scraper@localhost"), ("gc.auto", "0")):
        subprocess.run(["git", "-C", str(repo), "config", key, value], check=True)
    started = time.perf_counter()
    for url, stamp, path in rows:
        target = repo / url.split("://", 1)[1].replace("/", "_")
        shutil.copyfile(path, target)
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
        env = dict(os.environ, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", f"{url} at {stamp}"], check=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--git-sample", type=int, default=0, help="time the git loop on this many versions (0: all)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provtrack-bench-import-"))
    try:
        pages = work / "pages"
        pages.mkdir()
        rows = make_pages(pages, args.articles, args.versions)
        manifest = pages / "manifest.csv"
        manifest.write_text("url,fetched_at,path\n" + "".join(f"{u},{t},{p.name}\n" for u, t, p in rows))
        total = len(rows)

        started = time.perf_counter()
        report = import_saved(Store(work / "store", create=True), [manifest])
        provtrack_s = time.perf_counter() - started
        assert report.written and report.created == total, report
        size = sum(f.stat().st_size for f in (work / "store" / ".git" / "objects").rglob("*") if f.is_file())

        sample = rows[: args.git_sample or total]
        git_s = git_loop(work / "git", sample)

        pt_rate, git_rate = total / provtrack_s, len(sample) / git_s
        print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
              f"{subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"workload: {args.articles} articles x {args.versions} saved versions = {total} versions "
              f"(every copy a new version)\n")
        print(f"{'writer':34} {'versions':>8} {'seconds':>8} {'versions/s':>11} {'vs git':>7}")
        print("-" * 72)
        print(f"{'provtrack import (manifest)':34} {total:8d} {provtrack_s:8.2f} {pt_rate:11.1f} {pt_rate / git_rate:6.1f}x")
        print(f"{'git add -A && git commit loop':34} {len(sample):8d} {git_s:8.2f} {git_rate:11.1f} {1.0:6.1f}x")
        print(f"\nprovtrack store objects on disk: {size / 2**20:.1f} MiB; "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
