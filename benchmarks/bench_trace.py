"""How fast does `provtrack trace` answer on a store of 10,000 articles?

Builds a store of N fictional articles (default 10,000, about 20 paragraphs each; one in
ten is a "syndicated" copy that reuses, trims or rewords paragraphs of an earlier article
and adds its own), written with `git fast-import` in the store's own layout (blocks.txt,
a meta.json and the Provtrack-* trailers `trace` reads; fast-import only makes building the
fixture quick, it is not what is measured). Then, each in a fresh process:

* `provtrack trace ID --format json` on a plain `git clone` of the store: no index yet, so
  this first run builds it from all N versions;
* `provtrack trace ID --format json` of a stored copy, with the index current (the target:
  under 1 s);
* `provtrack trace FILE --format json` of an unstored page that copies paragraphs of two
  stored articles and adds its own;
* `provtrack snapshot FILE` of a new article (the snapshot adds itself to the index);
* `git grep -F -l PARAGRAPH` over the same tree, the baseline a user has without provtrack
  (it finds only exact copies of one paragraph), and `provtrack --version` (start-up alone).

Prints one table (median of --repeat runs; a single run for the index build) with wall time
and peak RSS, plus the index size and whether every traced copy paragraph was attributed to
the article it was taken from.

    python benchmarks/bench_trace.py [--articles N] [--repeat R] [--keep]

All text is generated and fictional; the stores live under /tmp and are removed at the
end unless --keep. No network access.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from provtrack.blockfile import dump_blocks  # noqa: E402
from provtrack.model import Block  # noqa: E402
from provtrack.store import Store, article_dir  # noqa: E402
from provtrack.urls import article_id  # noqa: E402

SITES = ["marrowfieldcourier.example", "quillanbayherald.example", "northcombepost.example",
         "vessendaletimes.example", "pellamquaygazette.example", "skerryroadwire.example"]
PEOPLE = ["Edda Vantorre", "Orrin Caskell", "Priya Malvane", "Tomas Hezzleby", "Ilse Durrowmere",
          "Benedikt Aarn", "Casimira Olt", "Hollis Fenwarde", "Wren Taskerly", "Odile Marchbank"]
NOUNS = ["harbour wall", "inquiry", "council", "engineers", "survey", "contract", "tide gauge", "breakwater",
         "budget", "residents", "ferry operator", "report", "committee", "storm", "insurers", "repairs",
         "fishing fleet", "coastguard", "planning office", "ministry", "auditors", "contractors", "school board",
         "rail link", "water authority", "hospital trust", "bus depot", "market hall", "reservoir", "lighthouse"]
VERBS = ["said", "warned", "confirmed", "denied", "estimated", "reported", "argued", "found", "promised",
         "questioned", "approved", "delayed", "rejected", "announced", "disputed", "welcomed"]
ADJ = ["new", "disputed", "overdue", "independent", "emergency", "regional", "temporary", "revised", "final"]


def sentence(rng: random.Random) -> str:
    return (f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} that the {rng.choice(ADJ)} {rng.choice(NOUNS)} "
            f"would cost {rng.randint(2, 900)},{rng.randint(100, 999)} crowns and that the {rng.choice(NOUNS)} "
            f"had {rng.choice(VERBS)} the {rng.choice(ADJ)} {rng.choice(NOUNS)} in {rng.randint(1990, 2026)}.")


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def article(rng: random.Random, n: int) -> list[Block]:
    blocks = [Block("title", f"{rng.choice(ADJ).title()} {rng.choice(NOUNS)} plan {rng.choice(VERBS)} ({n})")]
    for i in range(rng.randint(15, 25)):
        blocks.append(Block("caption" if i == 4 else "paragraph", paragraph(rng)))
    return blocks


def copy_of(rng: random.Random, source: list[Block], n: int) -> list[Block]:
    """A syndicated copy: some paragraphs verbatim, one trimmed, one reworded, some new ones."""
    kept = [b for b in source[1:] if rng.random() < 0.6]
    if kept:
        words = kept[0].text.split()
        kept[0] = Block(kept[0].kind, " ".join(words[: max(6, len(words) * 9 // 10)]))
    if len(kept) > 1:
        kept[1] = Block(kept[1].kind, kept[1].text.replace(" said ", " told reporters ", 1))
    own = [Block("paragraph", paragraph(rng)) for _ in range(3)]
    return [Block("title", f"Digest: {source[0].text} ({n})"), *kept, *own]


def build_store(path: Path, n: int, seed: int = 7) -> tuple[list[str], dict[str, list[Block]]]:
    """A store of n one-version articles written with git fast-import; returns ids and some texts."""
    rng = random.Random(seed)
    store = Store(path, create=True)
    with store.locked():
        store.ensure_initialised()
    ids: list[str] = []
    kept: dict[str, list[Block]] = {}
    texts: list[list[Block]] = []
    start = 1_770_000_000  # 2026-02-02, then one article a minute
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--force"], cwd=path, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    for i in range(n):
        if i >= 50 and i % 10 == 0:
            blocks = copy_of(rng, texts[rng.randrange(len(texts))], i)
        else:
            blocks = article(rng, i)
        texts.append(blocks) if len(texts) < 2000 else None
        site = SITES[i % len(SITES)]
        url = f"https://www.{site}/news/2026/{i:05d}/story-{i}"
        aid = article_id(url)
        ids.append(aid)
        if i % 997 == 0 or i % 10 == 0:
            kept[aid] = blocks
        when = start + 60 * i
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(when))
        body = dump_blocks(blocks).encode()
        meta = json.dumps({"article": aid, "version": 1, "fetched_at": stamp, "article_url": url,
                           "title": blocks[0].text, "generated_by": "benchmarks/bench_trace.py"}).encode()
        message = (f"{aid} v1: first version\n\n{blocks[0].text}\n{url}\n\nProvtrack-Article: {aid}\n"
                   f"Provtrack-Version: 1\nProvtrack-URL: {url}\nProvtrack-Fetched-At: {stamp}\n").encode()
        folder = article_dir(aid)
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer provtrack <provtrack@localhost> {when} +0000\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        if i == 0:
            out.write(b"from refs/heads/main^0\n")
        for name, data in (("blocks.txt", body), ("meta.json", meta)):
            out.write(f"M 100644 inline {folder}/{name}\n".encode())
            out.write(b"data %d\n%s\n" % (len(data), data))
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=path, check=True)
    return ids, kept


def timed(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS KiB of the process, stdout)."""
    with tempfile.NamedTemporaryFile("r") as report:
        begin = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *cmd], cwd=cwd, env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - begin
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
        rss = int((report.read().strip().splitlines() or ["0"])[-1])
    return wall, rss, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provtrack-bench-trace-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: a bytecode cache, outside the checkout
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    provtrack = [sys.executable, "-m", "provtrack"]
    rows: list[tuple[str, float, int, int]] = []
    try:
        begin = time.perf_counter()
        store = work / "store"
        ids, kept = build_store(store, args.articles)
        print(f"built {args.articles} articles in {time.perf_counter() - begin:.0f} s", file=sys.stderr)
        clone = work / "clone"
        subprocess.run(["git", "clone", "-q", str(store), str(clone)], check=True)
        copy_id = next(a for a in ids[50::10] if a in kept)
        timed([*provtrack, "--version"], env=env)  # warm the bytecode cache
        wall, rss, out = timed([*provtrack, "trace", "--store", str(clone), copy_id, "--format", "json"], env=env)
        rows.append(("provtrack trace (first: builds the index)", wall, rss, 1))
        first = json.loads(out)

        def median(label: str, cmd: list[str], **kw) -> str:
            runs = [timed(cmd, env=env, **kw) for _ in range(args.repeat)]
            rows.append((label, statistics.median(r[0] for r in runs), max(r[1] for r in runs), len(runs)))
            return runs[-1][2]

        stored = json.loads(median("provtrack trace ARTICLE (index current)",
                                   [*provtrack, "trace", "--store", str(clone), copy_id, "--format", "json"]))
        assert stored["summary"] == first["summary"]
        # an unstored page: paragraphs of two stored articles plus two of its own
        rng = random.Random(11)
        a, b = ids[123], ids[args.articles // 2 + 1]
        a_blocks = kept.get(a) or _stored_blocks(Store(store), a)
        b_blocks = kept.get(b) or _stored_blocks(Store(store), b)
        page = work / "unstored.html"
        paras = [*a_blocks[1:4], *b_blocks[2:5], Block("paragraph", paragraph(rng)), Block("paragraph", paragraph(rng))]
        page.write_text("<html><head><title>Roundup</title></head><body><article><h1>Weekly roundup</h1>"
                        + "".join(f"<p>{p.text}</p>" for p in paras) + "</article></body></html>")
        traced = json.loads(median("provtrack trace FILE (unstored page)",
                                   [*provtrack, "trace", "--store", str(clone), str(page), "--format", "json"]))
        found = [blk["origin"]["snapshot"]["article"] if blk["origin"] else None for blk in traced["blocks"][1:]]
        right = found == [a, a, a, b, b, b, None, None]
        new_page = work / "new.html"
        new_page.write_text("<html><head><title>Fresh</title></head><body><article><h1>Fresh story</h1>"
                            + "".join(f"<p>{paragraph(rng)}</p>" for _ in range(20)) + "</article></body></html>")
        wall, rss, _ = timed([*provtrack, "snapshot", "--store", str(clone), str(new_page),
                              "--url", "https://www.marrowfieldcourier.example/fresh", "--at", "2026-03-01T00:00Z"], env=env)
        rows.append(("provtrack snapshot (adds itself to the index)", wall, rss, 1))
        needle = a_blocks[2].text.split(". ")[0]
        median("git grep -F -l PARAGRAPH (exact copies only)", ["git", "grep", "-F", "-l", needle, "HEAD", "--", "articles"],
               cwd=clone)
        median("provtrack --version (start-up only)", [*provtrack, "--version"])
        size = (clone / ".git" / "provtrack" / "trace.sqlite3").stat().st_size
        blob_size = sum(p.stat().st_size for p in (clone / "articles").rglob("blocks.txt"))
    finally:
        if not args.keep:
            subprocess.run(["rm", "-rf", str(work)], check=False)
        else:
            print(f"kept {work}", file=sys.stderr)
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"{subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"store: {args.articles} articles, one version each, "
          f"{stored['index']['versions']} versions indexed; blocks.txt total {blob_size / 2**20:.0f} MiB, "
          f"index {size / 2**20:.0f} MiB")
    print()
    print(f"{'command':50} {'wall s':>7} {'peak RSS MiB':>13} {'runs':>5}")
    for label, wall, rss, runs in rows:
        print(f"{label:50} {wall:7.2f} {rss / 1024:13.0f} {runs:5d}")
    print()
    print(f"stored copy: {stored['summary']}; unstored page attributed correctly: {'yes' if right else 'no: ' + str(found)}")


def _stored_blocks(store: Store, aid: str) -> list[Block]:
    return list(store.read_blocks(store.resolve(aid).ref))


if __name__ == "__main__":
    main()
