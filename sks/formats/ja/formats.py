"""Date formats for Japanese, by name: templates write {{ value|date:"WEEKDAY_DATE_FORMAT" }} and
Python calls django.utils.formats.date_format(value, "WEEKDAY_DATE_FORMAT"), so every date follows
the active language. DATE_FORMAT and MONTH_DAY_FORMAT come from Django's own ja formats."""

DATE_TIME_FORMAT = "Y年n月j日 H:i"
WEEKDAY_DATE_FORMAT = "Y年n月j日（D）"
WEEKDAY_DATE_TIME_FORMAT = "Y年n月j日（D）H:i"
MONTH_DAY_TIME_FORMAT = "n月j日 H:i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "n月j日（D）H:i"
