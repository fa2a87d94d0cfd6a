"""The platform's clock: everything is dated in Asia/Tokyo (settings.TIME_ZONE)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")


def today() -> dt.date:
    """Today's date in Asia/Tokyo, whatever time zone is active: the day every "not in the past" rule uses."""
    return timezone.localdate(timezone=TOKYO)


def date_ja(day: dt.date) -> str:
    """「2027年1月23日」: a date as it is written in a message."""
    return f"{day.year}年{day.month}月{day.day}日"
