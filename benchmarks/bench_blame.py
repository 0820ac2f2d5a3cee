"""What does `provtrack blame` cost on a long history, first and cached, compared with `git blame`?

Builds one fictional article with N versions of about P paragraphs (default 1000 x 100), each
version a few edits away from the previous one (changed figures and words, expansions,
insertions, removals, restorations of removed paragraphs, moves, splits, merges,
duplicates), written straight into a store with `Store.write_version` (files and commit
messages made by `tracker.build_meta` and `tracker.commit_message`, as `snapshot` makes
them). Then, each in a fresh process so peak memory is its own:

* `provtrack blame ARTICLE --format json` with no lineage cache (the first blame),
* the same again (cached), and of an older version the first run passed,
* after one more version is stored (resumes from the cache: one diff),
* `provtrack history ARTICLE BLOCK` of a paragraph (cached),
* `git blame --porcelain` and `git blame -M --porcelain` on the article's blocks.txt, twice.

Prints one table: wall and CPU time (medians of --repeat runs; the first blame also runs
--repeat times, each with the lineage cache removed first) and peak RSS of the command (largest
process, git children included), plus how often git blame's commit agrees with provtrack's
origin and last change. provtrack runs the way an installed program does: with a bytecode
cache (PYTHONDONTWRITEBYTECODE removed from its environment, PYTHONPYCACHEPREFIX in the
benchmark's directory) filled by an untimed warm-up run; this machine sets
PYTHONDONTWRITEBYTECODE=1, which would otherwise recompile every module in every process.

    python benchmarks/bench_blame.py [--versions N] [--paragraphs P] [--repeat R] [--keep]

All text is generated; the store lives in a temporary directory under /tmp, removed at the
end unless --keep. No network access.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from provtrack.model import CHANGE_KINDS, Block, Document, FetchRecord, Metadata  # noqa: E402
from provtrack.store import META_FILE, Store, article_dir  # noqa: E402
from provtrack.tracker import Source, build_meta, commit_message, dump_blocks  # noqa: E402
from provtrack.urls import article_id, normalize_url  # noqa: E402

URL = "https://www.quillanbayherald.example/news/2026/03/01/harbour-wall-inquiry"

# -- a fictional article and its revisions ------------------------------------------------------

PEOPLE = ["Edda Vantorre", "Orrin Caskell", "Priya Malvane", "Tomas Hezzleby", "Ilse Durrowmere",
          "Benedikt Aarn", "Casimira Olt", "Hollis Fenwarde"]
PLACES = ["Quillan Bay", "Marrowfield", "Northcombe", "Vessendale", "the Skerry Road", "Pellam Quay"]
NOUNS = ["harbour wall", "inquiry", "council", "engineers", "survey", "contract", "tide gauge", "breakwater",
         "budget", "residents", "ferry operator", "report", "committee", "storm", "insurers", "repairs",
         "fishing fleet", "coastguard", "planning office", "ministry", "auditors", "contractors"]
VERBS = ["said", "warned", "confirmed", "denied", "estimated", "reported", "argued", "found", "promised",
         "questioned", "disclosed", "approved", "rejected", "delayed", "reviewed"]
ADJECTIVES = ["cracked", "delayed", "independent", "urgent", "temporary", "disputed", "costly", "revised",
              "preliminary", "structural", "unpublished", "emergency"]


def sentence(rng: random.Random) -> str:
    who, where = rng.choice(PEOPLE), rng.choice(PLACES)
    forms = [
        f"{who} {rng.choice(VERBS)} that the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} in {where} "
        f"would cost about {rng.randint(2, 90)} million, {rng.randint(10, 95)} percent more than planned.",
        f"The {rng.choice(NOUNS)} {rng.choice(VERBS)} on {rng.choice(['Monday', 'Tuesday', 'Thursday'])} that "
        f"{rng.randint(3, 400)} homes near {where} had been affected by the {rng.choice(ADJECTIVES)} "
        f"{rng.choice(NOUNS)}.",
        f"According to the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}, work on the {rng.choice(NOUNS)} "
        f"began in {rng.randint(1998, 2025)} and was last inspected by {who}.",
        f"\u201cWe were told about the {rng.choice(NOUNS)} only after the {rng.choice(NOUNS)} had "
        f"{rng.choice(VERBS)} it,\u201d {who} {rng.choice(VERBS)}.",
    ]
    return rng.choice(forms)


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def edit(rng: random.Random, text: str) -> str:
    """A figure changed, a word swapped, or a sentence added or cut."""
    words = text.split(" ")
    kind = rng.random()
    if kind < 0.4:
        numbers = [i for i, w in enumerate(words) if any(c.isdigit() for c in w)]
        if numbers:
            i = rng.choice(numbers)
            words[i] = words[i].replace(words[i].strip(".,"), str(rng.randint(2, 900)))
            return " ".join(words)
    if kind < 0.7:
        i = rng.randrange(len(words))
        words[i] = rng.choice(ADJECTIVES + VERBS)
        return " ".join(words)
    if kind < 0.9:
        return text + " " + sentence(rng)
    sentences = text.split(". ")
    return ". ".join(sentences[:-1]) + "." if len(sentences) > 1 else text + " " + sentence(rng)


def revisions(n: int, size: int, seed: int) -> list[list[Block]]:
    """n versions of an article of about *size* paragraphs, each a few edits after the previous."""
    rng = random.Random(seed)
    doc = [paragraph(rng) for _ in range(size)]
    gone: list[str] = []
    versions = [doc]
    while len(versions) < n:
        doc = list(doc)
        for _ in range(rng.randint(1, 3)):
            op = rng.random()
            i = rng.randrange(len(doc))
            if op < 0.55:
                doc[i] = edit(rng, doc[i])
            elif op < 0.65 or len(doc) < size - 10:
                doc.insert(i, paragraph(rng))
            elif op < 0.73 or len(doc) > size + 10:
                gone.append(doc.pop(i))
            elif op < 0.78 and gone:
                doc.insert(i, gone.pop(rng.randrange(len(gone))))  # restored
            elif op < 0.86:
                doc.insert(rng.randrange(len(doc)), doc.pop(i))  # moved
            elif op < 0.92 and ". " in doc[i]:
                head, tail = doc[i].split(". ", 1)
                doc[i:i + 1] = [head + ".", tail]  # split
            elif op < 0.98 and i + 1 < len(doc):
                doc[i:i + 2] = [doc[i] + " " + doc[i + 1]]  # merged
            else:
                doc.insert(i + 1, doc[i])  # duplicated
        if doc != versions[-1]:
            versions.append(doc)
    title = "Harbour wall inquiry widens as repair bill rises"
    return [[Block("title", title), *(Block("paragraph", t) for t in v)] for v in versions]


def stamp(k: int) -> str:
    """Fetch times 30 minutes apart from 1 March 2026."""
    minutes = 30 * k
    return f"2026-{3 + minutes // 43200:02d}-{1 + minutes // 1440 % 30:02d}T{minutes // 60 % 24:02d}:{minutes % 60:02d}:00+00:00"


def fill(store: Store, versions: list[list[Block]], *, start: int = 1, previous: str | None = None) -> str:
    """Write versions *start*, ... with `Store.write_version`, files and message as `snapshot` makes them."""
    primary = normalize_url(URL)
    art = article_id(primary)
    with store.locked():
        for number, blocks in enumerate(versions, start):
            text = dump_blocks(blocks)
            record = FetchRecord(raw=text.encode(), source_kind="stdin", location="-", fetched_at=stamp(number),
                                 content_type="text/plain")
            source = Source(record, Document(tuple(blocks), Metadata(title=blocks[0].text)))
            summary = {k: 0 for k in CHANGE_KINDS} | {"changed": 1, "unchanged": len(blocks) - 1}
            meta = build_meta(source, article=art, article_url=primary, urls=[primary], version=number,
                              previous_commit=previous, first_fetched_at=stamp(1), summary=summary, raw_name=None)
            files = {"blocks.txt": text.encode(),
                     META_FILE: (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode()}
            message = commit_message(art, number, summary, blocks[0].text, primary, record)
            previous = store.write_version(art, files, message=message, date=stamp(number))
    return art


# -- measuring -----------------------------------------------------------------------------------

#: GNU time reports a command's peak RSS without the RSS of a Python parent that forked it
#: (a child's high-water mark starts from its parent's memory until it execs).
GNU_TIME = "/usr/bin/time"


def measure(argv: list[str]) -> None:
    """Child mode: run *argv* once, print wall seconds and the peak RSS of its process tree."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of *argv* (its largest process; CPU of all its processes).

    CPU time (user + system, git children included) is what a busy machine disturbs least.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if os.access(GNU_TIME, os.X_OK):
        start = time.perf_counter()
        proc = subprocess.run([GNU_TIME, "-f", "%M", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, check=True, env=env)
        wall, rss = time.perf_counter() - start, int(proc.stderr.strip().splitlines()[-1]) / 1024
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, rss, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    # fallback: a fresh Python process measures it; its own RSS (~14 MiB) is then a floor
    out = subprocess.run([sys.executable, __file__, "--measure", *argv], capture_output=True, text=True,
                         check=True, env=env).stdout
    data = json.loads(out.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return data["wall"], data["rss_kib"] / 1024, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def git_blame_commits(store: Path, path: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(store), "blame", "--porcelain", "main", "--", path],
                         capture_output=True, text=True, check=True).stdout
    commits = []
    for line in out.splitlines():
        head = line.split(" ")
        if len(head) >= 3 and len(head[0]) == 40 and all(c in "0123456789abcdef" for c in head[0]):
            commits.append(head[0])
    return commits


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:  # child mode, see timed()
        measure(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=1000, help="versions of the article (default 1000)")
    parser.add_argument("--paragraphs", type=int, default=100, help="paragraphs per version (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement but git blame (first) (median; default 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the store under /tmp and print where")
    args = parser.parse_args()

    from provtrack.provenance import algorithm_id

    work = Path(tempfile.mkdtemp(prefix="provtrack-bench-blame-", dir="/tmp"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        store_path = work / "store"
        t0 = time.perf_counter()
        versions = revisions(args.versions, args.paragraphs, args.seed)
        store = Store(store_path, create=True)
        art = fill(store, versions)
        print(f"  wrote {len(versions)} versions of ~{args.paragraphs} paragraphs in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
        blocks_path = f"{article_dir(art)}/blocks.txt"
        cli = [sys.executable, "-m", "provtrack", "--store", str(store_path)]
        middle = f"{art}@v{len(versions) // 2}"
        rows: list[tuple[str, float, float, float, int]] = []

        def row(label: str, argv: list[str], runs: int, before: Callable[[], None] | None = None) -> None:
            samples = []
            for _ in range(runs):
                if before is not None:
                    before()
                samples.append(timed(argv, env))
            rows.append((label, statistics.median(s[0] for s in samples), statistics.median(s[2] for s in samples),
                         max(s[1] for s in samples), runs))
            print(f"  {label}: {rows[-1][1]:.2f} s", file=sys.stderr)

        row("git blame (first)", ["git", "-C", str(store_path), "blame", "--porcelain", "main", "--", blocks_path], 1)
        row("git blame (again)", ["git", "-C", str(store_path), "blame", "--porcelain", "main", "--", blocks_path],
            args.repeat)
        row("git blame -M (again)", ["git", "-C", str(store_path), "blame", "-M", "--porcelain", "main", "--",
                                     blocks_path], args.repeat)
        timed([*cli, "blame", f"{art}@v1", "--format", "json"], env)  # warm-up: compiles provtrack's modules

        def no_cache() -> None:
            shutil.rmtree(store.git_dir / "provtrack" / "lineage", ignore_errors=True)

        code = algorithm_id.__wrapped__()  # the lineage cache is only valid for the same differ and tracer code
        row("provtrack blame (first: no cache)", [*cli, "blame", art, "--format", "json"], args.repeat, no_cache)
        cache = store.git_dir / "provtrack" / "lineage"
        cache_bytes = sum(p.stat().st_size for p in cache.iterdir())
        cache_files = len(list(cache.iterdir()))
        row("provtrack blame (cached)", [*cli, "blame", art, "--format", "json"], args.repeat)
        row("provtrack blame (cached, rich view)", [*cli, "blame", art], args.repeat)
        row(f"provtrack blame @v{len(versions) // 2} (cached)", [*cli, "blame", middle, "--format", "json"],
            args.repeat)
        row("provtrack history ¶10 (cached)", [*cli, "history", art, "¶10", "--format", "json"], args.repeat)
        row("provtrack --version (startup only)", [*cli, "--version"], args.repeat)

        # agreement: git blame's commit per line against provtrack's origin and last change
        from provtrack.provenance import blame

        ours = blame(Store(store_path), art)
        theirs = git_blame_commits(store_path, blocks_path)
        same_last = sum(1 for c, line in zip(theirs, ours.lines) if c == line.lineage.last_changed.commit)
        same_origin = sum(1 for c, line in zip(theirs, ours.lines) if c == line.lineage.origin.commit)
        older = sum(1 for line in ours.lines if line.lineage.origin.version < line.lineage.last_changed.version)

        # one more version: blame resumes from the cached trail (one diff)
        note = Block("paragraph", "An earlier version of this article misstated the cost of the repairs.")
        fill(Store(store_path), [[*versions[-1], note]], start=len(versions) + 1, previous=ours.ref.commit)
        row("provtrack blame after +1 version", [*cli, "blame", art, "--format", "json"], 1)

        print()
        print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
              f"{subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"article: {len(versions)} versions, {min(len(v) for v in versions)}-{max(len(v) for v in versions)} "
              f"blocks each ({len(versions[-1])} in the latest), blocks.txt {len(dump_blocks(versions[-1])) // 1024} KiB")
        print()
        print(f"{'command':40} {'wall s':>8} {'cpu s':>7} {'peak RSS MiB':>13} {'runs':>5}")
        print("-" * 77)
        for label, wall, cpu, rss, runs in rows:
            print(f"{label:40} {wall:8.2f} {cpu:7.2f} {rss:13.0f} {runs:5d}")
        print()
        print(f"lineage cache after the first blame: {cache_files} files, {cache_bytes / 1024 / 1024:.1f} MiB")
        print(f"latest version, {len(ours.lines)} blocks: git blame's commit is provtrack's last change for "
              f"{same_last}, its origin for {same_origin}; {older} blocks have an origin older than their last change")
        if algorithm_id.__wrapped__() != code:
            print("WARNING: provtrack's differ or tracer changed during the run; cached rows traced again")
        if args.keep:
            print(f"store kept at {store_path}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
