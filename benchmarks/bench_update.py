"""Does `provtrack update` overlap slow fetches? 200 articles behind 200 ms of latency, --jobs 1 vs 16.

A local http.server (127.0.0.1, threaded) serves N fictional articles, each response
delayed by a fixed latency, with ETags (so unchanged articles answer 304). Two identical
stores are built with `provtrack import`; between building them and the timed runs, a
share of the articles changes on the server. Then `provtrack update --jobs 1` runs on one
store and `provtrack update --jobs 16` on the other (the same CLI a user runs, in-process
through click), each timed with time.perf_counter.

    python benchmarks/bench_update.py [--articles 200] [--latency 0.2] [--changed 20] [--jobs 16]

All data lives under a temporary directory in /tmp (removed at the end); no internet.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from click.testing import CliRunner  # noqa: E402

from provtrack.cli import cli  # noqa: E402


class Server:
    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.revision: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802
                time.sleep(server.latency)
                body = server.page(self.path).encode()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def page(self, path: str) -> str:
        rev = self.revision.get(path, 1)
        paras = "".join(f"<p>Paragraph {k} of story {path}: the Brackwater Sentinel reports that the ferry "
                        f"timetable for Gullhaven changes again (revision {rev if k == 1 else 1}).</p>"
                        for k in range(1, 8))
        return (f"<html><head><title>Story {path}</title><link rel='canonical' href='{self.url(path)}'></head>"
                f"<body><article><h1>Ferry story {path}</h1>{paras}</article></body></html>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--changed", type=int, default=20, help="articles that change before the timed runs")
    parser.add_argument("--jobs", type=int, default=16)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provtrack-bench-update-"))
    server = Server(0.0)
    runner = CliRunner()
    try:
        pages = work / "pages"
        pages.mkdir()
        paths = [f"/news/story-{n}" for n in range(args.articles)]
        lines = ["url,fetched_at,path"]
        for n, path in enumerate(paths):
            (pages / f"{n}.html").write_text(server.page(path))
            lines.append(f"{server.url(path)},2026-02-05T08:00:00Z,{n}.html")
        (pages / "m.csv").write_text("\n".join(lines) + "\n")
        stores = {}
        for jobs in (1, args.jobs):
            stores[jobs] = work / f"store-{jobs}"
            result = runner.invoke(cli, ["import", str(pages / "m.csv"), "--store", str(stores[jobs])])
            assert result.exit_code == 0, result.output
        # first update on each store learns the ETags (untimed), then some articles change
        for jobs in stores:
            runner.invoke(cli, ["update", "--jobs", "16", "--store", str(stores[jobs])])
        for path in paths[: args.changed]:
            server.revision[path] = 2
        server.latency = args.latency
        timings = {}
        for jobs, store in stores.items():
            started = time.perf_counter()
            result = runner.invoke(cli, ["update", "--jobs", str(jobs), "--store", str(store)])
            timings[jobs] = time.perf_counter() - started
            assert result.exit_code == 0, result.output
            summary = result.output.strip().splitlines()[-1]
            assert summary.startswith(f"{args.changed} changed"), summary
        print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"workload: {args.articles} articles, {args.latency * 1000:.0f} ms latency per request, "
              f"{args.changed} changed (stored as new versions), the rest 304 Not Modified\n")
        print(f"{'command':34} {'seconds':>8} {'articles/s':>11} {'speed-up':>9}")
        print("-" * 66)
        for jobs, seconds in timings.items():
            print(f"{'provtrack update --jobs ' + str(jobs):34} {seconds:8.2f} {args.articles / seconds:11.1f} "
                  f"{timings[1] / seconds:8.1f}x")
        print(f"\nfloor at --jobs 1: {args.articles * args.latency:.1f} s of latency alone")
    finally:
        server.httpd.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
