"""Default bounds on what provtrack reads: importable without pulling in the network stack."""

from __future__ import annotations

__all__ = ["DEFAULT_CONNECT_TIMEOUT", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_REDIRECTS", "DEFAULT_TOTAL_TIMEOUT"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # on the wire and after decompression
DEFAULT_CONNECT_TIMEOUT = 10.0  # seconds, per socket operation (connect, each read)
DEFAULT_TOTAL_TIMEOUT = 60.0  # seconds, the whole fetch including redirects
DEFAULT_MAX_REDIRECTS = 10
