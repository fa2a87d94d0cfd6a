"""Date formats for English, by the same names as sks/formats/ja/formats.py. DATE_FORMAT ("Dec. 5,
2026") and MONTH_DAY_FORMAT ("December 5") come from Django's own en formats; times stay 24-hour."""

DATE_TIME_FORMAT = "N j, Y, H:i"
WEEKDAY_DATE_FORMAT = "D, N j, Y"
WEEKDAY_DATE_TIME_FORMAT = "D, N j, Y, H:i"
MONTH_DAY_TIME_FORMAT = "N j, H:i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "D, N j, H:i"
