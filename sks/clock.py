"""The platform's clock: everything is dated in Asia/Tokyo (settings.TIME_ZONE)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
