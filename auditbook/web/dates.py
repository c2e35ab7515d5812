"""Times as people read them: "1 Dec 2026, 23:16" in UK time, and "2 minutes ago".

Audits store UTC stamps ("2026-12-01T23:16:45Z"); pages show them in the council's own time
(Europe/London, with summer time), never as raw UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/London")


def _parse(stamp: str | datetime | None) -> datetime | None:
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    if not stamp or not isinstance(stamp, str):
        return None
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def when(stamp: str | datetime | None, default: str = "") -> str:
    """ "1 Dec 2026, 23:16" in UK time; `default` for no time or one that cannot be read."""
    at = _parse(stamp)
    if at is None:
        return default if stamp in (None, "") else str(stamp)
    local = at.astimezone(LOCAL)
    return f"{local.day} {local:%b %Y, %H:%M}"


def ago(stamp: str | datetime | None, now: datetime | None = None) -> str:
    """ "just now", "2 minutes ago", "3 hours ago", else the day and time (see `when`)."""
    at = _parse(stamp)
    if at is None:
        return when(stamp)
    seconds = ((now or datetime.now(timezone.utc)) - at).total_seconds()
    if seconds < 0:
        return when(at)
    if seconds < 60:
        return "just now"
    for limit, length, unit in ((3600, 60, "minute"), (86400, 3600, "hour")):
        if seconds < limit:
            n = int(seconds // length)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return when(at)
