"""Shared fixtures: contract validation, a local HTTP server for article pages, a store in tmp_path."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from provtrack.cli import cli

# No wall-clock assertions anywhere, hypothesis's per-example deadline included:
# a loaded CI machine must not turn a slow example into a failure.
# CI runs the same examples every time (derandomize), so a red run is reproducible and never
# down to luck; `PROVTRACK_HYPOTHESIS=explore python -m pytest` draws new examples, and more of them.
settings.register_profile("provtrack", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
                          database=None)
settings.register_profile("explore", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=1000)
settings.load_profile(os.environ.get("PROVTRACK_HYPOTHESIS", "provtrack"))

CONTRACT = Path(str(resources.files("provtrack") / "contract"))


@pytest.fixture(scope="session")
def validate() -> Callable[[dict, str], None]:
    """validate(data, "diff") checks data against the shipped copy of diff.schema.json."""
    import jsonschema
    from referencing import Registry, Resource

    # the shared contract, plus provtrack's own schemas for outputs the contract does not cover
    paths = [*CONTRACT.glob("*.schema.json"), *CONTRACT.parent.joinpath("schemas").glob("*.schema.json")]
    schemas = {p.name: json.loads(p.read_text()) for p in paths}
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for s in schemas.values() for uri in (s["$id"],)
    )

    def check(data: dict, name: str) -> None:
        schema = schemas[f"{name}.schema.json"]
        jsonschema.Draft202012Validator(schema, registry=registry).validate(data)

    return check


class PageServer:
    """A real HTTP server on 127.0.0.1 serving pages that tests can change between fetches."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server.requests.append(self.path)
                status, headers, body = server.pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = (status, {"Content-Type": content_type, **(headers or {})}, data)
        return self.url(path)

    def redirect(self, path: str, target: str, status: int = 301) -> str:
        self.pages[path] = (status, {"Location": target}, b"")
        return self.url(path)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run(*args, input=None) -> Result, with the store in tmp_path/store and colour off."""
    monkeypatch.setenv("PROVTRACK_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def invoke(*args: str, input: bytes | str | None = None):
        return CliRunner().invoke(cli, ["--color", "never", *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def page_server():
    server = PageServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def example_pages() -> list[bytes]:
    """The three versions of the bundled example article."""
    folder = resources.files("provtrack") / "examples" / "kestrel-flood"
    return [(folder / f"v{i}.html").read_bytes() for i in (1, 2, 3)]
