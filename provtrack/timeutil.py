"""Timestamps: provtrack stores every time as ISO 8601 in UTC with an explicit offset. Pure."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from provtrack.errors import UsageError

_SHORT_ZONE = re.compile(r"(?<=\d)Z$", re.IGNORECASE)


def utc_iso(moment: datetime) -> str:
    """`2026-02-05T09:42:00+00:00` (seconds precision, UTC)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def now_utc() -> str:
    """The current time as `utc_iso` text."""
    return utc_iso(datetime.now(timezone.utc))


def parse_timestamp(text: str, *, assume_utc: bool = True) -> datetime:
    """Parse ISO 8601 (`2026-02-05`, `2026-02-05T10:00Z`, `2026-02-05 10:00:30+01:00`) to an aware datetime.

    Times without an offset are taken as UTC (assume_utc) or rejected.
    """
    raw = text.strip()
    value = _SHORT_ZONE.sub("+00:00", raw)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"bad timestamp {text!r} (use ISO 8601, e.g. 2026-02-05T09:42:00Z)") from None
    if moment.tzinfo is None:
        if not assume_utc:
            raise UsageError(f"timestamp {text!r} needs an explicit UTC offset")
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def normalize_timestamp(text: str) -> str:
    """Any accepted timestamp as stored text (UTC, explicit offset)."""
    return utc_iso(parse_timestamp(text))


def human(text: str | None) -> str:
    """`2026-02-05 09:42 UTC` for display; the input unchanged if it does not parse."""
    if not text:
        return "-"
    try:
        return parse_timestamp(text).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except UsageError:
        return text
