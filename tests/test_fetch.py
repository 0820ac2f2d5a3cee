"""fetch: a real http.server on 127.0.0.1 stands in for hostile news sites; never the internet."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
from hypothesis import given, settings, strategies as st

import provtrack
from provtrack.errors import FetchError, UsageError
from provtrack.fetch import (_Decoder, fetch, fetch_url, normalize_url, parse_content_type, read_file,
                             read_stdin, user_agent, utc_now)
from provtrack.fetch_http import _next_hop
from provtrack.model import Redirect, sha256_hex
from provtrack.urls import clean_url

HTML = "<html><head><title>Café</title></head><body><p>Hello, world.</p></body></html>".encode()
Route = Callable[["_Handler"], None]
ROUTES: dict[str, Route] = {}


def route(path: str) -> Callable[[Route], Route]:
    def register(fn: Route) -> Route:
        ROUTES[path] = fn
        return fn
    return register


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stop: threading.Event
    requests: list[tuple[str, dict[str, str]]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (timeouts, size caps); that is not a test failure


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else every small write waits out the client's delayed ACK
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        ROUTES.get(self.path.split("?")[0], _not_found)(self)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(self, status: int, body: bytes = b"", ctype: str | None = "text/html; charset=utf-8",
              headers: tuple[tuple[str, str], ...] = (), length: bool = True) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def wait(self, seconds: float) -> bool:
        """Sleep, unless the fixture is shutting down; True if it is."""
        return self.server.stop.wait(seconds)


def _not_found(h: _Handler) -> None:
    h.reply(404, b"<p>gone</p>")


@pytest.fixture
def fetch_httpd() -> Iterator[_Server]:
    """A local ThreadingHTTPServer serving ROUTES, on its own daemon thread."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stop = threading.Event()
    server.requests = []
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.stop.set()  # wakes handlers still sleeping or dripping
        server.shutdown()
        server.server_close()


@pytest.fixture
def fetch_server(fetch_httpd: _Server) -> str:
    """Base URL of the local server."""
    return f"http://127.0.0.1:{fetch_httpd.server_port}"


@pytest.fixture
def fetch_requests(fetch_httpd: _Server) -> list[tuple[str, dict[str, str]]]:
    """What the server saw: (path, headers) per request."""
    return fetch_httpd.requests


# --- routes -----------------------------------------------------------------------------------

@route("/page")
def _page(h: _Handler) -> None:
    h.reply(200, HTML, headers=(("ETag", '"v1"'), ("Last-Modified", "Wed, 04 Feb 2026 10:00:00 GMT"),
                                ("Cache-Control", "max-age=60"), ("Content-Language", "fr"),
                                ("X-Tracking", "not recorded")))


@route("/hop1")
def _hop1(h: _Handler) -> None:
    h.reply(301, headers=(("Location", "/hop2"),))


@route("/hop2")
def _hop2(h: _Handler) -> None:
    h.reply(302, headers=(("Location", f"http://127.0.0.1:{h.server.server_port}/hop3?x=1"),))


@route("/hop3")
def _hop3(h: _Handler) -> None:
    h.reply(307, headers=(("Location", "page"),))


def _redirect_with(code: int) -> Route:
    return lambda h: h.reply(code, headers=(("Location", "/page"),))


for _code in (301, 302, 303, 307, 308):
    route(f"/redirect-{_code}")(_redirect_with(_code))


@route("/loop-a")
def _loop_a(h: _Handler) -> None:
    h.reply(302, headers=(("Location", "/loop-b"),))


@route("/loop-b")
def _loop_b(h: _Handler) -> None:
    h.reply(302, headers=(("Location", "/loop-a#again"),))


@route("/chain")
def _chain(h: _Handler) -> None:
    n = int(h.path.partition("?n=")[2] or 0)
    h.reply(302, headers=(("Location", f"/chain?n={n + 1}" if n < 20 else "/page"),))


@route("/to-ftp")
def _to_ftp(h: _Handler) -> None:
    h.reply(302, headers=(("Location", "ftp://example.invalid/file"),))


@route("/no-location")
def _no_location(h: _Handler) -> None:
    h.reply(302)


@route("/error-500")
def _error_500(h: _Handler) -> None:
    h.reply(500, b"<p>oops</p>")


@route("/sleep")
def _sleep(h: _Handler) -> None:
    if not h.wait(5):
        h.reply(200, HTML)


