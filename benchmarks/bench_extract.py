"""How fast and how accurate is provtrack's HTML extraction, beside trafilatura, on the CMS corpus?

Prints one table. The corpus is every page of tests/fixtures/cms/ (fictional newsroom layouts:
WordPress, React SSR div soup, AMP, JSON-LD only, live blog, gallery, paywall teaser, consent
wall, long read, two table layouts (one in windows-1252), mixed encodings, embedded posts, wire story)
plus tests/fixtures/extract/harbor_gazette_fire.html, each with expected blocks. Two sizes:

* `corpus`: the pages as they are;
* `scaled xN`: every page with each `<p>...</p>` element repeated N times (default 8), so the
  article and its chrome grow together (about N times the bytes).

For each tool and size it reports pages/s and MB/s (raw bytes in, text out: decoding,
parsing and extraction all included; the best of --repeat rounds over all pages, in process
CPU time so that other load on a shared machine counts less), and on the
`corpus` rows the body-text F1 against the expected blocks: word 4-gram shingles,
title and captions left out on both sides (provtrack's title and caption blocks; for
trafilatura, its text output, which has no title).

trafilatura runs in its own virtual environment (default /tmp/bench_extract_venv, created and
filled with `pip install trafilatura lxml_html_clean` when missing) with the same interpreter
version, called as `trafilatura.extract(raw_bytes, include_comments=False)`; it is a peer to
compare with, never a provtrack dependency. provtrack runs in this process from the checkout.

With --baseline DIR, another provtrack (a directory holding its `provtrack` package, e.g. the
last commit unpacked with `git archive HEAD provtrack | tar -x -C DIR`) is timed too, in a
child process, to show that a change did not slow extraction down.

    python benchmarks/bench_extract.py [--repeat N] [--scale N] [--venv DIR] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from provtrack.extract import extract  # noqa: E402
from provtrack.extract_score import BODY_KINDS, shingle_f1  # noqa: E402

CMS = ROOT / "tests" / "fixtures" / "cms"
GAZETTE = ROOT / "tests" / "fixtures" / "extract" / "harbor_gazette_fire.html"
GAZETTE_BODY = ROOT / "tests" / "test_extract.py"
_PARA = re.compile(rb"<p\b[^>]*>.*?</p>", re.IGNORECASE | re.DOTALL)

PEER_SCRIPT = r'''
import json, sys, time
import trafilatura
pages = json.load(open(sys.argv[1]))
repeat = int(sys.argv[2])
out = {"version": trafilatura.__version__, "sizes": {}}
for size, files in pages.items():
    raws = [open(f, "rb").read() for f in files]
    texts = [trafilatura.extract(r, include_comments=False) or "" for r in raws]  # warm-up, and the output
    best = None
    for _ in range(repeat):
        t0 = time.process_time()
        for r in raws:
            trafilatura.extract(r, include_comments=False)
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    out["sizes"][size] = {"seconds": best, "texts": texts}
json.dump(out, sys.stdout)
'''

# Times another provtrack (e.g. the last commit, unpacked with `git archive`) on the same pages.
BASELINE_SCRIPT = r'''
import json, sys, time
from provtrack.extract import EXTRACTOR_VERSION, extract
pages = json.load(open(sys.argv[1]))
repeat = int(sys.argv[2])
out = {"version": EXTRACTOR_VERSION, "sizes": {}}
for size, files in pages.items():
    raws = [(open(f, "rb").read(), f) for f in files]
    docs = [extract(r, name=n) for r, n in raws]
    best = None
    for _ in range(repeat):
        t0 = time.process_time()
        for r, n in raws:
            extract(r, name=n)
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    body = ("heading", "paragraph", "quote", "list_item")
    out["sizes"][size] = {"seconds": best,
                          "texts": ["\n".join(b.text for b in d.blocks if b.kind in body) for d in docs]}
json.dump(out, sys.stdout)
'''


def expected_body(path: Path) -> str:
    """The expected body text of a corpus page (from NAME.expected; the gazette from its own test)."""
    if path == GAZETTE:
        return _gazette_body()
    lines = (path.with_suffix(".expected")).read_text(encoding="utf-8").splitlines()
    return "\n".join(text for kind, _, text in (line.partition(": ") for line in lines) if kind in BODY_KINDS)


def _gazette_body() -> str:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_extract import GAZETTE_BLOCKS  # type: ignore[import-not-found]
    return "\n".join(text for kind, text in GAZETTE_BLOCKS if kind in BODY_KINDS)


def scaled(raw: bytes, factor: int) -> bytes:
    """The page with every <p> element repeated *factor* times."""
    return _PARA.sub(lambda m: m.group(0) * factor, raw)


def time_provtrack(files: list[Path], repeat: int) -> tuple[float, list[str]]:
    raws = [(f.read_bytes(), f.name) for f in files]
    docs = [extract(raw, name=name) for raw, name in raws]  # warm-up, and the output
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for raw, name in raws:
            extract(raw, name=name)
        best = min(best, time.process_time() - t0)
    return best, ["\n".join(b.text for b in d.blocks if b.kind in BODY_KINDS) for d in docs]


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import trafilatura"], capture_output=True)
    if probe.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "trafilatura", "lxml_html_clean"], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=8)
    parser.add_argument("--venv", type=Path, default=Path("/tmp/bench_extract_venv"))
    parser.add_argument("--baseline", type=Path, help="a directory holding another provtrack package to time too")
    args = parser.parse_args()

    pages = sorted(CMS.glob("*.html")) + [GAZETTE]
    with tempfile.TemporaryDirectory(prefix="provtrack-bench-extract-") as tmp:
        big = []
        for page in pages:
            target = Path(tmp) / page.name
            target.write_bytes(scaled(page.read_bytes(), args.scale))
            big.append(target)
        sizes = {"corpus": pages, f"scaled x{args.scale}": big}
        python = ensure_venv(args.venv)
        listing = Path(tmp) / "pages.json"
        listing.write_text(json.dumps({k: [str(f) for f in v] for k, v in sizes.items()}))
        peer = subprocess.run([str(python), "-c", PEER_SCRIPT, str(listing), str(args.repeat)],
                              capture_output=True, text=True, check=True)
        peer_out = json.loads(peer.stdout)
        base_out = None
        if args.baseline:
            env = dict(os.environ, PYTHONPATH=str(args.baseline))
            base = subprocess.run([sys.executable, "-c", BASELINE_SCRIPT, str(listing), str(args.repeat)],
                                  capture_output=True, text=True, check=True, env=env, cwd=tmp)
            base_out = json.loads(base.stdout)
        ours = {size: time_provtrack(files, args.repeat) for size, files in sizes.items()}

        truth = [expected_body(p) for p in pages]
        print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}; best of {args.repeat} rounds of process CPU time")
        print(f"corpus: {len(pages)} pages; peer: trafilatura {peer_out['version']} (include_comments=False)\n")
        header = f"{'tool':<16} {'pages':<12} {'MB':>7} {'pages/s':>9} {'MB/s':>7} {'body F1 mean':>13} {'min':>6}"
        print(header)
        print("-" * len(header))
        f1s: dict[str, list[float]] = {}
        for size, files in sizes.items():
            mb = sum(f.stat().st_size for f in files) / 1e6
            rows = [("provtrack", ours[size][0], ours[size][1]),
                    ("trafilatura", peer_out["sizes"][size]["seconds"], peer_out["sizes"][size]["texts"])]
            if base_out:
                rows.append((f"provtrack {base_out['version']}", base_out["sizes"][size]["seconds"],
                             base_out["sizes"][size]["texts"]))
            for tool, seconds, texts in rows:
                f1_cell = min_cell = ""
                if size == "corpus":
                    scores = [shingle_f1(t, got)[2] for t, got in zip(truth, texts)]
                    f1s[tool] = scores
                    f1_cell, min_cell = f"{sum(scores) / len(scores):.3f}", f"{min(scores):.3f}"
                print(f"{tool:<16} {size:<12} {mb:>7.2f} {len(files) / seconds:>9.1f} {mb / seconds:>7.2f} "
                      f"{f1_cell:>13} {min_cell:>6}")
        tools = list(f1s)
        print(f"\n{'page':<28}" + "".join(f" {t + ' F1':>18}" for t in tools))
        for index, page in enumerate(pages):
            print(f"{page.stem:<28}" + "".join(f" {f1s[t][index]:>18.3f}" for t in tools))


if __name__ == "__main__":
    main()
