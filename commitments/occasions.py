"""The recurring meetings a record promises something "on the occasion of", with their public dates.

Facts, kept as data: the leaders' meetings of APEC, the G7/G8 and the G20, the ASEAN-related summit
meetings (ASEAN Summit with the East Asia Summit and the ASEAN+1/+3 meetings, held together each
autumn since 2005), the BRICS summits held in person since 2017, and the Olympic Games — each with
its first and last day and its host city, as the hosts announced them (cross-checked against the
public lists of these meetings). A year missing here (a meeting cancelled or held on an unusual date)
simply does not resolve: the phrase keeps its words and gets no date.

`occasion_find("the G20 Bali summit", meeting)` names the meeting of that series the text means: the
one of the year or host city it names, else the next one ending on or after the meeting that speaks
of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Occasion:
    series: str
    start: date
    end: date
    place: str

    @property
    def label(self) -> str:
        return f"{self.series} {self.place} {self.start.year}"


def _table(series: str, rows: str) -> list[Occasion]:
    """Rows of `YYYY-MM-DD YYYY-MM-DD Place`."""
    found = []
    for line in rows.strip().splitlines():
        start, end, place = line.split(maxsplit=2)
        found.append(Occasion(series, date.fromisoformat(start), date.fromisoformat(end), place.strip()))
    return found


# Leaders' meetings (the ministerial meeting of the same week comes a day or two before).
APEC = _table(
    "APEC",
    """
1993-11-20 1993-11-20 Blake Island
1994-11-15 1994-11-15 Bogor
1995-11-19 1995-11-19 Osaka
1996-11-25 1996-11-25 Subic
1997-11-25 1997-11-25 Vancouver
1998-11-17 1998-11-18 Kuala Lumpur
1999-09-12 1999-09-13 Auckland
2000-11-15 2000-11-16 Bandar Seri Begawan
2001-10-20 2001-10-21 Shanghai
2002-10-26 2002-10-27 Los Cabos
2003-10-20 2003-10-21 Bangkok
2004-11-20 2004-11-21 Santiago
2005-11-18 2005-11-19 Busan
2006-11-18 2006-11-19 Hanoi
2007-09-08 2007-09-09 Sydney
2008-11-22 2008-11-23 Lima
2009-11-14 2009-11-15 Singapore
2010-11-13 2010-11-14 Yokohama
2011-11-12 2011-11-13 Honolulu
2012-09-08 2012-09-09 Vladivostok
2013-10-07 2013-10-08 Bali
2014-11-10 2014-11-11 Beijing
2015-11-18 2015-11-19 Manila
2016-11-19 2016-11-20 Lima
2017-11-10 2017-11-11 Da Nang
2018-11-17 2018-11-18 Port Moresby
2020-11-20 2020-11-20 Kuala Lumpur
2021-11-12 2021-11-12 Wellington
2022-11-18 2022-11-19 Bangkok
2023-11-16 2023-11-17 San Francisco
2024-11-15 2024-11-16 Lima
2025-10-31 2025-11-01 Gyeongju
""",
)

G7 = _table(
    "G7",
    """
1998-05-15 1998-05-17 Birmingham
1999-06-18 1999-06-20 Cologne
2000-07-21 2000-07-23 Okinawa
2001-07-20 2001-07-22 Genoa
2002-06-26 2002-06-27 Kananaskis
2003-06-01 2003-06-03 Evian
2004-06-08 2004-06-10 Sea Island
2005-07-06 2005-07-08 Gleneagles
2006-07-15 2006-07-17 St. Petersburg
2007-06-06 2007-06-08 Heiligendamm
2008-07-07 2008-07-09 Toyako
2009-07-08 2009-07-10 L'Aquila
2010-06-25 2010-06-26 Muskoka
2011-05-26 2011-05-27 Deauville
2012-05-18 2012-05-19 Camp David
2013-06-17 2013-06-18 Lough Erne
2014-06-04 2014-06-05 Brussels
2015-06-07 2015-06-08 Elmau
2016-05-26 2016-05-27 Ise-Shima
2017-05-26 2017-05-27 Taormina
2018-06-08 2018-06-09 Charlevoix
2019-08-24 2019-08-26 Biarritz
2021-06-11 2021-06-13 Cornwall
2022-06-26 2022-06-28 Elmau
2023-05-19 2023-05-21 Hiroshima
2024-06-13 2024-06-15 Apulia
2025-06-15 2025-06-17 Kananaskis
""",
)

G20 = _table(
    "G20",
    """