@route("/drip")
def _drip(h: _Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", "20")
    h.end_headers()
    for _ in range(20):
        h.wfile.write(b"x")
        if h.wait(0.2):
            return


@route("/drip-headers")
def _drip_headers(h: _Handler) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(50):
        h.wfile.write(b"a")
        if h.wait(0.1):
            return


@route("/big-declared")
def _big_declared(h: _Handler) -> None:
    h.reply(200, b"x" * 5000, ctype="text/plain")


@route("/big-close-delimited")
def _big_close_delimited(h: _Handler) -> None:
    h.reply(200, b"x" * 5000, ctype="text/plain", length=False)


def _chunked(h: _Handler, pieces: list[bytes], headers: tuple[tuple[str, str], ...] = ()) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Transfer-Encoding", "chunked")
    for name, value in headers:
        h.send_header(name, value)
    h.end_headers()
    for piece in pieces:
        h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
    h.wfile.write(b"0\r\n\r\n")


@route("/big-chunked")
def _big_chunked(h: _Handler) -> None:
    _chunked(h, [b"y" * 500] * 10)


@route("/chunked")
def _small_chunked(h: _Handler) -> None:
    _chunked(h, [b"one ", b"two ", b"three"])


@route("/gzip")
def _gzip(h: _Handler) -> None:
    h.reply(200, gzip.compress(HTML), headers=(("Content-Encoding", "gzip"),))


@route("/gzip-chunked")
def _gzip_chunked(h: _Handler) -> None:
    data = gzip.compress(HTML)
    _chunked(h, [data[i:i + 7] for i in range(0, len(data), 7)], headers=(("Content-Encoding", "gzip"),))


@route("/deflate-zlib")
def _deflate_zlib(h: _Handler) -> None:
    h.reply(200, zlib.compress(HTML), headers=(("Content-Encoding", "deflate"),))


@route("/deflate-raw")
def _deflate_raw(h: _Handler) -> None:
    obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    h.reply(200, obj.compress(HTML) + obj.flush(), headers=(("Content-Encoding", "deflate"),))


BOMB = gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9)


@route("/bomb")
def _bomb(h: _Handler) -> None:
    h.reply(200, BOMB, headers=(("Content-Encoding", "gzip"),))


@route("/truncated-gzip")
def _truncated_gzip(h: _Handler) -> None:
    h.reply(200, gzip.compress(HTML * 50)[:40], headers=(("Content-Encoding", "gzip"),))


@route("/brotli")
def _brotli(h: _Handler) -> None:
    h.reply(200, b"\x0b\x02\x80hi\x03", headers=(("Content-Encoding", "br"),))


