from datetime import datetime, timezone

from auditbook.web.dates import ago, when


def test_when_is_uk_time_with_summer_time():
    assert when("2026-12-01T23:16:45Z") == "1 Dec 2026, 23:16"
    assert when("2026-07-01T23:16:45Z") == "2 Jul 2026, 00:16"  # BST
    assert when(None) == "" and when("not a time") == "not a time"


def test_ago():
    now = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    assert ago("2026-12-02T11:59:30Z", now) == "just now"
    assert ago("2026-12-02T11:58:00Z", now) == "2 minutes ago"
    assert ago("2026-12-02T11:59:00Z", now) == "1 minute ago"
    assert ago("2026-12-02T09:00:00Z", now) == "3 hours ago"
    assert ago("2026-11-30T09:00:00Z", now) == "30 Nov 2026, 09:00"
