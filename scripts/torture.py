#!/usr/bin/env python3
"""Torture run for provtrack's store and parsers: kills, concurrent writers, hostile pages.

    python scripts/torture.py                     # everything, full size (several minutes)
    python scripts/torture.py --kills 20 --imports 5 --updates 5 --writers 4 --versions 5 --pages 500 --quick-hostile

1. kills: `provtrack snapshot` (and `import`, `update`) processes SIGKILLed at random instants, then `verify`
   and `git fsck`; every snapshot that reported success must be in the store, every killed one
   entirely or not at all (an import: all of its rows or none).
2. writers: concurrent processes snapshotting into one store; every version recorded exactly once
   (each writer its own article), or refused with a clear error (all writers racing on one article).
3. pages: hypothesis-generated hostile pages through extract and diff; only ProvtrackError may escape.
4. hostile: hand-made extremes (100,000-deep nesting, 50 MB lines, entity bombs ...) in child
   processes with a memory limit and a timeout.

It prints what it tried and what survived, and exits 1 if anything did not.
All pages are generated here (fictional newsroom text); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

BASE_URL = "https://torture.example/harbour"
HOSTILE_TIMEOUT = 300  # seconds per hand-made hostile case
HOSTILE_MEMORY = 3 * 1024 ** 3  # bytes of address space per hostile child


def _page(number: int, words: int = 40) -> str:
    """A small fictional article whose text differs with *number*."""
    filler = " ".join(f"tide{(number * 7 + i) % 97}" for i in range(words))
    return (f"<html><head><title>Harbour report {number}</title></head><body><article>"
            f"<h1>Harbour report {number}</h1><p>The Quayside Courier counted {number} boats at dawn.</p>"
            f"<p>Harbour master Ilse Varga said {filler}.</p></article></body></html>")


def _snapshot_cmd(store: Path, page: Path, url: str, at: str) -> list[str]:
    return [sys.executable, "-m", "provtrack", "snapshot", str(page), "--url", url, "--at", at, "--store", str(store)]


def _at(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(1_767_225_600 + second))  # 2026-01-01 on


def _verify(store: Path) -> dict[str, Any]:
    from provtrack.store import Store
    from provtrack.verify import verify

    report = verify(Store(store))
    fsck = subprocess.run(["git", "-C", str(store), "fsck", "--full", "--strict", "--no-dangling"],
                          capture_output=True, text=True)
    return {"verify_errors": [p.to_json() for p in report.errors],
            "verify_warnings": len(report.problems) - len(report.errors), "versions": report.versions,
            "fsck_ok": fsck.returncode == 0 and "error" not in fsck.stderr.lower()}


# -- 1. kills ------------------------------------------------------------------------------

def kill_run(store: Path, kills: int, *, seed: int = 8, articles: int = 5) -> dict[str, Any]:
    """Start *kills* snapshots one after another, each SIGKILLed at a random instant of its run."""
    rng = random.Random(seed)
    pages = store.parent / f"{store.name}-pages"
    pages.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PROVTRACK_LOCK_TIMEOUT": "30"}

    def start(number: int) -> tuple[subprocess.Popen[bytes], str]:
        page = pages / f"page-{number}.html"
        page.write_text(_page(number), encoding="utf-8")
        url = f"{BASE_URL}/story-{number % articles}"
        return subprocess.Popen(_snapshot_cmd(store, page, url, _at(number)), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), url

    completed: dict[str, int] = {}
    durations = []
    for number in range(3):  # uninterrupted runs set the scale of the random instants
        began = time.monotonic()
        proc, url = start(number)
        proc.wait()
        durations.append(time.monotonic() - began)
        completed[url] = completed.get(url, 0) + (proc.returncode == 0)
        if proc.stderr:
            proc.stderr.close()
    span = max(sorted(durations)[1], 0.05) * 1.3  # over the median run's life, and a little after it
    killed = finished = failed = 0
    for number in range(3, kills + 3):
        proc, url = start(number)
        try:
            proc.wait(timeout=rng.uniform(0, span))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        if proc.returncode == -signal.SIGKILL:
            killed += 1
        elif proc.returncode == 0:
            finished += 1
            completed[url] = completed.get(url, 0) + 1
        else:
            failed += 1
            print(f"  snapshot {number} failed: {proc.stderr.read().decode(errors='replace').strip()}"
                  if proc.stderr else f"  snapshot {number} failed")
        if proc.stderr:
            proc.stderr.close()
    result = {"kills": kills, "killed": killed, "finished": finished, "failed": failed,
              "kill_window_s": round(span, 3)}
    result.update(_verify(store))
    result["lost"] = _lost(store, completed)
    # a kill after `main` moved (while mirroring into the working tree): the version is whole and kept
    result["stored_though_killed"] = result["versions"] - sum(completed.values())
    return result


def import_kill_run(store: Path, kills: int, *, rows: int = 10, seed: int = 9) -> dict[str, Any]:
    """`provtrack import` of a *rows*-row manifest, SIGKILLed at random instants: all rows or none."""
    from provtrack.store import Store
    from provtrack.urls import article_id

    rng = random.Random(seed)
    folder = store.parent / f"{store.name}-manifests"
    folder.mkdir(parents=True, exist_ok=True)

    def start(round_: int) -> subprocess.Popen[bytes]:
        manifest = folder / f"round-{round_}.csv"
        lines = ["url,fetched_at,path"]
        for row in range(rows):
            page = folder / f"r{round_}-{row}.html"
            page.write_text(_page(round_ * 100 + row), encoding="utf-8")
            lines.append(f"{BASE_URL}/import-{round_},{_at(row)},{page.name}")
        manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return subprocess.Popen([sys.executable, "-m", "provtrack", "import", str(manifest), "--store", str(store)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    began = time.monotonic()
    start(0).wait()
    span = max(time.monotonic() - began, 0.05) * 1.3
    killed = finished = 0
    for round_ in range(1, kills + 1):
        proc = start(round_)
        try:
            proc.wait(timeout=rng.uniform(0, span))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        killed += proc.returncode == -signal.SIGKILL
        finished += proc.returncode == 0
    opened = Store(store)
    counts = [len(opened.versions(article_id(f"{BASE_URL}/import-{r}"))) for r in range(kills + 1)]
    result = {"imports": kills, "rows_each": rows, "killed": killed, "finished": finished,
              "partial": [f"import {r}: {n} of {rows} rows" for r, n in enumerate(counts) if n not in (0, rows)]}
    result.update(_verify(store))
    return result


def update_kill_run(store: Path, kills: int, *, articles: int = 6, seed: int = 10) -> dict[str, Any]:
    """`provtrack update` of *articles* tracked pages that change on every request, SIGKILLed at random
    instants; the pages come from an http.server on 127.0.0.1 in this process."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    served = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            served["count"] += 1
            body = _page(served["count"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a killed update hangs up mid-response; that is the point

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rng = random.Random(seed)
    try:
        urls = [f"{base}/story-{n}" for n in range(articles)]
        subprocess.run([sys.executable, "-m", "provtrack", "snapshot", *urls, "--store", str(store)],
                       check=True, capture_output=True)
        command = [sys.executable, "-m", "provtrack", "update", "--store", str(store)]
        began = time.monotonic()
        subprocess.run(command, capture_output=True)
        span = max(time.monotonic() - began, 0.05) * 1.3
        killed = finished = 0
        for _ in range(kills):
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=rng.uniform(0, span))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            killed += proc.returncode == -signal.SIGKILL
            finished += proc.returncode == 0
    finally:
        server.shutdown()
        server.server_close()
    result = {"updates": kills, "articles": articles, "killed": killed, "finished": finished,
              "pages_served": served["count"]}
    result.update(_verify(store))
    return result


def _lost(store: Path, completed: dict[str, int]) -> list[str]:
    """URLs with fewer stored versions than snapshots that reported success."""
    from provtrack.store import Store
    from provtrack.urls import article_id

    opened = Store(store)
    return [url for url, count in completed.items() if len(opened.versions(article_id(url))) < count]


# -- 2. concurrent writers -----------------------------------------------------------------

#: one writer process: adds VERSIONS versions of its own article, one snapshot call each
WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from provtrack.store import Store
    from provtrack.tracker import snapshot
    from provtrack.errors import ProvtrackError
    store, writer, versions, folder, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    shared = sys.argv[6] == "shared"
    for version in range(versions):
        page = Path(folder) / f"w{writer}-v{version}.html"
        page.write_text(PAGE(writer * 1000 + version), encoding="utf-8")
        at = None if shared else f"2026-01-01T00:{version // 60:02d}:{version % 60:02d}+00:00"
        url = f"{base}/shared" if shared else f"{base}/writer-{writer}"
        try:
            snapshot(Store(store, create=True), str(page), url=url, at=at)
        except ProvtrackError as exc:  # reported, never half-written
            print(f"refused {writer * 1000 + version}: {exc}", flush=True)
""")


def writers_run(store: Path, writers: int, versions: int, *, shared: bool = False) -> dict[str, Any]:
    """*writers* processes adding *versions* versions each, all at once: each of its own article,
    or (*shared*) all of one article, fetched "now", so that snapshots race for the same history."""
    from provtrack.store import Store
    from provtrack.tracker import stored_document
    from provtrack.urls import article_id

    folder = tempfile.mkdtemp(prefix="provtrack-writers-")
    code = "import sys\nsys.path.insert(0, %r)\nfrom torture import _page as PAGE\n" % str(Path(__file__).parent) + WRITER
    procs = [subprocess.Popen([sys.executable, "-c", code, str(store), str(w), str(versions), folder, BASE_URL,
                               "shared" if shared else "own"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for w in range(writers)]
    outputs = [proc.communicate() for proc in procs]
    refused = [line for out, _ in outputs for line in out.splitlines() if line.startswith("refused")]
    opened = Store(store)
    wrong = []
    urls = [f"{BASE_URL}/shared"] if shared else [f"{BASE_URL}/writer-{w}" for w in range(writers)]
    stored = 0
    for url in urls:
        found = opened.versions(article_id(url))
        stored += len(found)
        if [v.ref.version for v in found] != list(range(1, len(found) + 1)):
            wrong.append(f"{url}: versions {[v.ref.version for v in found]}")
        titles = [stored_document(opened, v).metadata.title for v in found]
        if len(titles) != len(set(titles)):
            wrong.append(f"{url}: a page was recorded twice")
    if stored + len(refused) != writers * versions:
        wrong.append(f"{writers * versions} snapshots: {stored} stored + {len(refused)} refused")
    result = {"writers": writers, "versions_each": versions, "shared_article": shared, "stored": stored,
              "refused": len(refused), "refusals": sorted({r.split(": ", 1)[-1][:160] for r in refused})[:3],
              "writer_failures": [e.strip().splitlines()[-1:] for p, (_, e) in zip(procs, outputs) if p.returncode],
              "wrong": wrong}
    result.update(_verify(store))
    return result


# -- 3. generated hostile pages ------------------------------------------------------------

def pages_run(count: int, *, seed: int = 8) -> dict[str, Any]:
    """*count* hypothesis-generated hostile page pairs through extract and diff."""
    from hypothesis import HealthCheck, given, seed as hseed, settings, strategies as st

    from provtrack.diff import compute_diff
    from provtrack.errors import ProvtrackError
    from provtrack.extract import extract

    tried = {"pages": 0, "extracted": 0, "refused": 0, "diffed": 0}
    crashes: list[str] = []
    fragment = st.one_of(st.sampled_from(HOSTILE_FRAGMENTS), st.text(max_size=30))
    page = st.lists(fragment, max_size=60).map("".join)

    @hseed(seed)
    @settings(max_examples=count, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(page, page, st.sampled_from(["text/html", "text/plain", "text/markdown", None]),
           st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
    def run(first: str, second: str, content_type: str | None, encoding: str) -> None:
        docs = []
        for text in (first, second):
            tried["pages"] += 1
            try:
                docs.append(extract(text.encode(encoding, "replace"), content_type=content_type, name="page"))
                tried["extracted"] += 1
            except ProvtrackError:
                tried["refused"] += 1
            except Exception as exc:  # what the run is looking for
                crashes.append(f"extract {type(exc).__name__}: {exc} on {text[:200]!r}")
        if len(docs) == 2:
            try:
                assert compute_diff(docs[0].blocks, docs[0].blocks).changes == ()
                compute_diff(docs[0].blocks, docs[1].blocks)
                tried["diffed"] += 1
            except Exception as exc:
                crashes.append(f"diff {type(exc).__name__}: {exc} on {first[:100]!r} / {second[:100]!r}")

    run()
    return {**tried, "crashes": crashes[:20], "crash_count": len(crashes)}


HOSTILE_FRAGMENTS = [
    "<p>", "</p>", "<div>", "</div>", "<h1>", "</h1>", "<script>", "</script>", "<style>", "<!--", "-->",
    "<![CDATA[", "]]>", "&amp;", "&#x0;", "&#xD800;", "&#99999999;", "&bogus", "\x00", "\ufeff", "\u202e",
    "<br>", "<li>", "<table><tr><td>", "<title>", "</title>", "<meta charset=x>", '<a href="javascript:x">',
    "<svg><foreignObject>", "<template>", "<noscript>", "<article>", "</article>", "<figcaption>",
    "<blockquote>", "<pre>", "\r\n", "\t", " ", "# ", "* ", "> ", "```", "<!DOCTYPE x [<!ENTITY e 'y'>]>",
]


# -- 4. hand-made extremes -----------------------------------------------------------------

#: runs in a child: builds the input there (a 50 MB page is not worth piping), extracts and diffs it
HOSTILE_CHILD = textwrap.dedent(r'''
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    from provtrack.diff import compute_diff
    from provtrack.errors import ProvtrackError
    from provtrack.extract import extract

    MB = 1024 * 1024
    FULL = sys.argv[3] == "full"
    CASES = {
        "deep-nesting": lambda: b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep text here.</p>" + b"</div>" * 100_000,
        "deep-unclosed": lambda: b"<html><body><article>" + b"<b><i><span>" * 34_000 + b"Unclosed text.",
        "deep-lists": lambda: b"<ul>" + b"<li><ul>" * 50_000 + b"<li>Leaf item text</li>",
        "huge-attribute": lambda: b'<html><body><p title="' + b"a" * (20 * MB) + b'">Short paragraph text.</p>',
        "many-attributes": lambda: b"<p " + b" ".join(b"a%d=x" % i for i in range(300_000)) + b">Text.</p>",
        "nul-bytes": lambda: (b"<p>Nul\x00byte\x00text in a paragraph.</p>\x00<di\x00v>" * 20_000),
        "invalid-utf8": lambda: b"<html><meta charset=utf-8><p>" + bytes(range(128, 256)) * 40_000 + b"</p>",
        "one-line-50mb": lambda: b"<html><body><p>" + b"word " * (10 * MB) + b"</p>",
        "one-line-text": lambda: b"word " * ((10 if FULL else 2) * MB),
        "one-line-markdown": lambda: b"# Title\n\n" + b"*word* " * ((7 if FULL else 1) * MB),
        "no-spaces": lambda: b"<p>" + b"x" * ((50 if FULL else 10) * MB) + b"</p>",
        "entities": lambda: b"<p>" + b"&amp;&lt;&#x10FFFF;&#99999999999;&#0;&bogus;&" * 400_000 + b"</p>",
        "entity-expansion": lambda: (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"x" * 1000 + b'">'
                                     + b"".join(b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;">' % (i + 1, i, i, i, i)
                                                for i in range(12))
                                     + b']><rss><channel><item><title>&a12;</title><description>Feed &a12; text'
                                     b'</description></item></channel></rss>'),
        "external-entity": lambda: (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                    b"<rss><channel><item><title>Feed item</title><description>&xxe; river news"
                                    b"</description></item></channel></rss>"),
        "many-paragraphs": lambda: b"".join(b"<p>Paragraph %d repeats the same few words.</p>" % (i % 50)
                                            for i in range(200_000 if FULL else 50_000)),
        "comments-and-cdata": lambda: b"<p>A</p><!--" + b"-- >" * 2_000_000 + b"<![CDATA[" * 100_000 + b"<p>B</p>",
    }
    kind, content_type = sys.argv[1], sys.argv[2] or None
    raw = CASES[kind]()
    outcome = {"kind": kind, "input_mb": round(len(raw) / MB, 1)}
    try:
        doc = extract(raw, content_type=content_type, name="page")
        outcome["blocks"] = len(doc.blocks)
        outcome["text"] = doc.text[:2000]
        outcome["text_chars"] = len(doc.text)
        outcome["changes"] = len(compute_diff(doc.blocks[:5000], doc.blocks[::-1][:5000]).changes)
        outcome["self"] = len(compute_diff(doc.blocks[:5000], doc.blocks[:5000]).changes)
    except ProvtrackError as exc:
        outcome["error"] = str(exc)
        assert "\n" not in str(exc)
    try:  # this process's own peak (ru_maxrss would include what the parent used before exec)
        peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome["max_rss_mb"] = peak // 1024
    print(json.dumps(outcome))
''').replace("MEMORY_LIMIT", str(HOSTILE_MEMORY))

HOSTILE_CASES = [
    ("deep-nesting", "text/html"), ("deep-unclosed", "text/html"), ("deep-lists", "text/html"),
    ("huge-attribute", "text/html"), ("many-attributes", "text/html"), ("nul-bytes", "text/html"),
    ("invalid-utf8", "text/html"), ("one-line-50mb", "text/html"), ("one-line-text", "text/plain"),
    ("one-line-markdown", "text/markdown"), ("no-spaces", "text/html"), ("entities", "text/html"),
    ("entity-expansion", "application/rss+xml"), ("external-entity", "application/rss+xml"),
    ("many-paragraphs", "text/html"), ("comments-and-cdata", "text/html"),
]


def hostile_case(kind: str, content_type: str, *, full: bool = True) -> dict[str, Any]:
    """One hand-made case in a child process: its outcome, or {"failure": ...} for a crash or hang."""
    try:
        proc = subprocess.run([sys.executable, "-c", HOSTILE_CHILD, kind, content_type, "full" if full else "quick"],
                              capture_output=True, timeout=HOSTILE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"kind": kind, "failure": f"no result within {HOSTILE_TIMEOUT} s (a hang)"}
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-8:]
        return {"kind": kind, "failure": f"child exited {proc.returncode}: " + " | ".join(tail)}
    outcome: dict[str, Any] = json.loads(proc.stdout)
    return outcome


# -- the run -------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="snapshot processes to SIGKILL (default 200)")
    parser.add_argument("--imports", type=int, default=50, help="import processes to SIGKILL (default 50)")
    parser.add_argument("--updates", type=int, default=50, help="update processes to SIGKILL (default 50)")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer processes (default 8)")
    parser.add_argument("--versions", type=int, default=50, help="versions per writer (default 50)")
    parser.add_argument("--pages", type=int, default=10_000, help="generated hostile page pairs (default 10,000)")
    parser.add_argument("--quick-hostile", action="store_true", help="smaller hand-made extremes")
    parser.add_argument("--keep", metavar="DIR", help="build the stores in DIR and keep them")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # progress shows as it happens
    root = Path(args.keep or tempfile.mkdtemp(prefix="provtrack-torture-"))
    ok = True

    def report(title: str, result: dict[str, Any], good: bool) -> None:
        nonlocal ok
        ok = ok and good
        print(f"\n== {title}: {'SURVIVED' if good else 'FAILED'}")
        for key, value in result.items():
            print(f"  {key}: {value}")

    if args.kills:
        r = kill_run(root / "kills", args.kills)
        report(f"{args.kills} snapshots killed at random instants", r,
               not r["verify_errors"] and r["fsck_ok"] and not r["lost"] and not r["failed"])
    if args.imports:
        r = import_kill_run(root / "imports", args.imports)
        report(f"{args.imports} imports of 10 rows killed at random instants", r,
               not r["verify_errors"] and r["fsck_ok"] and not r["partial"])
    if args.updates:
        r = update_kill_run(root / "updates", args.updates)
        report(f"{args.updates} updates of 6 changing articles killed at random instants", r,
               not r["verify_errors"] and r["fsck_ok"])
    if args.writers and args.versions:
        r = writers_run(root / "writers", args.writers, args.versions)
        report(f"{args.writers} concurrent writers x {args.versions} versions, one article each", r,
               not r["wrong"] and not r["writer_failures"] and not r["refused"] and not r["verify_errors"]
               and r["fsck_ok"])
        r = writers_run(root / "shared", args.writers, args.versions, shared=True)
        report(f"{args.writers} concurrent writers x {args.versions} versions of one shared article", r,
               not r["wrong"] and not r["writer_failures"] and not r["verify_errors"] and r["fsck_ok"])
    if args.pages:
        r = pages_run(args.pages)
        report(f"{args.pages} generated hostile page pairs through extract and diff", r, not r["crash_count"])
    failures = []
    print("\n== hand-made hostile pages (child process, 3 GiB address space, 300 s each)")
    for kind, ctype in HOSTILE_CASES:
        r = hostile_case(kind, ctype, full=not args.quick_hostile)
        shown = r.get("failure") or r.get("error") or f"{r['blocks']} blocks, {r['max_rss_mb']} MB peak"
        print(f"  {kind:24} {r.get('input_mb', '?'):>6} MB in  {shown}")
        if "failure" in r:
            failures.append(kind)
    print(f"  {'FAILED: ' + ', '.join(failures) if failures else 'SURVIVED: no crash, no hang'}")
    ok = ok and not failures
    print(f"\nstores kept in {root}" if args.keep else "")
    print("ALL SURVIVED" if ok else "SOMETHING DID NOT SURVIVE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
