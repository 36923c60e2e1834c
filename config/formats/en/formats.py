"""English dates in the admin: one unambiguous form, day month year ("31 Dec 2000", "31 Dec 2000 14:05").

Django's own English formats write "Dec. 31, 2000" (en) or "31/12/2000" and "2:05 p.m." (en_GB); staff of
several countries read this admin, so the month is a word and the day comes first, and times are 24-hour
as in the ministry's cables. This module serves every English variant (en, en-gb, en-us: Django looks for
`en_GB` here, then `en`, before its own). Another language gets its own module beside this one.
"""

DATE_FORMAT = "j M Y"  # 31 Dec 2000
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y H:i"  # 31 Dec 2000 14:05
YEAR_MONTH_FORMAT = "M Y"  # Dec 2000
MONTH_DAY_FORMAT = "j M"  # 31 Dec
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# What forms accept. ISO first: Django renders a date input's value with the first of these, and a browser's
# <input type="date"> (and the API, and anyone typing "2000-12-31") speaks ISO. The displayed form comes
# next, so a date copied from a page can be pasted back.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2000-12-31
    "%d %b %Y",  # 31 Dec 2000
    "%d %B %Y",  # 31 December 2000
    "%d/%m/%Y",  # 31/12/2000
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2000-12-31 14:05:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2000-12-31 14:05:59.000200
    "%Y-%m-%d %H:%M",  # 2000-12-31 14:05
    "%d %b %Y %H:%M",  # 31 Dec 2000 14:05
    "%d/%m/%Y %H:%M:%S",  # 31/12/2000 14:05:59
    "%d/%m/%Y %H:%M",  # 31/12/2000 14:05
]