2008-11-14 2008-11-15 Washington
2009-04-02 2009-04-02 London
2009-09-24 2009-09-25 Pittsburgh
2010-06-26 2010-06-27 Toronto
2010-11-11 2010-11-12 Seoul
2011-11-03 2011-11-04 Cannes
2012-06-18 2012-06-19 Los Cabos
2013-09-05 2013-09-06 St. Petersburg
2014-11-15 2014-11-16 Brisbane
2015-11-15 2015-11-16 Antalya
2016-09-04 2016-09-05 Hangzhou
2017-07-07 2017-07-08 Hamburg
2018-11-30 2018-12-01 Buenos Aires
2019-06-28 2019-06-29 Osaka
2020-11-21 2020-11-22 Riyadh
2021-10-30 2021-10-31 Rome
2022-11-15 2022-11-16 Bali
2023-09-09 2023-09-10 New Delhi
2024-11-18 2024-11-19 Rio de Janeiro
2025-11-22 2025-11-23 Johannesburg
""",
)

# The autumn ASEAN Summit with the East Asia Summit and the meetings with dialogue partners.
ASEAN = _table(
    "ASEAN",
    """
2005-12-12 2005-12-14 Kuala Lumpur
2007-11-18 2007-11-21 Singapore
2009-10-23 2009-10-25 Hua Hin
2010-10-28 2010-10-30 Hanoi
2011-11-17 2011-11-19 Bali
2012-11-18 2012-11-20 Phnom Penh
2013-10-09 2013-10-10 Bandar Seri Begawan
2014-11-12 2014-11-13 Nay Pyi Taw
2015-11-21 2015-11-22 Kuala Lumpur
2016-09-06 2016-09-08 Vientiane
2017-11-13 2017-11-14 Manila
2018-11-13 2018-11-15 Singapore
2019-11-02 2019-11-04 Bangkok
2020-11-12 2020-11-15 Hanoi
2021-10-26 2021-10-28 Bandar Seri Begawan
2022-11-10 2022-11-13 Phnom Penh
2023-09-05 2023-09-07 Jakarta
2024-10-08 2024-10-11 Vientiane
2025-10-26 2025-10-28 Kuala Lumpur
""",
)

OLYMPICS = _table(
    "Olympic Games",
    """
2000-09-15 2000-10-01 Sydney
2002-02-08 2002-02-24 Salt Lake City
2004-08-13 2004-08-29 Athens
2006-02-10 2006-02-26 Turin
2008-08-08 2008-08-24 Beijing
2010-02-12 2010-02-28 Vancouver
2012-07-27 2012-08-12 London
2014-02-07 2014-02-23 Sochi
2016-08-05 2016-08-21 Rio de Janeiro
2018-02-09 2018-02-25 PyeongChang
2021-07-23 2021-08-08 Tokyo
2022-02-04 2022-02-20 Beijing
2024-07-26 2024-08-11 Paris
2026-02-06 2026-02-22 Milan Cortina
""",
)

BRICS = _table(
    "BRICS",
    """
2017-09-03 2017-09-05 Xiamen
2018-07-25 2018-07-27 Johannesburg
2019-11-13 2019-11-14 Brasilia
2023-08-22 2023-08-24 Johannesburg
2024-10-22 2024-10-24 Kazan
2025-07-06 2025-07-07 Rio de Janeiro
""",
)

# How records name each series.
SERIES: list[tuple[str, list[Occasion]]] = [
    (r"\bAPEC\b|Asia[- ]Pacific Economic Cooperation", APEC),
    (r"\bG-?20\b|Group of Twenty", G20),
    (r"\bG-?[78]\b|Group of (?:Seven|Eight)", G7),
    (r"\bASEAN\b[-\w ]*?\bSummit|\bEast Asia Summit\b|\bEAS\b|\bASEAN[- ]related\b", ASEAN),
    (r"\bOlympic(?:s| Games| Winter Games)\b|\bOlympics\b|オリンピック|五輪", OLYMPICS),
    (r"\bBRICS\b", BRICS),
]
SERIES_PATTERN = "|".join(f"(?:{pattern})" for pattern, _ in SERIES)
_COMPILED = [(re.compile(pattern, re.IGNORECASE), table) for pattern, table in SERIES]


def occasion_find(text: str, meeting: date) -> Occasion | None:
    """The meeting of a recurring series `text` names: by the year it states, else by its host city, else
    the next one that ends on or after `meeting`; None when the text names no series we know."""
    if re.search(r"\bMinist(?:ers?['’]?|erial)\b", text):  # the tables hold leaders' meetings, not ministers'
        return None
    for pattern, table in _COMPILED:
        if not pattern.search(text):
            continue
        year = re.search(r"\b(19|20)\d\d\b", text)
        if year:
            return next((o for o in table if o.start.year == int(year.group(0))), None)
        placed = [o for o in table if re.search(rf"\b{re.escape(o.place)}\b", text, re.IGNORECASE)]
        if placed:
            upcoming = [o for o in placed if o.end >= meeting]
            return upcoming[0] if upcoming else placed[-1]
        return next((o for o in table if o.end >= meeting), None)
    return None
