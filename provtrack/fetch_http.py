"""I/O: the HTTP client, the only network code: http(s) URL -> raw bytes plus transport provenance.

Pages are hostile: every read is bounded in size and time, redirects are followed by
hand so each hop is recorded, and nothing below raises anything but ProvtrackError
subclasses for expected failures. Imported only when a URL is fetched.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Iterator, Mapping
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from .errors import FetchError, UsageError
from .fetch import _clean, _is_text_type, parse_content_type, user_agent, utc_now
from .limits import DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TOTAL_TIMEOUT
from .model import FetchRecord, Redirect
from .urls import clean_url

__all__ = ["fetch_url", "normalize_url"]

_CHUNK = 64 * 1024
_ACCEPT = "text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Response headers worth keeping as provenance, in the order and spelling they are recorded.
_RECORDED_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Date", "Age", "Server", "Cache-Control",
                     "Content-Length", "Content-Encoding", "Content-Language", "Location")
_GZIP_WBITS = 16 + zlib.MAX_WBITS
# Printable ASCII minus what WHATWG URL parsing percent-encodes; '%' stays so existing escapes survive.
_PATH_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"#<>?`{}')
_QUERY_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"#<>')
_HOST = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


def normalize_url(url: str) -> str:
    """The ASCII wire form of an http(s) URL: IDNA host, percent-encoded path and query, no fragment.

    Raises UsageError for other schemes, credentials, control characters, a missing or
    malformed host or port.
    """
    try:
        parts = urlsplit(clean_url(url))
    except ValueError:  # unbalanced or invalid [IPv6] brackets, a netloc NFKC would change
        raise UsageError(f"malformed URL: {_clean(url)}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = repr(scheme or "(none)")
        raise UsageError(f"unsupported URL scheme {shown} (only http and https): {_clean(url)}")
    if "@" in parts.netloc:
        # Never send, and never archive, credentials embedded in a URL.
        raise UsageError(f"credentials in URLs are not supported: {_clean(url)}")
    host = parts.hostname
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"bad port in URL: {_clean(url)}") from None
    if not host:
        raise UsageError(f"no host in URL: {_clean(url)}")
    if ":" in host:
        try:
            netloc = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise UsageError(f"malformed URL: {_clean(url)}") from None
    else:
        try:
            netloc = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            netloc = ""
        if not _HOST.fullmatch(netloc):
            raise UsageError(f"bad host name in URL: {_clean(url)}")
    if port is not None:
        netloc += f":{port}"
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    return urlunsplit((scheme, netloc, path, quote(parts.query, safe=_QUERY_SAFE), ""))


def fetch_url(url: str, *, timeout: float = DEFAULT_CONNECT_TIMEOUT,
              total_timeout: float = DEFAULT_TOTAL_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
              max_redirects: int = DEFAULT_MAX_REDIRECTS, fetched_at: str | None = None,
              conditional: Mapping[str, str] | None = None) -> FetchRecord:
    """GET an http(s) URL, following redirects by hand so that every hop is recorded.

    *timeout* bounds connecting and each socket read (never past the end of
    *total_timeout*, which bounds the whole fetch, redirects included). *fetched_at*
    defaults to when the final response began. *conditional* (`If-None-Match`,
    `If-Modified-Since`) makes the request conditional: a 304 then returns a record with
    status 304 and no body. The URL is recorded as `clean_url` spells it, the spelling sent.
    """
    url = clean_url(url)
    wire = normalize_url(url)
    limits = _Limits(timeout, total_timeout, max_bytes)
    current, seen, hops = url, {wire}, []
    source = "given" if fetched_at else "response"
    while True:
        with _exchange(wire, current, limits, conditional) as (resp, watchdog):
            if resp.status in _REDIRECTS:
                target, wire = _next_hop(resp.status, resp.getheader("Location"), current)
                hops.append(Redirect(url=current, status=resp.status, location=target))
                if len(hops) > max_redirects:
                    raise FetchError(f"too many redirects (more than {max_redirects}): {_clean(url)}")
                if wire in seen:
                    raise FetchError(f"redirect loop at {_clean(target)}")
                seen.add(wire)
                current = target
                continue
            started = utc_now()
            if resp.status in (204, 205, 206):  # success, but not a whole page to archive
                raise FetchError(f"HTTP {resp.status} {_PHRASES.get(resp.status, '')} is not a complete page: "
                                 f"{_clean(current)}")
            if resp.status == 304 and conditional:  # unchanged since the validators were issued
                return FetchRecord(raw=b"", source_kind="url", location=url, fetched_at=fetched_at or started,
                                   fetched_at_source=source,
                                   requested_url=url, final_url=current, redirects=tuple(hops), status=304,
                                   headers=tuple((n, v) for n in _RECORDED_HEADERS for v in resp.msg.get_all(n, [])))
            if not 200 <= resp.status < 300:
                # The standard phrase: the server's own reason is untrusted text.
                reason = _PHRASES.get(resp.status) or _clean(resp.reason)[:60]
                raise FetchError(f"HTTP {resp.status} {reason} for {_clean(current)}", status=resp.status)
            mime, charset = parse_content_type(resp.getheader("Content-Type"))
            if not _is_text_type(mime):
                raise FetchError(f"not a text page: {_clean(mime or '')}")
            raw = _read_body(resp, watchdog, limits, current)
            headers = tuple((name, value) for name in _RECORDED_HEADERS
                            for value in resp.msg.get_all(name, []))
            return FetchRecord(raw=raw, source_kind="url", location=url,
                               fetched_at=fetched_at or started, requested_url=url, final_url=current,
                               redirects=tuple(hops), status=resp.status, headers=headers,
                               content_type=mime, charset=charset, fetched_at_source=source)


@dataclass
class _Limits:
    """The bounds of one fetch, shared by all of its hops."""

    timeout: float
    total_timeout: float
    max_bytes: int
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.total_timeout

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def expired(self, url: str) -> FetchError:
        return FetchError(f"timed out after {self.total_timeout:g} s: {_clean(url)}")


class _Watchdog:
    """Shuts the socket down at the deadline, so a server dripping a TLS handshake, headers or
    body one byte at a time cannot hold the fetch past total_timeout (per-read timeouts never fire)."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self.sock: socket.socket | None = None
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            try:  # the plain socket's shutdown, bypassing SSLSocket's, which would tear down TLS state
                socket.socket.shutdown(self.sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def watch(self, sock: socket.socket) -> None:
        """Guard *sock* from now on; shut it at once if the deadline has already passed."""
        self.sock = sock
        if self.fired:
            self._fire()

    def cancel(self) -> None:
        self._timer.cancel()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Verifying TLS context, built once: loading the CA store is slow. There is no insecure fallback."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


@contextmanager
def _exchange(wire: str, shown: str, limits: _Limits,
              conditional: Mapping[str, str] | None = None) -> Iterator[tuple[http.client.HTTPResponse, _Watchdog]]:
    """One GET on a fresh connection; low-level failures become one-line FetchErrors."""
    parts = urlsplit(wire)
    host, https = parts.hostname or "", parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    target = wire[len(f"{parts.scheme}://{parts.netloc}"):]
    if limits.remaining() <= 0:
        raise limits.expired(shown)
    watchdog = _Watchdog(limits.remaining())
    conn: http.client.HTTPConnection = (http.client.HTTPSConnection(host, port, context=_tls_context())
                                        if https else http.client.HTTPConnection(host, port))
    resp = None
    try:
        # a silent connect or read fails after timeout, but never outlives the whole fetch's deadline
        conn.sock = sock = socket.create_connection((host, port), max(min(limits.timeout, limits.remaining()), 0.01))
        watchdog.watch(sock)
        if https:
            # Handshake only once the watchdog holds the TLS socket: wrapping detaches the plain one.
            tls = _tls_context().wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
            conn.sock = tls
            watchdog.watch(tls)
            tls.do_handshake()
        extra = {k: v for k, v in (conditional or {}).items()
                 if k in ("If-None-Match", "If-Modified-Since") and v.isprintable() and v.isascii()}
        conn.request("GET", target, headers={"User-Agent": user_agent(), "Accept": _ACCEPT,
                                             "Accept-Encoding": "gzip, deflate", **extra})
        resp = conn.getresponse()
        yield resp, watchdog
    except (http.client.HTTPException, OSError, zlib.error) as exc:
        raise _network_error(exc, shown, limits, watchdog.fired) from None
    finally:
        watchdog.cancel()
        if resp is not None:
            resp.close()
        conn.close()


#: Failures whose kind says it all, most specific first (RemoteDisconnected is a ConnectionResetError).
_NETWORK_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (socket.gaierror, "cannot resolve host"),
    (ConnectionRefusedError, "connection refused"),
    (http.client.RemoteDisconnected, "server closed the connection without a response"),
    (http.client.IncompleteRead, "connection closed before the end of the body"),
    (zlib.error, "corrupt compressed body"),
)