@route("/short-body")
def _short_body(h: _Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(b"only a little")


@route("/wrong-charset")
def _wrong_charset(h: _Handler) -> None:
    h.reply(200, "<p>café</p>".encode("windows-1252"), ctype='text/html; charset="UTF-8"')


@route("/pdf")
def _pdf(h: _Handler) -> None:
    h.reply(200, b"%PDF-1.7\n", ctype="application/pdf")


@route("/json")
def _json(h: _Handler) -> None:
    h.reply(200, b"{}", ctype="application/json")


@route("/feed")
def _feed(h: _Handler) -> None:
    h.reply(200, b"<rss/>", ctype="application/rss+xml")


@route("/untyped")
def _untyped(h: _Handler) -> None:
    h.reply(200, HTML, ctype=None)


@route("/caf%C3%A9")
def _iri(h: _Handler) -> None:
    h.reply(200, HTML)


# --- URLs -------------------------------------------------------------------------------------

def test_200_records_bytes_status_headers_and_type(fetch_server: str, fetch_requests: list) -> None:
    rec = fetch(f"{fetch_server}/page#section")
    assert rec.raw == HTML and rec.sha256 == sha256_hex(HTML)
    assert (rec.source_kind, rec.location, rec.requested_url) == ("url", f"{fetch_server}/page#section",
                                                                  f"{fetch_server}/page#section")
    assert rec.final_url == f"{fetch_server}/page#section" and rec.redirects == ()
    assert (rec.status, rec.content_type, rec.charset) == (200, "text/html", "utf-8")
    names = [name for name, _ in rec.headers]
    assert names == ["Content-Type", "ETag", "Last-Modified", "Date", "Server", "Cache-Control",
                     "Content-Length", "Content-Language"]
    assert dict(rec.headers)["ETag"] == '"v1"'
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", rec.fetched_at)
    path, sent = fetch_requests[-1]
    assert path == "/page"  # the fragment never goes on the wire
    assert "provtrack" in sent["User-Agent"] and "Mozilla" not in sent["User-Agent"]
    assert sent["Accept-Encoding"] == "gzip, deflate" and "text/html" in sent["Accept"]


def test_fetched_at_can_be_given(fetch_server: str) -> None:
    rec = fetch_url(f"{fetch_server}/page", fetched_at="2026-02-05T09:42:00+00:00")
    assert rec.fetched_at == "2026-02-05T09:42:00+00:00"


def test_redirect_chain_recorded_in_order(fetch_server: str) -> None:
    rec = fetch(f"{fetch_server}/hop1")
    assert rec.redirects == (
        Redirect(f"{fetch_server}/hop1", 301, f"{fetch_server}/hop2"),
        Redirect(f"{fetch_server}/hop2", 302, f"{fetch_server}/hop3?x=1"),
        Redirect(f"{fetch_server}/hop3?x=1", 307, f"{fetch_server}/page"),
    )
    assert (rec.requested_url, rec.final_url, rec.status, rec.raw) == (
        f"{fetch_server}/hop1", f"{fetch_server}/page", 200, HTML)


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_followed(fetch_server: str, code: int) -> None:
    rec = fetch(f"{fetch_server}/redirect-{code}")
    assert [r.status for r in rec.redirects] == [code] and rec.final_url == f"{fetch_server}/page"


def test_redirect_loop(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(f"{fetch_server}/loop-a")


def test_too_many_redirects(fetch_server: str) -> None:
    with pytest.raises(FetchError, match=r"too many redirects \(more than 10\)"):
        fetch(f"{fetch_server}/chain")
    assert len(fetch(f"{fetch_server}/chain?n=16", max_redirects=5).redirects) == 5
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(f"{fetch_server}/redirect-301", max_redirects=0)


def test_redirect_to_other_scheme_refused(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="refused redirect.*'ftp'"):
        fetch(f"{fetch_server}/to-ftp")


def test_redirect_without_location(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="302 redirect without Location"):
        fetch(f"{fetch_server}/no-location")


@pytest.mark.parametrize(("path", "message"), [("/missing", "HTTP 404 Not Found for "),
                                               ("/error-500", "HTTP 500 Internal Server Error for ")])
def test_http_error_status_is_one_line(fetch_server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch(fetch_server + path)
    assert str(info.value) == message + fetch_server + path


def test_per_read_timeout(fetch_server: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        fetch(f"{fetch_server}/sleep", timeout=0.3)


def test_slow_drip_body_hits_total_deadline(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="timed out after 1 s"):
        fetch(f"{fetch_server}/drip", timeout=5, total_timeout=1.0)


def test_slow_drip_headers_hit_total_deadline(fetch_server: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        fetch(f"{fetch_server}/drip-headers", timeout=5, total_timeout=0.5)


@pytest.mark.parametrize("path", ["/big-declared", "/big-close-delimited", "/big-chunked"])
def test_oversized_body_refused(fetch_server: str, path: str) -> None:
    with pytest.raises(FetchError, match="response larger than 1000 bytes"):
        fetch(fetch_server + path, max_bytes=1000)


def test_body_at_the_cap_is_accepted(fetch_server: str) -> None:
    assert len(fetch(f"{fetch_server}/big-declared", max_bytes=5000).raw) == 5000
    assert fetch(f"{fetch_server}/chunked").raw == b"one two three"


@pytest.mark.parametrize("path", ["/gzip", "/gzip-chunked", "/deflate-zlib", "/deflate-raw"])
def test_compressed_bodies_are_decoded(fetch_server: str, path: str) -> None:
    rec = fetch(fetch_server + path)
    assert rec.raw == HTML
    assert dict(rec.headers)["Content-Encoding"] in ("gzip", "deflate")


def test_gzip_bomb_refused(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="larger than 1048576 bytes after decompression"):
        fetch(f"{fetch_server}/bomb", max_bytes=1024 * 1024)


@pytest.mark.parametrize(("path", "message"), [
    ("/truncated-gzip", "compressed body is truncated"),
    ("/brotli", "unsupported content encoding 'br'"),
    ("/short-body", "connection closed before the end of the body"),
])
def test_damaged_bodies_refused(fetch_server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        fetch(fetch_server + path)


def test_wrong_charset_keeps_bytes_and_records_param(fetch_server: str) -> None:
    rec = fetch(f"{fetch_server}/wrong-charset")
    assert rec.raw == b"<p>caf\xe9</p>" and rec.charset == "UTF-8"


@pytest.mark.parametrize(("path", "mime"), [("/pdf", "application/pdf"), ("/json", "application/json")])
def test_non_text_types_refused(fetch_server: str, path: str, mime: str) -> None:
    with pytest.raises(FetchError, match=f"not a text page: {mime}"):
        fetch(fetch_server + path)


def test_feeds_and_untyped_pages_accepted(fetch_server: str) -> None:
    assert fetch(f"{fetch_server}/feed").content_type == "application/rss+xml"
    rec = fetch(f"{fetch_server}/untyped")
    assert (rec.content_type, rec.charset, rec.raw) == (None, None, HTML)


def test_non_ascii_path_is_percent_encoded_on_the_wire(fetch_server: str, fetch_requests: list) -> None:
    rec = fetch(f"{fetch_server}/café")
    assert rec.requested_url == f"{fetch_server}/café" and rec.raw == HTML
    assert fetch_requests[-1][0] == "/caf%C3%A9"


def test_connection_refused_on_closed_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        fetch(f"http://127.0.0.1:{port}/", timeout=2)


def test_tls_to_a_plain_http_server_fails_cleanly(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="TLS error"):
        fetch(fetch_server.replace("http://", "https://") + "/page", timeout=2)


@pytest.fixture
def fetch_tls_server(tmp_path) -> Iterator[str]:
    """Base URL of a local HTTPS server with a self-signed certificate no client should trust."""
    if not shutil.which("openssl"):
        pytest.skip("openssl command not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stop, server.requests = threading.Event(), []
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_port}"
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


def test_untrusted_certificate_is_refused(fetch_tls_server: str) -> None:
    with pytest.raises(FetchError, match="TLS certificate verification failed"):
        fetch(f"{fetch_tls_server}/page", timeout=2)


@pytest.mark.parametrize(("source", "scheme"), [
    ("ftp://example.com/a", "ftp"), ("file:///etc/passwd", "file"),
    ("javascript:alert(1)", "javascript"), ("data:text/html,<p>hi", "data"),
    ("HTTPX://example.com", "httpx"),
])
def test_bad_scheme_is_usage_error(source: str, scheme: str) -> None:
    with pytest.raises(UsageError, match=f"unsupported URL scheme '{scheme}'"):
        fetch(source)


@pytest.mark.parametrize(("url", "expected"), [
    ("http://bücher.example/straße?q=ü#frag", "http://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC"),
    ("HTTPS://WWW.Example.COM", "https://www.example.com/"),
    ("http://例え.テスト:8080/a b", "http://xn--r8jz45g.xn--zckzah:8080/a%20b"),
    ("http://example.com/done%20already?b=%C3%BC", "http://example.com/done%20already?b=%C3%BC"),
    ("http://[::1]:81/x", "http://[::1]:81/x"),
    ("http://example.com/<script>", "http://example.com/%3Cscript%3E"),
])
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(("url", "message"), [
    ("http://user:secret@example.com/", "credentials"), ("http:///path", "no host"),
    ("http://example.com:99999/", "bad port"), ("http://exa mple.com/", "bad host name"),
    ("http://a..b/", "bad host name"), ("http://[zz::1]/", "malformed URL"),
    ("http://[::1/", "malformed URL"),
])
def test_normalize_url_rejects(url: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        normalize_url(url)


@pytest.mark.parametrize(("value", "expected"), [
    ("text/html; charset=ISO-8859-1", ("text/html", "ISO-8859-1")),
    ('Text/HTML;Charset="utf-8"', ("text/html", "utf-8")),
    ("text/plain", ("text/plain", None)), (None, (None, None)), ("html", (None, None)),
])
def test_parse_content_type(value: str | None, expected: tuple) -> None:
    assert parse_content_type(value) == expected


# --- decoder, in isolation so every chunk boundary is exercised --------------------------------

def _raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


@pytest.mark.parametrize(("encoding", "body"), [
    ("gzip", gzip.compress(HTML, mtime=0)), ("deflate", zlib.compress(HTML)), ("deflate", _raw_deflate(HTML)),
    ("gzip", gzip.compress(HTML[:10], mtime=0) + gzip.compress(HTML[10:], mtime=0)), ("identity", HTML), ("", HTML),
])
def test_decoder_byte_by_byte(encoding: str, body: bytes) -> None:
    decoder = _Decoder(encoding, 10_000, "u")
    out = b"".join(decoder.feed(body[i:i + 1]) for i in range(len(body)))
    decoder.finish()
    assert out == HTML


def test_decoder_stops_a_bomb_early() -> None:
    decoder = _Decoder("gzip", 1000, "u")
    with pytest.raises(FetchError, match="larger than 1000 bytes after decompression"):
        decoder.feed(BOMB)
    assert decoder.size == 1001  # inflated one byte past the cap, not 8 MiB


def test_decoder_corrupt_stream_raises_zlib_error() -> None:
    with pytest.raises(zlib.error):
        _Decoder("gzip", 1000, "u").feed(b"not gzip at all")


# --- files and stdin ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "mime"), [("a.html", "text/html"), ("a.htm", "text/html"),
                                            ("a.md", "text/markdown"), ("a.txt", "text/plain"),
                                            ("article", None)])
def test_read_file(tmp_path, name: str, mime: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(HTML)
    rec = fetch(str(path), fetched_at="2026-02-05T09:42:00+00:00")
    assert (rec.raw, rec.source_kind, rec.location, rec.content_type) == (HTML, "file", str(path), mime)
    assert (rec.status, rec.fetched_at, rec.requested_url) == (None, "2026-02-05T09:42:00+00:00", None)


def test_file_name_with_colon_is_a_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes:v2.txt").write_bytes(b"hi")
    assert fetch("notes:v2.txt").raw == b"hi"


def test_missing_file(tmp_path) -> None:
    with pytest.raises(FetchError, match="no such file: .*nope.html"):
        fetch(str(tmp_path / "nope.html"))


def test_directory_is_not_a_file(tmp_path) -> None:
    with pytest.raises(FetchError, match="is a directory"):
        read_file(tmp_path)


def test_file_size_cap(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FetchError, match="larger than 100 bytes"):
        read_file(path, max_bytes=100)
    assert len(read_file(path, max_bytes=101).raw) == 101


def test_file_of_non_text_type_refused(tmp_path) -> None:
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(FetchError, match=r"not a text file: .*scan\.pdf is application/pdf"):
        read_file(tmp_path / "scan.pdf")


def test_stdin() -> None:
    rec = fetch("-", stdin=io.BytesIO(HTML))
    assert (rec.raw, rec.source_kind, rec.location, rec.content_type) == (HTML, "stdin", "-", None)
    with pytest.raises(FetchError, match="standard input larger than 10 bytes"):
        read_stdin(io.BytesIO(b"x" * 11), max_bytes=10)


def test_user_agent_and_clock() -> None:
    assert user_agent().startswith(f"provtrack/{provtrack.__version__} ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", utc_now())


@route("/partial")
def _partial(h: _Handler) -> None:
    h.reply(206, b"<p>only the first part</p>", headers=[("Content-Range", "bytes 0-25/9000")])


def test_partial_content_is_not_a_page(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="HTTP 206 Partial Content is not a complete page"):
        fetch(f"{fetch_server}/partial")


# --- issue 8: IDNA on the wire, TLS without fallback, silent TLS peers -----------------------

@pytest.fixture
def resolve_to_localhost(monkeypatch, fetch_httpd: _Server) -> list[str]:
    """Every host name connects to the local server; returns the names the fetcher resolved."""
    original, asked = socket.create_connection, []

    def connect(address, *args, **kwargs):
        asked.append(address[0])
        return original(("127.0.0.1", fetch_httpd.server_port), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", connect)
    return asked


def test_internationalised_host_goes_on_the_wire_as_idna(fetch_httpd: _Server, resolve_to_localhost) -> None:
    port = fetch_httpd.server_port
    rec = fetch(f"http://Bücher.Example:{port}/page")
    assert resolve_to_localhost == ["xn--bcher-kva.example"]
    assert fetch_httpd.requests[-1][1]["Host"] == f"xn--bcher-kva.example:{port}"
    assert rec.requested_url == f"http://Bücher.Example:{port}/page" and rec.raw == HTML


@pytest.mark.parametrize("host", ["a" * 64 + ".example", "exa\x00mple.com", "ex ample.com", "-.example..x"])
def test_unencodable_host_names_are_refused_before_any_connection(host: str, resolve_to_localhost) -> None:
    with pytest.raises(UsageError, match="bad host name|malformed URL"):
        fetch(f"http://{host}/page")
    assert resolve_to_localhost == []


def test_tls_context_always_verifies() -> None:
    from provtrack.fetch import _tls_context

    context = _tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname is True


def test_certificate_failure_never_falls_back(fetch_tls_server: str, monkeypatch) -> None:
    """No retry without verification and no retry over plain http after a refused certificate."""
    original, connections = socket.create_connection, []

    def connect(address, *args, **kwargs):
        connections.append(address)
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", connect)
    monkeypatch.setenv("PYTHONHTTPSVERIFY", "0")  # urllib's escape hatch must not reach provtrack
    with pytest.raises(FetchError, match="TLS certificate verification failed"):
        fetch(f"{fetch_tls_server}/page", timeout=2)
    assert len(connections) == 1  # one connection attempt, then the error


def test_trusted_certificate_for_another_name_is_refused(tmp_path, monkeypatch) -> None:
    """With the certificate trusted, 127.0.0.1 (its name) fetches and localhost (not its name) is refused."""
    if not shutil.which("openssl"):
        pytest.skip("openssl command not available")
    import provtrack.fetch as fetch_module

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stop, server.requests = threading.Event(), []
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    default = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: default(cafile=str(cert)))
    fetch_module._tls_context.cache_clear()
    try:
        port = server.server_port
        assert fetch(f"https://127.0.0.1:{port}/page", timeout=5).raw == HTML
        original = socket.create_connection
        monkeypatch.setattr(socket, "create_connection",
                            lambda address, *a, **k: original(("127.0.0.1", port), *a, **k))
        with pytest.raises(FetchError, match="TLS certificate verification failed"):
            fetch(f"https://localhost:{port}/page", timeout=5)
    finally:
        fetch_module._tls_context.cache_clear()
        server.stop.set()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_silent_peer_hits_the_total_deadline(scheme: str) -> None:
    """A peer that accepts and never speaks (TLS handshake or HTTP response): the deadline ends it,
    even with a per-read timeout far longer."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
            fetch(f"{scheme}://127.0.0.1:{listener.getsockname()[1]}/page", timeout=60, total_timeout=0.5)


@route("/loop-case")
def _loop_case(h: _Handler) -> None:
    h.reply(302, headers=(("Location", f"HTTP://127.0.0.1:{h.server.server_port}/loop-case#x"),))


def test_redirect_loop_through_other_spellings_of_the_same_url(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(f"{fetch_server}/loop-case")


# --- malformed URLs from servers and users: one clean line, one spelling -------------------------

def _redirect_to(location: str) -> Route:
    return lambda h: h.reply(302, headers=(("Location", location),))


for _name, _location in {"/to-broken-ipv6": "http://[::1", "/to-bad-bracket": "http://a]b/x",
                         "/to-escape": "/page\x1b[2J", "/to-bell": "/page\x07", "/to-bad-port": "http://127.0.0.1:99999/",
                         "/to-space": "/page two", "/to-creds": "http://user:pw@127.0.0.1/"}.items():
    route(_name)(_redirect_to(_location))


@route("/page%20two")
def _page_two(h: _Handler) -> None:
    h.reply(200, HTML)


@pytest.mark.parametrize("path", ["/to-broken-ipv6", "/to-bad-bracket", "/to-escape", "/to-bell", "/to-bad-port"])
def test_malformed_location_is_a_refused_redirect(fetch_server: str, path: str) -> None:
    with pytest.raises(FetchError, match=r"^refused redirect from http://127\.0\.0\.1:\d+/to-[a-z0-9-]+: malformed Location") as info:
        fetch(fetch_server + path)
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value) and "\x07" not in str(info.value)


def test_redirect_to_credentials_is_refused_as_such(fetch_server: str) -> None:
    with pytest.raises(FetchError, match="refused redirect from .*: credentials in URLs are not supported"):
        fetch(fetch_server + "/to-creds")


def test_a_space_in_a_location_is_recorded_as_sent(fetch_server: str, fetch_requests: list) -> None:
    rec = fetch(fetch_server + "/to-space")
    assert rec.final_url == f"{fetch_server}/page%20two" == rec.redirects[0].location
    assert fetch_requests[-1][0] == "/page%20two"


_location_text = st.one_of(
    st.text(),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),  # what http.client hands over: latin-1 text
    st.lists(st.sampled_from(["http://", "https://", "//", "[", "]", "::1", "%", "%zz", "@", ":", "99999", "/",
                              "\\", "?", "#", " ", "\t", "\x1b", "\x00", "\x85", "é", "\xc3", "ftp:", "x", "."]),
             max_size=12).map("".join),
)


@settings(max_examples=400)
@given(_location_text)
def test_no_location_header_raises_anything_but_fetch_error(location: str) -> None:
    try:
        target, wire = _next_hop(302, location, "http://127.0.0.1:8765/news/a")
    except FetchError as exc:
        assert "\n" not in str(exc)
        return
    assert wire == normalize_url(target) and clean_url(target) == target  # recorded as one spelling


@settings(max_examples=300)
@given(_location_text)
def test_wire_normalisation_raises_nothing_but_usage_error(text: str) -> None:
    for candidate in (text, "http://127.0.0.1/" + text, "http://" + text):
        try:
            wire = normalize_url(candidate)
        except UsageError:
            continue
        assert wire.isascii() and wire.isprintable() and " " not in wire


@pytest.mark.parametrize("url", ["/page\nsecret", "/page\r\nX-Injected: 1", "/page\x1b[2J", "/pa\x07ge", "/page\x85"])
def test_control_characters_in_a_url_are_refused_before_any_request(fetch_server: str, fetch_requests: list,
                                                                     url: str) -> None:
    with pytest.raises(UsageError, match="malformed URL: control character"):
        fetch(fetch_server + url)
    assert fetch_requests == []


def test_a_url_is_recorded_as_it_is_sent(fetch_server: str, fetch_requests: list) -> None:
    rec = fetch(f"  {fetch_server}/page two\n")
    assert rec.location == rec.requested_url == rec.final_url == f"{fetch_server}/page%20two"
    assert fetch_requests[-1][0] == "/page%20two"


def test_snapshot_records_one_spelling_everywhere(run, fetch_server: str, tmp_path) -> None:
    result = run("snapshot", f"{fetch_server}/page two")
    assert result.exit_code == 0, result.stderr
    store = tmp_path / "store"
    meta_path = next(store.glob("articles/*/*/meta.json"))
    meta = json.loads(meta_path.read_text())
    spelled = f"{fetch_server}/page%20two"
    assert meta["requested_url"] == meta["final_url"] == meta["article_url"] == meta["source"]["location"] == spelled
    assert meta["urls"] == [spelled]
    trailers = subprocess.run(["git", "-C", str(store), "log", "-1", "--format=%(trailers)"],
                              capture_output=True, text=True, check=True).stdout
    assert f"Provtrack-URL: {spelled}\n" in trailers
    refused = run("snapshot", f"{fetch_server}/page\nline")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith("provtrack: error: malformed URL: control character '\\n'")
    assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1


def test_broken_redirect_is_one_line_and_exit_1(run, fetch_server: str) -> None:
    result = run("snapshot", fetch_server + "/to-broken-ipv6")
    assert result.exit_code == 1
    assert result.stderr == (f"provtrack: error: refused redirect from {fetch_server}/to-broken-ipv6: "
                             f"malformed Location 'http://[::1'\n")


# --- timeouts: --timeout bounds the whole fetch, connect included ---------------------------------

def test_connect_never_waits_past_the_total_deadline(fetch_server: str, monkeypatch) -> None:
    original, asked = socket.create_connection, []

    def connect(address, timeout=None, *args, **kwargs):
        asked.append(timeout)
        return original(address, timeout, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", connect)
    fetch(f"{fetch_server}/page", timeout=10, total_timeout=2)
    fetch(f"{fetch_server}/page", timeout=3, total_timeout=60)
    assert 0 < asked[0] <= 2 and asked[1] == 3


# --- fetch times of saved copies --------------------------------------------------------------

def test_a_file_is_fetched_at_its_modification_time(tmp_path) -> None:
    path = tmp_path / "saved.html"
    path.write_bytes(HTML)
    os.utime(path, (1770284520.75, 1770284520.75))  # 2026-02-05T09:42:00.75Z
    rec = read_file(path)
    assert (rec.fetched_at, rec.fetched_at_source) == ("2026-02-05T09:42:00+00:00", "file-mtime")
    given = read_file(path, fetched_at="2026-02-06T00:00:00+00:00")
    assert (given.fetched_at, given.fetched_at_source) == ("2026-02-06T00:00:00+00:00", "given")
    assert read_file(path, fetched_at=rec.fetched_at, fetched_at_source="file-mtime").fetched_at_source == "file-mtime"
    assert fetch("-", stdin=io.BytesIO(HTML)).fetched_at_source == "read-time"


def test_a_fetched_page_says_where_its_time_came_from(fetch_server: str) -> None:
    assert fetch(f"{fetch_server}/page").fetched_at_source == "response"
    assert fetch_url(f"{fetch_server}/page", fetched_at="2026-02-05T09:42:00+00:00").fetched_at_source == "given"


SAVED = ('<html><head><title>Ferry timetable</title><link rel="canonical" href="https://ferries.example/2026/timetable">'
         '</head><body><article><h1>Ferry timetable</h1><p>The harbour board approved the new ferry timetable on '
         'Monday evening, with an extra crossing at dawn.</p></article></body></html>')
MTIME = 1770284520  # 2026-02-05T09:42:00Z


def _saved(tmp_path, name: str = "saved.html", text: str = SAVED, mtime: float = MTIME):
    folder = tmp_path / "pages"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    os.utime(path, (mtime, mtime))
    return path


def _meta_of(store) -> dict:
    return json.loads(next(store.glob("articles/*/*/meta.json")).read_text())


def test_a_saved_file_without_at_is_fetched_at_its_modification_time(run, tmp_path) -> None:
    from provtrack.store import Store

    path = _saved(tmp_path)
    assert run("snapshot", str(path)).exit_code == 0
    store = tmp_path / "store"
    meta = _meta_of(store)
    assert (meta["fetched_at"], meta["fetched_at_source"]) == ("2026-02-05T09:42:00+00:00", "file-mtime")
    dates = subprocess.run(["git", "-C", str(store), "log", "-1", "--format=%aI %cI%n%(trailers)"],
                           capture_output=True, text=True, check=True).stdout
    assert dates.startswith("2026-02-05T09:42:00+00:00 2026-02-05T09:42:00+00:00\n")
    assert "Provtrack-Fetched-At: 2026-02-05T09:42:00+00:00" in dates
    article = meta["article"]
    checks = len(Store(store).checks(article))
    again = run("snapshot", str(path))  # re-reading the file is no check of the live article
    assert again.exit_code == 0 and " unchanged " in again.stdout
    assert "note: not logged as a check: a saved file re-read is no fetch of the live article" in again.stdout
    assert len(Store(store).checks(article)) == checks
    given = run("snapshot", str(path), "--at", "2026-02-06T08:00Z")  # a known fetch time is a check
    assert given.exit_code == 0 and "note:" not in given.stdout
    assert Store(store).checks(article)[-1]["fetched_at"] == "2026-02-06T08:00:00+00:00"
    # import reads the same file at the same time
    assert run("import", str(path.parent), "--store", str(tmp_path / "imported")).exit_code == 0
    assert _meta_of(tmp_path / "imported")["fetched_at"] == meta["fetched_at"]


def test_a_saved_file_older_than_the_latest_version_says_why(run, tmp_path) -> None:
    assert run("snapshot", str(_saved(tmp_path, "new.html", SAVED.replace("dawn", "dusk")))).exit_code == 0
    old = run("snapshot", str(_saved(tmp_path, "old.html", mtime=MTIME - 3600)))
    assert old.exit_code == 2
    assert "(2026-02-05T08:42:00+00:00 (its modification time; give --at if it was fetched later)" in old.stderr


@pytest.mark.parametrize("mtime", [0, 4102444800])  # 1970 (an unpacked archive), 2100 (a wrong clock)
def test_an_implausible_modification_time_needs_at(run, tmp_path, mtime: int) -> None:
    path = _saved(tmp_path, mtime=mtime)
    result = run("snapshot", str(path))
    assert result.exit_code == 2 and "outside the range of plausible fetch times" in result.stderr
    assert "give its fetch time with --at" in result.stderr
    assert run("snapshot", str(path), "--at", "2026-02-05T09:42Z").exit_code == 0


def test_stdin_without_at_is_read_now(run, tmp_path) -> None:
    assert run("snapshot", "-", "--url", "https://ferries.example/2026/timetable", input=SAVED).exit_code == 0
    assert _meta_of(tmp_path / "store")["fetched_at_source"] == "read-time"
