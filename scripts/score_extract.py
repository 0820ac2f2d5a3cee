#!/usr/bin/env python3
"""Score provtrack's HTML extractor against pages with hand-written ground truth.

    python scripts/score_extract.py DIR [--cli] [--only TEXT] [-v] [--repeat N] [--threshold F]

DIR holds ``NAME.html`` pages, each with ``NAME.expected.json``::

    {"body": [texts of paragraphs, sub-heads, quotes and list items in reading order,
              excluding the title and captions],
     "captions": [caption and credit texts], "headings": [sub-head texts], "note": "..."}

(see tests/fixtures/extractblind/). For every page this runs the extractor (the library's
``provtrack.extract.extract``, or ``provtrack extract FILE --format json`` with --cli) and
prints:

* body-text precision, recall and F1 over word 4-gram shingles (multiset). The extracted
  body is every block whose kind is not ``title`` or ``caption``, joined in order; both
  sides are lowercased and tokenised into words (``\\w+`` runs; each CJK character is a
  word of its own, since those scripts put no spaces between words). A text shorter than
  four words is one shingle.
* structure: whether every expected caption is its own ``caption`` block and every
  expected sub-head its own ``heading`` block. Each is ``ok`` (a block of the right kind
  with exactly that text, whitespace collapsed), ``merged`` (inside a longer block of the
  right kind, e.g. caption and credit in one block), ``as KIND`` (found, but in a block of
  another kind no more than twice its length) or ``missing``. ``merged`` counts as found; the others do not.

then the mean F1, the number of pages below 0.97, the structure failures and the
extraction speed (pages/s, extraction only: reading files and scoring are not timed;
with --cli the time includes process start-up). -v lists, per page, the extracted blocks
that are mostly not in the ground truth (leaks) and the expected texts mostly missing
from the output (drops).

Exit status 0 when the mean F1 is at least --threshold (default 0.95) and no caption or
heading is missing or mis-typed, else 1; 2 on a usage error (no pages, unreadable ground
truth).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

N = 4
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f"
_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])\w)+")
NOT_BODY = {"title", "caption"}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def shingles(toks: list[str]) -> Counter:
    if not toks:
        return Counter()
    if len(toks) < N:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + N]) for i in range(len(toks) - N + 1))


def prf(got: Counter, exp: Counter) -> tuple[float, float, float]:
    if not got and not exp:
        return 1.0, 1.0, 1.0
    inter = sum((got & exp).values())
    p = inter / sum(got.values()) if got else 0.0
    r = inter / sum(exp.values()) if exp else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def extract_blocks(path: Path, use_cli: bool) -> tuple[list[tuple[str, str]], float]:
    """The page's blocks as (kind, text) and the seconds the extraction took."""
    if use_cli:
        t0 = time.perf_counter()
        out = subprocess.run(["provtrack", "extract", str(path), "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        dt = time.perf_counter() - t0
        return [(b["kind"], b["text"]) for b in json.loads(out)["blocks"]], dt
    from provtrack.extract import extract
    raw = path.read_bytes()
    t0 = time.perf_counter()
    doc = extract(raw, name=path.name)
    dt = time.perf_counter() - t0
    return [(b.kind, b.text) for b in doc.blocks], dt


def check_structure(expected: list[str], kind: str, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(text, status) for every expected caption/heading; exact matches are used up once."""
    pool = Counter(norm(t) for k, t in blocks if k == kind)
    out = []
    for want in expected:
        w = norm(want)
        if pool[w] > 0:
            pool[w] -= 1
            out.append((want, "ok"))
        elif any(w in norm(t) for k, t in blocks if k == kind):
            out.append((want, "merged"))
        else:
            # another kind: the same text, or the text with at most as much again around it
            # (a caption glued to a paragraph), not a long paragraph that happens to quote it
            other = next((k for k, t in blocks if k != kind and w and w in norm(t)
                          and len(norm(t)) <= 2 * len(w)), None)
            out.append((want, f"as {other}" if other else "missing"))
    return out


def coverage(text: str, against: Counter, against_tokens: list[str]) -> float:
    """How much of *text* the other side holds: its shingles found there, or (for a text
    shorter than a shingle) 1.0 when its words occur there in a row."""
    toks = tokens(text)
    if not toks:
        return 1.0
    if len(toks) < N:
        k = len(toks)
        return float(any(against_tokens[i:i + k] == toks for i in range(len(against_tokens) - k + 1)))
    sh = shingles(toks)
    return sum((sh & against).values()) / sum(sh.values())


def short(text: str, width: int = 90) -> str:
    text = norm(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--cli", action="store_true", help="run `provtrack extract` per page instead of the library")
    ap.add_argument("--only", help="only pages whose name contains TEXT")
    ap.add_argument("-v", "--verbose", action="store_true", help="list leaked and dropped texts per page")
    ap.add_argument("--repeat", type=int, default=1, help="extract every page N times for the timing (default 1)")
    ap.add_argument("--threshold", type=float, default=0.95)
    args = ap.parse_args(argv)

    pages = sorted(p for p in args.dir.glob("*.html") if p.with_name(p.stem + ".expected.json").exists())
    if args.only:
        pages = [p for p in pages if args.only in p.stem]
    if not pages:
        print(f"no NAME.html with NAME.expected.json in {args.dir}", file=sys.stderr)
        return 2

    rows, failures, total_time, f1s = [], [], 0.0, []
    for page in pages:
        try:
            exp = json.loads(page.with_name(page.stem + ".expected.json").read_text(encoding="utf-8"))
            exp_body, exp_caps, exp_heads = exp["body"], exp.get("captions", []), exp.get("headings", [])
        except (OSError, ValueError, KeyError) as e:
            print(f"{page.stem}: unreadable ground truth: {e}", file=sys.stderr)
            return 2
        try:
            blocks, dt = extract_blocks(page, args.cli)
            for _ in range(args.repeat - 1):
                dt += extract_blocks(page, args.cli)[1]
        except Exception as e:  # a crash is a score of zero, not the end of the run
            blocks, dt = [], 0.0
            print(f"{page.stem}: extraction failed: {type(e).__name__}: {e}", file=sys.stderr)
        total_time += dt
        body = [t for k, t in blocks if k not in NOT_BODY]
        got_toks, exp_toks = tokens(" ".join(body)), tokens(" ".join(exp_body))
        got_sh, exp_sh = shingles(got_toks), shingles(exp_toks)
        p, r, f = prf(got_sh, exp_sh)
        f1s.append(f)
        caps = check_structure(exp_caps, "caption", blocks)
        heads = check_structure(exp_heads, "heading", blocks)
        bad = [("caption", t, s) for t, s in caps if s not in ("ok", "merged")] + \
              [("heading", t, s) for t, s in heads if s not in ("ok", "merged")]
        merged = sum(s == "merged" for _, s in caps + heads)
        failures += [(page.stem,) + b for b in bad]
        cap_ok = sum(s in ("ok", "merged") for _, s in caps)
        head_ok = sum(s in ("ok", "merged") for _, s in heads)
        rows.append((page.stem, p, r, f, f"{cap_ok}/{len(caps)}", f"{head_ok}/{len(heads)}", merged, len(blocks)))
        if args.verbose:
            leaks = [(k, t) for k, t in blocks if k not in NOT_BODY and coverage(t, exp_sh, exp_toks) < 0.5]
            drops = [t for t in exp_body if coverage(t, got_sh, got_toks) < 0.5]
            title = [t for k, t in blocks if k == "title"]
            if leaks or drops or bad or f < 0.97:
                print(f"--- {page.stem}  (title: {short(title[0], 70) if title else '-'})")
                for k, t in leaks:
                    print(f"    + [{k}] {short(t)}")
                for t in drops:
                    print(f"    - {short(t)}")
                for kind, t, s in bad:
                    print(f"    ! {kind} {s}: {short(t, 70)}")

    w = max(len(r[0]) for r in rows)
    print(f"\n{'page':{w}}  {'prec':>6} {'recall':>6} {'F1':>6}  {'captions':>8} {'headings':>8} {'merged':>6} {'blocks':>6}")
    for name, p, r, f, c, h, m, nb in rows:
        flag = " <" if f < 0.97 else ""
        print(f"{name:{w}}  {p:6.3f} {r:6.3f} {f:6.3f}  {c:>8} {h:>8} {m:>6} {nb:>6}{flag}")
    mean = sum(f1s) / len(f1s)
    print(f"\nmean F1 {mean:.4f} over {len(rows)} pages; {sum(f < 0.97 for f in f1s)} below 0.97; "
          f"{sum(f < 0.95 for f in f1s)} below 0.95")
    if failures:
        print(f"{len(failures)} caption/heading not their own block of the right kind:")
        for name, kind, t, s in failures:
            print(f"  {name}: {kind} {s}: {short(t, 70)}")
    else:
        print("every expected caption and heading is a block of the right kind")
    n = len(rows) * args.repeat
    if total_time:
        print(f"extraction: {n} pages in {total_time:.3f}s = {n / total_time:.1f} pages/s"
              f"{' (including process start-up)' if args.cli else ''}")
    return 0 if mean >= args.threshold and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