def _network_error(exc: BaseException, url: str, limits: _Limits, expired: bool) -> FetchError:
    """One line naming what went wrong, never the traceback."""
    if expired or (isinstance(exc, TimeoutError) and limits.remaining() < 0.1):
        return limits.expired(url)
    what = next((text for kind, text in _NETWORK_ERRORS if isinstance(exc, kind)), None)
    if isinstance(exc, TimeoutError):
        what = f"timed out after {limits.timeout:g} s"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        what = f"TLS certificate verification failed ({_clean(str(exc.verify_message))})"
    elif isinstance(exc, ssl.SSLError):
        what = f"TLS error ({_clean(str(exc.reason or exc))})"
    elif what is None:
        malformed = isinstance(exc, http.client.HTTPException)
        kind = "malformed HTTP response" if malformed else "network error"
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        what = f"{kind} ({_clean(detail)})"
    return FetchError(f"{what}: {_clean(url)}", gone=isinstance(exc, socket.gaierror))


def _next_hop(status: int, location: str | None, current: str) -> tuple[str, str]:
    """(the absolute target of a redirect as recorded, its wire form), from the Location header.

    The header is the server's text: anything wrong with it is a FetchError, never another exception.
    """
    if not location or not location.strip():
        raise FetchError(f"HTTP {status} redirect without Location: {_clean(current)}")
    try:  # http.client decodes header bytes as latin-1; browsers read raw Location bytes as UTF-8
        location = location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    malformed = f"refused redirect from {_clean(current)}: malformed Location {_clean(location)!r}"
    try:
        target = urljoin(current, clean_url(location))
        parts = urlsplit(target)
    except (UsageError, ValueError):  # control characters, unbalanced [IPv6] brackets
        raise FetchError(malformed) from None
    try:
        return target, normalize_url(target)
    except UsageError as exc:
        if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
            raise FetchError(f"refused redirect from {_clean(current)}: {exc}") from None  # well-formed, not followed
        raise FetchError(f"{malformed} ({exc})") from None


