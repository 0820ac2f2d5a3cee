"""I/O: URL, file or stdin -> raw bytes plus transport provenance.

Pages are hostile: every read is bounded in size and time, and nothing below raises
anything but ProvtrackError subclasses for expected failures. Decoding bytes to text is
the extractor's job. The HTTP client (the only network code) is `provtrack.fetch_http`,
imported only when a URL is fetched, so reading files never pays for http.client and ssl;
its public names are reachable from here too.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from datetime import datetime, timezone
from typing import Any, BinaryIO

from . import __version__
from .errors import FetchError
from .limits import DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TOTAL_TIMEOUT
from .model import FetchRecord

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_REDIRECTS", "DEFAULT_TOTAL_TIMEOUT",
    "fetch", "parse_content_type", "read_file", "read_stdin",
    "user_agent", "utc_now",
]


_SCHEME_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # two letters or more: C:\ is a path
_CHARSET = r";\s*charset\s*=\s*[\"']?([^\"';\s]+)"  # compiled (and cached by re) for the first HTTP response
_FILE_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain",
               ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml"}


def user_agent() -> str:
    """The honest User-Agent sent with every request."""
    return f"provtrack/{__version__} (+https://example.invalid/provtrack)"


def utc_now() -> str:
    """The current time, UTC, ISO 8601 with explicit offset, seconds precision."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def fetch(source: str, *, stdin: BinaryIO | None = None, timeout: float = DEFAULT_CONNECT_TIMEOUT,
          total_timeout: float = DEFAULT_TOTAL_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
          max_redirects: int = DEFAULT_MAX_REDIRECTS, fetched_at: str | None = None,
          fetched_at_source: str | None = None) -> FetchRecord:
    """Read *source*: an http(s) URL, '-' for stdin (*stdin* or sys.stdin.buffer), or a file path.

    Anything else that looks like a URL (`ftp://`, `javascript:`) is a UsageError; an
    existing file whose name merely contains a colon is still read as a file. A given
    *fetched_at* is recorded as "given" unless *fetched_at_source* names where it came from
    (an importer passing a file's modification time says "file-mtime").
    """
    if source == "-":
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise FetchError("no standard input to read")
        return read_stdin(stream, max_bytes=max_bytes, fetched_at=fetched_at, fetched_at_source=fetched_at_source)
    if "://" in source or (_SCHEME_LIKE.match(source) and not os.path.exists(source)):
        from .fetch_http import fetch_url

        return fetch_url(source, timeout=timeout, total_timeout=total_timeout, max_bytes=max_bytes,
                         max_redirects=max_redirects, fetched_at=fetched_at)
    return read_file(source, max_bytes=max_bytes, fetched_at=fetched_at, fetched_at_source=fetched_at_source)


def read_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
              fetched_at: str | None = None, fetched_at_source: str | None = None) -> FetchRecord:
    """Read a local file, at most *max_bytes*; the content type is guessed from the extension.

    Its fetch time is *fetched_at* if given, else its modification time (whole seconds, UTC):
    the best evidence of when a saved copy was saved, and what `import` uses too.
    """
    name = os.fspath(path)
    shown = _clean(name)
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise FetchError(f"is a directory: {shown}")
        if info.st_size > max_bytes:
            raise FetchError(f"file larger than {max_bytes} bytes: {shown}")
        # Bounded read even after stat: pipes, /dev/* and growing files report no useful size.
        with open(name, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise FetchError(f"no such file: {shown}") from None
    except OSError as exc:
        raise FetchError(f"cannot read {shown}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > max_bytes:
        raise FetchError(f"file larger than {max_bytes} bytes: {shown}")
    mime = _FILE_TYPES.get(os.path.splitext(name)[1].lower())
    if mime is None:  # mimetypes reads the system's type tables on first use: only when needed
        import mimetypes

        mime, encoding = mimetypes.guess_type(name, strict=False)
        if encoding:
            raise FetchError(f"not a text file: {shown} is {encoding}-compressed")
    if not _is_text_type(mime):
        raise FetchError(f"not a text file: {shown} is {_clean(mime or '')}")
    if fetched_at:
        source = fetched_at_source or "given"
    else:
        fetched_at, source = _mtime(info.st_mtime), "file-mtime"
    return FetchRecord(raw=data, source_kind="file", location=name, fetched_at=fetched_at,
                       fetched_at_source=source, content_type=mime)


def _mtime(seconds: float) -> str:
    """A modification time as a stored timestamp; whole seconds, as `import` records it."""
    try:
        return datetime.fromtimestamp(int(seconds), timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):  # far outside what datetime holds: surely not a fetch time
        return datetime(1970, 1, 1, tzinfo=timezone.utc).isoformat()


def read_stdin(stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES,
               fetched_at: str | None = None, fetched_at_source: str | None = None) -> FetchRecord:
    """Read a binary stream to its end, at most *max_bytes*; its fetch time defaults to now."""
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"cannot read standard input: {exc.strerror or type(exc).__name__}") from None
    if len(data) > max_bytes:
        raise FetchError(f"standard input larger than {max_bytes} bytes")
    return FetchRecord(raw=bytes(data), source_kind="stdin", location="-", fetched_at=fetched_at or utc_now(),
                       fetched_at_source=(fetched_at_source or "given") if fetched_at else "read-time")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(lower-case MIME type or None if absent or malformed, charset parameter or None)."""
    if not value:
        return None, None
    mime = value.partition(";")[0].strip().lower()
    major, slash, minor = mime.partition("/")
    charset = re.search(_CHARSET, value, re.IGNORECASE)
    return (mime if major and slash and minor else None), (charset[1] if charset else None)


def _is_text_type(mime: str | None) -> bool:
    """Text and XML pages pass; a missing type passes too, so the extractor can sniff it."""
    if mime is None:
        return True
    major, _, minor = mime.partition("/")
    return major == "text" or (major == "application" and (minor == "xml" or minor.endswith("+xml")))


#: names that live in provtrack.fetch_http, loaded on first use
_HTTP_NAMES = frozenset({"fetch_url", "normalize_url", "_Decoder", "_tls_context"})


def __getattr__(name: str) -> Any:
    if name in _HTTP_NAMES:
        from . import fetch_http

        return getattr(fetch_http, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _clean(text: str, limit: int = 300) -> str:
    """Untrusted or user text made safe for a one-line message: no control characters, bounded."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
