"""Does writing a version cost time proportional to what changed, or to the size of the store?

Compares, in one run, the time per stored version of

* provtrack: `provtrack.tracker.snapshot(store, path, url=..., at=...)` on a saved HTML page
  (read + extract + diff + gitdb blobs/trees + `git commit-tree` + `git update-ref` +
  `git update-index --index-info` for the touched files only), and
* the usual "git scraping" loop: write the files into a working tree, then
  `git add -A` and `git commit -q -m ...` (two subprocesses),

each into an empty store and into a store pre-filled with N articles (timed alternately, one
version into each in turn, so background load affects both alike), for two workloads:
`new` (M versions of M new articles) and `update` (M second versions of existing articles;
in the pre-filled stores those are the N oldest articles, the deepest in history).

    python benchmarks/bench_store.py [--articles N] [--versions M] [--keep]

All pages are generated, fictional newsrooms and people; all data lives in a temporary
directory under /tmp that is removed at the end (unless --keep). No network access.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

# dump_blocks comes via tracker: it is what snapshot() itself uses, wherever it is defined
from provtrack.model import CHANGE_KINDS
from provtrack.store import Store, article_dir
from provtrack.tracker import (
    build_meta,
    commit_message,
    dump_blocks,
    load_source,
    snapshot,
)
from provtrack.urls import article_id, normalize_url

# -- fictional articles ------------------------------------------------------------------

NEWSROOMS = [("The Marrowfield Courier", "marrowfieldcourier.example"),
             ("Quillan Bay Herald", "quillanbayherald.example"),
             ("Northcombe Evening Post", "northcombepost.example"),
             ("The Vessendale Ledger", "vessendaleledger.example")]
PEOPLE = ["Edda Vantorre", "Orrin Caskell", "Priya Malvane", "Tomas Hezzleby", "Ilse Durrowmere"]
TOPICS = ["flood barrier", "bus depot", "library annex", "harbour dredging", "school roof", "water main"]


def page(i: int, rev: int = 1) -> tuple[str, str]:
    """(url, html) of fictional article *i*; revision 2 changes one figure in one paragraph."""
    name, host = NEWSROOMS[i % len(NEWSROOMS)]
    topic, who = TOPICS[i % len(TOPICS)], PEOPLE[i % len(PEOPLE)]
    url = f"https://{host}/news/2026/02/{1 + i % 28:02d}/{topic.replace(' ', '-')}-vote-{i}"
    cost = 40 + i % 60 + (5 if rev > 1 else 0)  # the one thing that changes between revisions
    paras = [(f"Councillors voted on Tuesday to fund the {topic} project, at an estimated cost of "
             f"{cost} million, after a debate that lasted well into the evening (item {i}).")]
    paras += [(f"Paragraph {k} of item {i}: {who} told the meeting that residents of ward {k} had waited "
               f"years for the {topic} and that the committee would publish a timetable soon.") for k in range(2, 10)]
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{topic} vote | {name}</title>'
            f'<link rel="canonical" href="{url}"></head><body><nav><ul><li><a href="/">Home</a></li>'
            f'<li><a href="/news">News</a></li></ul></nav><main><article><h1>Council backs {topic} plan</h1>'
            f'<p class="byline">By {who}</p>\n{body}\n<figure><img src="/i/{i}.jpg" alt="">'
            f'<figcaption>The {topic} site on Monday.</figcaption></figure></article></main>'
            f'<aside class="most-read"><h2>Most read</h2><ol><li>Weather</li></ol></aside>'
            f'<footer>&copy; 2026 {name}</footer></body></html>')
    return url, html


def write_page(folder: Path, i: int, rev: int) -> tuple[str, Path]:
    url, html = page(i, rev)
    path = folder / f"a{i}-r{rev}.html"
    path.write_text(html, encoding="utf-8")
    return url, path


def version_files(path: Path, url: str, at: str, version: int) -> tuple[str, dict[str, bytes], str]:
    """(article id, {name: bytes}, commit message) as tracker.snapshot would store them."""
    source = load_source(str(path), fetched_at=at)
    doc, primary = source.document, normalize_url(url)
    summary = {k: 0 for k in CHANGE_KINDS} | {"added": len(doc.blocks), "unchanged": 0}
    meta = build_meta(source, article=(art := article_id(primary)), article_url=primary, urls=[url],
                      version=version, previous_commit=None, first_fetched_at=at, summary=summary,
                      raw_name="raw.html")
    files = {"blocks.txt": dump_blocks(doc.blocks).encode(), "raw.html": source.record.raw,
             "meta.json": (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode()}
    return art, files, commit_message(art, version, summary, doc.metadata.title, primary, source.record)


def stamp(k: int) -> str:
    """Increasing fictional fetch times, one minute apart."""
    return f"2026-02-{1 + k // 1440 % 28:02d}T{k // 60 % 24:02d}:{k % 60:02d}:00+00:00"


# -- the two writers ---------------------------------------------------------------------

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> None:
    # gc.auto=0: keep an occasional background `git gc --auto` out of the per-commit timings
    subprocess.run(["git", "-C", str(repo), "-c", "gc.auto=0", *args], env=GIT_ENV, check=True)


def scrape_commit(repo: Path, art: str, files: dict[str, bytes], message: str) -> None:
    """The git-scraping peer: write the article's files into the working tree, add -A, commit."""
    folder = repo / article_dir(art)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def prefill(work: Path, store: Store, peer: Path, n: int) -> None:
    """Put the same N articles in both stores: provtrack one commit each, the peer in one commit."""
    with store.locked():
        store.ensure_initialised()
        for i in range(n):
            url, path = write_page(work / "pages", i, 1)
            art, files, message = version_files(path, url, stamp(i), 1)
            store.write_version(art, files, message=message, date=stamp(i))
            folder = peer / article_dir(art)
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (folder / name).write_bytes(data)
    if n:  # history depth does not change what `git add -A` / `git commit` do, so one commit will do
        git(peer, "add", "-A")
        git(peer, "commit", "-q", "-m", f"prefill {n} articles")