def _read_body(resp: http.client.HTTPResponse, watchdog: _Watchdog, limits: _Limits, url: str) -> bytes:
    """Stream the body in chunks, bounded by size (on the wire and decoded) and by the deadline."""
    if resp.length is not None and resp.length > limits.max_bytes:  # declared size, refused up front
        raise FetchError(f"response larger than {limits.max_bytes} bytes: {_clean(url)}")
    decoder = _Decoder(",".join(resp.msg.get_all("Content-Encoding", [])), limits.max_bytes, url)
    body, wire = bytearray(), 0
    while True:
        if limits.remaining() <= 0:
            raise limits.expired(url)
        # read1: at most one system call, so a drip feed returns to this loop and meets the deadline
        chunk = resp.read1(_CHUNK)
        if watchdog.fired:  # the shutdown looks like EOF; it must not pass for a complete body
            raise limits.expired(url)
        if not chunk:
            break
        wire += len(chunk)
        if wire > limits.max_bytes:
            raise FetchError(f"response larger than {limits.max_bytes} bytes: {_clean(url)}")
        body += decoder.feed(chunk)
    if resp.length:  # read1 reports a short Content-Length body as a quiet EOF
        raise FetchError(f"connection closed before the end of the body: {_clean(url)}")
    decoder.finish()
    return bytes(body)


class _Decoder:
    """Streaming Content-Encoding decoder (identity, gzip, deflate) that caps the decoded size."""

    def __init__(self, encoding: str, max_bytes: int, url: str) -> None:
        self.encoding = encoding.strip().lower()
        self.max_bytes, self.url, self.size = max_bytes, url, 0
        self._head = b""
        self._obj: zlib._Decompress | None = None
        if self.encoding == "x-gzip":
            self.encoding = "gzip"
        if self.encoding not in ("", "identity", "gzip", "deflate"):
            raise FetchError(f"unsupported content encoding {_clean(encoding)!r}: {_clean(url)}")

    def feed(self, data: bytes) -> bytes:
        """Decoded bytes for the next chunk of the body."""
        if self.encoding in ("", "identity"):
            self._count(len(data))
            return data
        if self._obj is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            # "deflate" is zlib-wrapped by the RFC but raw in much of the wild; the header tells.
            zlib_wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            wbits = zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
            self._obj = zlib.decompressobj(_GZIP_WBITS if self.encoding == "gzip" else wbits)
        out = bytearray()
        while data:
            if self._obj.eof:
                if self.encoding == "deflate":
                    break  # bytes after the end of a deflate stream carry nothing
                self._obj = zlib.decompressobj(_GZIP_WBITS)  # gzip allows concatenated members
            # max_length one past the room left: a bomb is stopped before it is inflated.
            piece = self._obj.decompress(data, self.max_bytes - self.size + 1)
            self._count(len(piece))
            out += piece
            data = self._obj.unused_data if self._obj.eof else b""
        return bytes(out)

    def finish(self) -> None:
        """Fail if a compressed body stopped mid-stream: truncated evidence must not pass as whole."""
        if self._head or (self._obj is not None and not self._obj.eof):
            raise FetchError(f"compressed body is truncated: {_clean(self.url)}")

    def _count(self, n: int) -> None:
        self.size += n
        if self.size > self.max_bytes:
            raise FetchError(f"response larger than {self.max_bytes} bytes after decompression: "
                             f"{_clean(self.url)}")
