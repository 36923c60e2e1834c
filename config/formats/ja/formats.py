"""Japanese dates in the admin, as the ministry writes them: "2000年12月31日", "2000年12月31日 14:05".

Django's own Japanese formats already write the year, month and day with their kanji; these say the same
with a 24-hour time and a Monday week, as the English module does. What forms accept stays ISO first, so
a browser's <input type="date">, the API and anyone typing "2000-12-31" are understood in either language;
the displayed form is accepted too, so a date copied from a page can be pasted back.
"""

DATE_FORMAT = "Y年n月j日"  # 2000年12月31日
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2000年12月31日 14:05
YEAR_MONTH_FORMAT = "Y年n月"  # 2000年12月
MONTH_DAY_FORMAT = "n月j日"  # 12月31日
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2000-12-31
    "%Y年%m月%d日",  # 2000年12月31日
    "%Y/%m/%d",  # 2000/12/31
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2000-12-31 14:05:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2000-12-31 14:05:59.000200
    "%Y-%m-%d %H:%M",  # 2000-12-31 14:05
    "%Y年%m月%d日 %H:%M",  # 2000年12月31日 14:05
    "%Y/%m/%d %H:%M",  # 2000/12/31 14:05
]
