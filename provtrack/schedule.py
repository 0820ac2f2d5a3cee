"""When an article is next due for a check: often while young and changing, rarely once settled. Pure
except for `Overrides`, which keeps per-article fixed intervals beside the store.

The adaptive rule (documented in README, "provtrack update"): after a check, the next one
is due after a quarter of the time the article has gone without changing (the time from
its latest version to that check), kept between 15 minutes and 7 days. Consecutive failed
checks double the interval (at most 1 day more than that). A per-article override
replaces the rule with a fixed interval.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping

from provtrack.errors import UsageError

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=7)
QUIET_FACTOR = 0.25
FAILURE_CAP = timedelta(days=1)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class Due:
    """An article's schedule: the interval in force, when it is next due, and why."""

    article: str
    interval: timedelta
    next_check: datetime
    rule: str  # "adaptive" or "every 1h" (an override)


def parse_duration(text: str) -> timedelta:
    """`90s`, `15m`, `1h`, `2d`, `1w` -> timedelta (at least one minute)."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"bad duration {text!r} (use e.g. 30m, 1h, 2d, 1w)")
    seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if seconds < 60:
        raise UsageError(f"duration {text!r} is shorter than one minute")
    if seconds > 366 * 86400:
        raise UsageError(f"duration {text!r} is longer than a year")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """`15m`, `1h`, `2d`, `1w` when exact; else seconds (under an hour) or hours to one decimal."""
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s" if seconds < 3600 else f"{seconds / 3600:.1f}h"


def next_check(*, last_change: datetime, last_check: datetime | None, failures: int = 0,
               override: timedelta | None = None) -> tuple[timedelta, datetime]:
    """(interval, due time) for an article whose text last changed at *last_change*."""
    if override is not None:
        interval = override
    else:
        quiet = (last_check or last_change) - last_change
        interval = min(max(quiet * QUIET_FACTOR, MIN_INTERVAL), MAX_INTERVAL)
    if failures:
        interval = min(interval * 2 ** min(failures, 16), interval + FAILURE_CAP)
    if last_check is None:
        return interval, last_change  # never checked since it was stored: due now
    return interval, last_check + interval


class Overrides:
    """Per-article fixed intervals, kept in `.git/provtrack/schedule.json` (local, like the fetch log)."""

    def __init__(self, root: Path) -> None:
        self.path = root / "schedule.json"

    def load(self) -> dict[str, timedelta]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        every = data.get("every", {}) if isinstance(data, dict) else {}
        return {k: timedelta(seconds=float(v)) for k, v in every.items()
                if isinstance(k, str) and isinstance(v, (int, float)) and v >= 60}

    def save(self, overrides: Mapping[str, timedelta]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".schedule.{os.getpid()}.tmp")
        data = {"every": {k: int(v.total_seconds()) for k, v in sorted(overrides.items())}}
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
