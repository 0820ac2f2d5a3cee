#!/usr/bin/env python3
"""Score ``provtrack blame`` against labelled article histories.

    python scripts/score_blame.py tests/fixtures/blameblind/histories.json [--only TEXT] [--keep DIR]

FILE is ``{"histories": [{"id", "versions": [[[kind, text], ...], ...], "expected":
[[origin, last_change], ...]}]}`` (see tests/fixtures/blameblind/). For every history this
builds a fresh store in a temporary folder: each version is written as a small HTML page
(title as <h1>, headings <h2>, paragraphs <p>, captions in <figure><figcaption>, quotes in
<blockquote>, list items in <ul>) and the versions are imported in order with
``provtrack import MANIFEST.csv`` (one row per version, URL https://fictional.example/ID,
fetch times 15 minutes apart), exactly as ``snapshot FILE --url ... --at ...`` would store
them. It then checks that every stored version's blocks.txt holds exactly the blocks that were
written (so the test is of blame, not of extraction), runs ``provtrack blame ID --format
json``, and compares each block's origin and last-change version with the labels.

Prints per-history accuracy, each mismatching block (history id, block index, text start,
expected vs got), and overall origin and last-change accuracy. Exit status 0 when both are
at least --threshold (default 0.98), else 1; 2 if a store could not be built as written.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

START = datetime(2025, 3, 1, 6, 0, tzinfo=timezone.utc)
STEP = timedelta(minutes=15)


def page(blocks: list[list[str]]) -> str:
    out = ['<!doctype html><html><head><meta charset="utf-8"><title>fictional.example</title></head>',
           "<body><article>"]
    in_list = False
    for kind, text in blocks:
        t = html.escape(text, quote=False)
        if kind != "list_item" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "title":
            out.append(f"<h1>{t}</h1>")
        elif kind == "heading":
            out.append(f"<h2>{t}</h2>")
        elif kind == "paragraph":
            out.append(f"<p>{t}</p>")
        elif kind == "caption":
            out.append(f'<figure><img src="photo.jpg" alt=""><figcaption>{t}</figcaption></figure>')
        elif kind == "quote":
            out.append(f"<blockquote><p>{t}</p></blockquote>")
        elif kind == "list_item":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{t}</li>")
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    if in_list:
        out.append("</ul>")
    out.append("</article></body></html>\n")
    return "\n".join(out)


def unescape_blocks_line(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_blocks_txt(text: str) -> list[list[str]]:
    blocks = []
    for line in text.splitlines():
        if not line:
            continue
        kind, sep, rest = line.partition(": ")
        if not sep:
            kind, rest = line.rstrip(":"), ""
        blocks.append([kind, unescape_blocks_line(rest)])
    return blocks


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def provtrack_cmd() -> list[str]:
    exe = shutil.which("provtrack")
    return [exe] if exe else [sys.executable, "-m", "provtrack"]


def build_store(hist: dict, work: Path, pt: list[str]) -> tuple[Path, str, list[str]]:
    """Import the versions; return (store, article id, problems)."""
    problems: list[str] = []
    pages = work / "pages"
    pages.mkdir(parents=True)
    url = f"https://fictional.example/blameblind/{hist['id']}"
    rows = []
    for i, blocks in enumerate(hist["versions"], 1):
        name = f"v{i:02d}.html"
        (pages / name).write_text(page(blocks), encoding="utf-8")
        rows.append([url, (START + STEP * (i - 1)).strftime("%Y-%m-%dT%H:%M:%SZ"), name])
    with open(pages / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["url", "fetched_at", "path"])
        w.writerows(rows)
    store = work / "store"
    r = run(pt + ["import", str(pages / "manifest.csv"), "--store", str(store)])
    if r.returncode != 0:
        problems.append(f"import failed: {r.stderr.strip() or r.stdout.strip()}")
        return store, "", problems
    r = run(pt + ["list", "--format", "json", "--store", str(store)])
    arts = json.loads(r.stdout)["articles"]
    if len(arts) != 1:
        problems.append(f"expected one article, store has {len(arts)}")
        return store, "", problems
    art = arts[0]
    if art["versions"] != len(hist["versions"]):
        problems.append(f"stored {art['versions']} versions, history has {len(hist['versions'])} "
                        f"({r.stdout.strip()[:200]})")
    # extraction check: blocks.txt of every stored version
    commits = run(["git", "-C", str(store), "log", "--reverse", "--format=%H", "main", "--", "articles"]).stdout.split()
    files = run(["git", "-C", str(store), "ls-tree", "-r", "--name-only", "main", "articles"]).stdout.split()
    bpath = next((p for p in files if p.endswith("/blocks.txt")), None)
    if bpath is None:
        problems.append("no blocks.txt in store")
        return store, art["id"], problems
    for i, (c, want) in enumerate(zip(commits, hist["versions"]), 1):
        got = parse_blocks_txt(run(["git", "-C", str(store), "show", f"{c}:{bpath}"]).stdout)
        if got != want:
            diffs = []
            for j in range(max(len(got), len(want))):
                g = got[j] if j < len(got) else None
                w_ = want[j] if j < len(want) else None
                if g != w_:
                    diffs.append(f"block {j}: wrote {w_!r:.90} stored {g!r:.90}")
                    if len(diffs) >= 3:
                        break
            problems.append(f"v{i} extracted differently from what was written: " + "; ".join(diffs))
    return store, art["id"], problems


def score_history(hist: dict, pt: list[str], keep: Path | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="blameblind-"))
    try:
        store, art_id, problems = build_store(hist, tmp, pt)
        res = {"id": hist["id"], "problems": problems, "mismatches": [], "n": len(hist["expected"]),
               "origin_ok": 0, "last_ok": 0}
        if not art_id:
            return res
        r = run(pt + ["blame", art_id, "--format", "json", "--store", str(store)])
        if r.returncode != 0:
            problems.append(f"blame failed: {r.stderr.strip()}")
            return res
        blame = json.loads(r.stdout)
        blocks = blame["blocks"]
        last = hist["versions"][-1]
        if len(blocks) != len(last):
            problems.append(f"blame has {len(blocks)} blocks, last version {len(last)}")
        for i, (want, (eo, el)) in enumerate(zip(last, hist["expected"])):
            if i >= len(blocks):
                res["mismatches"].append(dict(index=i, text=want[1], expected=[eo, el], got=None))
                continue
            b = blocks[i]
            go, gl = b["origin"]["version"], b["last_changed"]["version"]
            res["origin_ok"] += go == eo
            res["last_ok"] += gl == el
            if (go, gl) != (eo, el):
                res["mismatches"].append(dict(index=i, kind=b["kind"], text=b["text"], expected=[eo, el],
                                              got=[go, gl], edits=b.get("edits")))
        return res
    finally:
        if keep is not None:
            dest = keep / hist["id"]
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(tmp, dest)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--only", action="append", default=[], help="score only histories whose id contains TEXT")
    ap.add_argument("--keep", type=Path, help="copy each history's pages and store into DIR/ID")
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    ap.add_argument("--threshold", type=float, default=0.98)
    args = ap.parse_args(argv)

    data = json.loads(args.file.read_text(encoding="utf-8"))
    hists = [h for h in data["histories"] if not args.only or any(o in h["id"] for o in args.only)]
    pt = provtrack_cmd()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = []
    tot_n = tot_o = tot_l = 0
    bad_store = False
    for h in hists:
        res = score_history(h, pt, args.keep)
        results.append(res)
        n = res["n"]
        tot_n += n
        tot_o += res["origin_ok"]
        tot_l += res["last_ok"]
        flag = "" if not res["mismatches"] and not res["problems"] else "  <--"
        print(f"{h['id']:<48} {len(h['versions']):>2}v {n:>3} blocks  origin {res['origin_ok']:>3}/{n:<3} "
              f"last {res['last_ok']:>3}/{n:<3}{flag}", flush=True)
        for p in res["problems"]:
            bad_store = True
            print(f"    STORE PROBLEM: {p}")
        for m in res["mismatches"]:
            got = m["got"]
            tag = []
            if got is None or got[0] != m["expected"][0]:
                tag.append("origin")
            if got is None or got[1] != m["expected"][1]:
                tag.append("last")
            print(f"    {h['id']} ¶{m['index']} [{'+'.join(tag)}] {m['text'][:60]!r}: expected "
                  f"v{m['expected'][0]}/v{m['expected'][1]}, got "
                  + (f"v{got[0]}/v{got[1]}" if got else "nothing"))
    n_mis = sum(len(r["mismatches"]) for r in results)
    print()
    print(f"histories: {len(results)}   blocks: {tot_n}   mismatching blocks: {n_mis}")
    oa = tot_o / tot_n if tot_n else 0.0
    la = tot_l / tot_n if tot_n else 0.0
    print(f"origin accuracy:      {tot_o}/{tot_n} = {oa:.2%}")
    print(f"last-change accuracy: {tot_l}/{tot_n} = {la:.2%}")
    if args.json:
        args.json.write_text(json.dumps({"origin_accuracy": oa, "last_change_accuracy": la,
                                         "results": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    if bad_store:
        print("some stores were not built exactly as written (see STORE PROBLEM lines)")
        return 2
    return 0 if oa >= args.threshold and la >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
