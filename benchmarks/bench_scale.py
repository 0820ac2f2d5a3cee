"""Does a store of 10,000 articles x 10 versions stay fast? snapshot, list and log against an empty store.

The large store is filled through provtrack's bulk-write path (`batch.VersionBatch`, what
`provtrack import` uses): every version is a commit with the files, message and trailers
`snapshot` writes. To build 100,000 versions in minutes, the filler does not re-extract
10 near-identical pages per article: it extracts each article's page once and derives
each later version's blocks by changing one figure, with a fixed change summary.

Timed, alternately in the empty and the large store (so background load hits both):

* snapshot: `tracker.snapshot(store, saved.html, url=..., at=...)` in-process, for a new
  article (v1) and for a new version of an existing article (the oldest ones in the large store);
* list and log: the whole command as a user runs it, `python -m provtrack list|log ARTICLE`
  in a fresh process, output to /dev/null.

    python benchmarks/bench_scale.py [--articles 10000] [--versions 10] [--samples 15] [--keep DIR]

With --keep DIR the large store is kept (and reused by later runs with the same DIR).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import page  # noqa: E402 (fictional articles shared with the store benchmark)

from provtrack.batch import VersionBatch  # noqa: E402
from provtrack.blockfile import BLOCKS_FILE, META_FILE, dump_blocks  # noqa: E402
from provtrack.model import CHANGE_KINDS, Block  # noqa: E402
from provtrack.store import Store  # noqa: E402
from provtrack.tracker import Source, build_meta, commit_message, load_source, snapshot  # noqa: E402
from provtrack.urls import article_id, normalize_url  # noqa: E402


def fill(store: Store, articles: int, versions: int, work: Path) -> float:
    """Write articles x versions into *store* through VersionBatch; returns seconds."""
    import json

    started = time.perf_counter()
    template = work / "template.html"
    with store.locked(), VersionBatch(store) as batch:
        for v in range(1, versions + 1):
            for i in range(articles):
                url, html = page(i, 1)
                if v == 1 or i < 3:
                    template.write_text(html, encoding="utf-8")
                at = f"2026-01-{1 + (v - 1) // 24:02d}T{(v - 1) % 24:02d}:{i % 60:02d}:{i // 60 % 60:02d}+00:00"
                source = load_source(str(template), fetched_at=at)
                if v > 1:
                    blocks = list(source.document.blocks)
                    blocks[1] = Block(blocks[1].kind, blocks[1].text.replace("estimated cost", f"cost (rev {v})"))
                    source = Source(replace(source.record, raw=html.replace("estimated", f"rev {v}").encode()),
                                    replace(source.document, blocks=tuple(blocks)))
                article = article_id(normalize_url(url))
                prior = batch._priors.get(article)
                summary = {k: 0 for k in CHANGE_KINDS} | ({"added": len(source.document.blocks)} if v == 1
                                                          else {"changed": 1})
                meta = build_meta(source, article=article, article_url=normalize_url(url), urls=[url], version=v,
                                  previous_commit=prior.ref.commit if prior else None,
                                  first_fetched_at=str(prior.meta["first_fetched_at"]) if prior else at,
                                  summary=summary, raw_name="raw.html")
                files = {BLOCKS_FILE: dump_blocks(source.document.blocks).encode(),
                         META_FILE: (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode(),
                         "raw.html": source.record.raw}
                batch.write(article, files, commit_message(article, v, summary, source.document.metadata.title,
                                                           normalize_url(url), source.record), at,
                            meta=meta, blocks=source.document.blocks)
            print(f"  filled version {v}/{versions} of {articles} articles "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        batch.commit()
    return time.perf_counter() - started


def cli_time(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "provtrack", *args], check=True, stdout=subprocess.DEVNULL,
                   cwd=ROOT, env=dict(os.environ, NO_COLOR="1"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the large store in DIR")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provtrack-bench-scale-"))
    large_path = Path(args.keep) if args.keep else work / "large"
    try:
        empty = Store(work / "empty", create=True)
        with empty.locked():
            empty.ensure_initialised()
        fill_s = None
        if not (large_path / ".git").exists():
            fill_s = fill(Store(large_path, create=True), args.articles, args.versions, work)
        large = Store(large_path)
        commits = int(large.repo.git.rev_list("--count", "main"))
        size = sum(f.stat().st_size for f in (large_path / ".git").rglob("*") if f.is_file())

        times: dict[tuple[str, str], list[float]] = {}
        saved = work / "saved.html"
        for n in range(args.samples):
            for name, store in (("empty", empty), ("large", large)):
                # new: v1 of an article neither store has; update: a new version of an existing article
                url, html = page(args.articles + 1000 + n, 1)
                saved.write_text(html)
                started = time.perf_counter()
                snapshot(store, str(saved), url=url, at="2026-03-01T00:00:00Z")
                times.setdefault((name, "new"), []).append(time.perf_counter() - started)
                url, html = page(n, 1) if name == "large" else page(args.articles + 1000 + n, 1)
                saved.write_text(html.replace("estimated cost", "final cost"))
                started = time.perf_counter()
                snapshot(store, str(saved), url=url, at="2026-03-02T00:00:00Z")
                times.setdefault((name, "update"), []).append(time.perf_counter() - started)
        article = next(iter(large.articles())).id
        empty_article = next(iter(empty.articles())).id
        for n in range(max(3, args.samples // 3)):
            for name, store_path, art in (("empty", empty.path, empty_article), ("large", large_path, article)):
                times.setdefault((name, "list"), []).append(cli_time("list", "--store", str(store_path)))
                times.setdefault((name, "log"), []).append(cli_time("log", art, "--store", str(store_path)))

        print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
              f"{subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"large store: {args.articles} articles x {args.versions} versions, {commits} commits, "
              f"{size / 2**20:.0f} MiB on disk" + (f", filled in {fill_s:.0f} s "
                                                   f"({args.articles * args.versions / fill_s:.0f} versions/s)"
                                                   if fill_s else " (reused)"))
        print("empty store: initialised, then only the articles this run adds\n")
        print(f"{'operation':30} {'empty med':>10} {'large med':>10} {'large p95':>10} {'large/empty':>12} {'target':>14}")
        print("-" * 92)
        targets = {"new": "<= 1.5x", "update": "<= 1.5x", "list": "< 1 s", "log": "< 0.5 s"}
        for op, label in (("new", "snapshot (new article)"), ("update", "snapshot (new version)"),
                          ("list", "provtrack list (process)"), ("log", "provtrack log A (process)")):
            e, big = statistics.median(times[("empty", op)]), statistics.median(times[("large", op)])
            p95 = sorted(times[("large", op)])[int(0.95 * (len(times[("large", op)]) - 1))]
            print(f"{label:30} {e * 1000:8.0f}ms {big * 1000:8.0f}ms {p95 * 1000:8.0f}ms {big / e:11.2f}x "
                  f"{targets[op]:>14}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