def make_case(work: Path, label: str, n: int) -> tuple[Path, Store, Path]:
    """A provtrack store and a git-scraping repository, both holding the same n articles."""
    root = work / label
    (root / "pages").mkdir(parents=True)
    store = Store(root / "provtrack", create=True)
    peer = root / "scrape"
    git(root, "init", "-q", "-b", "main", str(peer))
    t0 = time.perf_counter()
    prefill(root, store, peer, n)
    with store.locked():
        store.ensure_initialised()  # "empty" means initialised but without articles
    print(f"  {label}: pre-filled {n} articles in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return root, store, peer


def run(cases: dict[str, tuple[Path, Store, Path]], n: int, m: int) -> dict[tuple[str, str, str], list[float]]:
    """Time m `new` then m `update` versions, alternating between the cases version by version,
    so that a change in background load hits the empty and the large store alike."""
    fresh = list(range(10**6, 10**6 + m))  # ids never used by the pre-fill
    times: dict[tuple[str, str, str], list[float]] = {}
    for k in range(2 * m):
        op, rev = ("new", 1) if k < m else ("update", 2)
        at = stamp(n + k + 1)
        for label, (root, store, peer) in cases.items():
            # update: v2 of the oldest pre-filled articles, or of this run's new ones when there are none
            i = fresh[k % m] if op == "new" or label == "empty" or n < m else k % m
            url, path = write_page(root / "pages", i, rev)
            art, files, message = version_files(path, url, at, rev)  # peer input, built outside the timing
            t = time.perf_counter()
            result = snapshot(store, str(path), url=url, at=at)
            times.setdefault(("provtrack snapshot", op, label), []).append(time.perf_counter() - t)
            assert result.created and result.ref.version == rev, result
            t = time.perf_counter()
            scrape_commit(peer, art, files, message)
            times.setdefault(("git add -A + commit", op, label), []).append(time.perf_counter() - t)
    return times


# -- report ------------------------------------------------------------------------------

def stats(samples: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    ms = sorted(s * 1000 for s in samples)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the pre-filled stores (default 2000)")
    parser.add_argument("--versions", type=int, default=50, help="timed versions per workload (default 50)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary stores and print where")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provtrack-bench-", dir="/tmp"))
    try:
        cases = {"empty": make_case(work, "empty", 0), "large": make_case(work, "large", args.articles)}
        load = os.getloadavg()[0]
        times = run(cases, args.articles, args.versions)
        load = max(load, os.getloadavg()[0])
    finally:
        if args.keep:
            print(f"stores kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    gitv = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    print(f"machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {platform.machine()}, "
          f"Python {platform.python_version()}, git {gitv}, {platform.system()} {platform.release()}, "
          f"1-min load average up to {load:.1f} during the timed part")
    print(f"stores: 'empty' (initialised, no articles) vs 'large' ({args.articles} pre-filled articles, "
          f"{3 * args.articles} files, provtrack history of {args.articles + 1} commits before timing); "
          f"{args.versions} timed versions per row")
    print("new = v1 of a new article; update = v2 of an article (in 'large': the oldest pre-filled ones,\n"
          "in 'empty': the ones this run just added); git peer pre-fill is one commit, gc.auto=0\n")
    head = (f"{'writer':<22}{'workload':<10}{'empty med':>10}{'p95':>8}{'large med':>11}{'p95':>8}"
            f"{'large/empty':>13}")
    print(head + "\n" + "-" * len(head))
    for writer, op in dict.fromkeys(key[:2] for key in times):
        (em, ep), (lm, lp) = stats(times[writer, op, "empty"]), stats(times[writer, op, "large"])
        print(f"{writer:<22}{op:<10}{em:>10.1f}{ep:>8.1f}{lm:>11.1f}{lp:>8.1f}{lm / em:>12.2f}x")
    print("(ms per version; large/empty = ratio of medians)")
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"\npeak RSS: benchmark process {self_kb / 1024:.0f} MiB, largest git child {child_kb / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
