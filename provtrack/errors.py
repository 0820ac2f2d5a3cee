"""The provtrack error hierarchy: library code raises these, only the CLI turns them into exit codes."""

from __future__ import annotations


class ProvtrackError(Exception):
    """An expected failure, reported to the user as one line."""

    exit_code = 1


class UsageError(ProvtrackError):
    """The request itself is malformed (bad revision syntax, bad timestamp, bad option value)."""

    exit_code = 2


class FetchError(ProvtrackError):
    """A source could not be fetched or read (network, HTTP status, size cap, timeout, content type)."""

    def __init__(self, message: str, *, status: int | None = None, gone: bool = False) -> None:
        super().__init__(message)
        #: the HTTP status of a refused response, if that was the failure
        self.status = status
        #: the URL names nothing any more (HTTP 404 or 410, or its host does not resolve), as opposed
        #: to a site that is down, slow or misbehaving: another URL of the same article may still work
        self.gone = gone or status in (404, 410)


class ExtractError(ProvtrackError):
    """Fetched content could not be turned into article blocks."""


class StoreError(ProvtrackError):
    """The snapshot store is missing, unreadable, locked or inconsistent."""


class NotFoundError(ProvtrackError):
    """An article or revision named by the user does not exist in the store."""
