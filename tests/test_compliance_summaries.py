"""The compliance report at scale (issue 20): kept figures that agree with the live ones, a refresh of a fixed
number of statements, the summits paged latest first with a search, one summit computed live, no list of every
summit on the page, and the same number of queries whatever the size."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from commitments import services
from commitments.models import Commitment, ComplianceSummary, Desk
from commitments.reports.compliance import Row, compliance, overall, overall_figures
from commitments.reports.summaries import (
    SUMMITS_PER_PAGE,
    compliance_summaries_refresh,
    report_get,
    summary_row,
    summit_report,
)
from summits.models import Party, Summit

from .admin_helpers import login
from .factories import PartyFactory, SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

RECORDED = datetime(2000, 11, 16, tzinfo=UTC)
LATER = datetime(2001, 6, 1, tzinfo=UTC)
REFRESHED = datetime(2001, 6, 2, 3, 0, tzinfo=UTC)
REFRESHED_AGAIN = datetime(2001, 6, 3, 3, 0, tzinfo=UTC)
REPORT = "admin:commitments_commitment_report"
ASSESS = "admin:commitments_commitment_assess"
API = "/api/v1/reports/compliance/"


def _close(commitment: Any, status: str, on: date) -> None:
    """Recorded the day after it happened."""
    now = datetime(on.year, on.month, on.day, 12, tzinfo=UTC) + timedelta(days=1)
    services.commitment_transition(
        commitment_id=commitment.pk, to_status=status, by=None, now=now, note="Assessed.", occurred_on=on
    )


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Three meetings, two desks, three parties: joint commitments with each party's own outcome, a moved
    deadline, every excluded status, open ones with and without deadlines, and drafts (which count nowhere)."""
    a = Desk.objects.create(name="A Division")
    b = Desk.objects.create(name="B Division")
    jpn = PartyFactory(code="JPN", name="Japan")
    rus = PartyFactory(code="RUS", name="Russian Federation")
    apec = PartyFactory(code="APEC", name="APEC")
    brunei = SummitFactory(title="Brunei", starts_at=datetime(2000, 11, 15, tzinfo=UTC))
    irkutsk = SummitFactory(title="Irkutsk", starts_at=datetime(2001, 3, 25, tzinfo=UTC))
    shanghai = SummitFactory(title="Shanghai", starts_at=datetime(2001, 10, 20, tzinfo=UTC))

    def item(summit: Summit, title: str, made: list[Party], desk: Desk = a, **fields: Any) -> Commitment:
        return make_commitment(desk=desk, summit=summit, title=title, made_by=made, now=RECORDED, **fields)

    _close(item(brunei, "on time", [jpn], due_by=date(2000, 12, 31)), "fulfilled", date(2000, 12, 20))
    _close(item(brunei, "late", [jpn], due_by=date(2000, 12, 31)), "fulfilled", date(2001, 1, 10))
    _close(item(brunei, "partial", [jpn, rus], desk=b), "partially_fulfilled", date(2001, 1, 5))
    joint = item(brunei, "joint", [jpn, rus, apec], desk=b, due_by=date(2001, 1, 31))
    _close(joint, "not_fulfilled", date(2001, 2, 1))
    services.outcome_set(
        commitment_id=joint.pk,
        outcomes=[services.PartyOutcome("JPN", "fulfilled", "Japan did its part.")],
        by=None,
        now=LATER,
    )
    moved = item(irkutsk, "moved", [rus], desk=b, due_by=date(2001, 4, 30))
    services.deadline_move(
        commitment_id=moved.pk,
        new_due_by=date(2001, 9, 30),
        new_due_from=None,
        reason="Postponed by both sides.",
        change_class="postponed",
        by=None,
        now=RECORDED,
    )
    _close(moved, "fulfilled", date(2001, 6, 1))  # on time as rescheduled, 32 days late as promised
    lapsed = item(irkutsk, "lapsed", [rus], condition_text="if talks advance")
    services.condition_set_state(commitment_id=lapsed.pk, state="failed", by=None, now=LATER)
    _close(item(irkutsk, "withdrawn", [jpn]), "withdrawn", date(2001, 5, 1))
    _close(item(shanghai, "superseded", [apec], desk=b), "superseded", date(2001, 11, 1))
    item(shanghai, "open dated", [jpn, apec], due_by=date(2002, 3, 31))
    item(shanghai, "open undated", [rus])
    _close(item(shanghai, "stalled", [jpn], desk=b), "stalled", date(2001, 11, 2))
    for summit, title, made in (
        (irkutsk, "a draft", [jpn, rus]),
        (SummitFactory(title="Only drafts"), "draft", [apec]),
    ):
        proposed = Commitment(
            summit=summit,
            desk=a,
            title=title,
            quote="The Minister stated his intention to visit the capital within the year.",
        )
        services.commitment_create(commitment=proposed, by=None, now=RECORDED, status="draft")  # as an import does
        proposed.made_by.set(made)
    return {"brunei": brunei, "irkutsk": irkutsk, "shanghai": shanghai, "desk": a}


def _kept(scope: str) -> dict[Any, Row]:
    rows = ComplianceSummary.objects.filter(scope=scope).select_related("summit", "party", "desk")
    result = {}
    for kept in rows:
        if scope == "summit":
            result[kept.summit_id] = summary_row(kept, kept.summit_id, kept.summit.title)
        elif scope == "party":
            result[kept.party.code] = summary_row(kept, kept.party.code, kept.party.name)
        else:
            result[kept.desk_id] = summary_row(kept, kept.desk_id, kept.desk.name)
    return result


def test_the_kept_figures_agree_with_the_live_ones_for_every_summit_party_and_desk(world: dict[str, Any]) -> None:
    compliance_summaries_refresh(REFRESHED)
    for scope in ("summit", "party", "desk"):
        live = {row.key: row for row in compliance(scope)}
        assert _kept(scope) == live, scope
    # One summit computed live on demand says what its kept row says.
    for summit in (world["brunei"], world["irkutsk"], world["shanghai"]):
        assert summit_report(summit).summit == _kept("summit")[summit.pk]
    (everything,) = ComplianceSummary.objects.filter(scope="all")
    assert summary_row(everything, None, None) == overall()
    # The data set is as varied as it claims: the agreement above covers each of these.
    parties = _kept("party")
    assert parties["JPN"].score == 0.75  # +1 +1 0 and its own +1 on the joint one the others failed
    assert parties["RUS"].by_status == {
        "not_started": 1,
        "partially_fulfilled": 1,
        "not_fulfilled": 1,
        "fulfilled": 1,
        "lapsed": 1,
    }
    assert parties["RUS"].mean_delay_days == 32.0
    irkutsk = _kept("summit")[world["irkutsk"].pk]
    assert (irkutsk.on_time_as_promised_rate, irkutsk.on_time_as_rescheduled_rate) == (0.0, 1.0)
    assert irkutsk.excluded == 2
    assert set(_kept("summit")) == {world["brunei"].pk, world["irkutsk"].pk, world["shanghai"].pk}  # no drafts
    assert overall().assessed == 5
    assert overall().open == 3
    assert overall().excluded == 3


def test_overall_is_one_ungrouped_aggregate(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        row = overall()
    assert (row.assessed, row.score) == (5, 0.4)  # +1 +1 0 -1 +1: each commitment once by its status
    with CaptureQueriesContext(connection) as captured:
        compliance("party")
        compliance("summit")
        overall()
    assert not any("DISTINCT" in query["sql"].upper() for query in captured.captured_queries)


def test_a_refresh_replaces_the_figures_and_the_report_says_when(world: dict[str, Any]) -> None:
    compliance_summaries_refresh(REFRESHED)
    before = report_get(now=REFRESHED)
    assert not before.live
    assert before.as_of == REFRESHED
    assert before.overall.open == 3
    _close(Commitment.objects.get(title="open undated"), "fulfilled", date(2001, 12, 1))
    # Until the next refresh the report says the figures as they were, and when.
    assert report_get(now=REFRESHED_AGAIN).overall.open == 3
    rows = ComplianceSummary.objects.count()
    compliance_summaries_refresh(REFRESHED_AGAIN)
    after = report_get(now=REFRESHED_AGAIN)
    assert (after.as_of, after.overall.open, after.overall.assessed) == (REFRESHED_AGAIN, 2, 6)
    assert ComplianceSummary.objects.count() == rows  # replaced, not added to


def test_before_any_refresh_the_report_is_computed_live(world: dict[str, Any]) -> None:
    report = report_get(now=REFRESHED)
    assert report.live
    assert report.as_of == REFRESHED
    assert report.overall == overall()
    assert report.by_party == compliance("party")


def test_the_refresh_costs_the_same_statements_whatever_the_size(world: dict[str, Any]) -> None:
    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            compliance_summaries_refresh(REFRESHED)
        return len([q for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    small = statements()
    jpn = Party.objects.get(code="JPN")
    for n in range(30):
        make_commitment(desk=world["desk"], summit=SummitFactory(), title=f"more {n}", made_by=[jpn], now=RECORDED)
    assert statements() == small <= 7  # (lock,) delete, three INSERT … SELECT, the sum, the overall row
    assert ComplianceSummary.objects.filter(scope="summit").count() == 33


def _many_summits(world: dict[str, Any], count: int) -> None:
    jpn = Party.objects.get(code="JPN")
    for n in range(count):
        summit = SummitFactory(title=f"Visit talks {n}", starts_at=datetime(2002, 1, 1, tzinfo=UTC) + timedelta(days=n))
        make_commitment(desk=world["desk"], summit=summit, title=f"visit {n}", made_by=[jpn], now=RECORDED)


def _get(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_the_report_page_and_the_api_cost_the_same_queries_at_two_sizes(
    client: Client, supervisor: Any, world: dict[str, Any]
) -> None:
    login(client, supervisor)
    api = APIClient()
    api.force_authenticate(supervisor)
    urls = [reverse(REPORT), reverse(REPORT) + f"?summit={world['brunei'].pk}", reverse(REPORT) + "?q=visit&page=2"]

    def costs() -> list[int]:
        compliance_summaries_refresh(REFRESHED)
        pages = [_get(client, url)[0] for url in urls]
        for url in (API, f"{API}?summit={world['brunei'].pk}", f"{API}?q=visit&page=2"):
            api.get(url)  # once first: a client's first request reads its session and permissions
            with CaptureQueriesContext(connection) as captured:
                assert api.get(url).status_code == 200
            pages.append(len(captured))
        return pages

    _many_summits(world, 3)
    small = costs()
    _many_summits(world, SUMMITS_PER_PAGE * 2)
    assert costs() == small


def test_the_summits_are_paged_latest_first_with_a_search(
    client: Client, supervisor: Any, world: dict[str, Any]
) -> None:
    _many_summits(world, SUMMITS_PER_PAGE + 5)
    compliance_summaries_refresh(REFRESHED)
    login(client, supervisor)
    _, html = _get(client, reverse(REPORT))
    table = html.split('id="by-summit"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'<a href="\?summit=\d+#summit">([^<]+)</a>', table)
    assert len(shown) == SUMMITS_PER_PAGE
    assert shown[:2] == [f"Visit talks {SUMMITS_PER_PAGE + 4}", f"Visit talks {SUMMITS_PER_PAGE + 3}"]
    assert 'rel="next"' in html
    assert 'rel="prev"' not in html
    _, last = _get(client, reverse(REPORT) + "?page=2")
    older = re.findall(r'<a href="\?summit=\d+#summit">([^<]+)</a>', last.split('id="by-summit"', 1)[1])
    assert older[:7] == [
        "Visit talks 4",
        "Visit talks 3",
        "Visit talks 2",
        "Visit talks 1",
        "Visit talks 0",
        "Shanghai",
        "Irkutsk",
    ]
    assert older[-1] == "Brunei"  # 15 Nov 2000, the oldest (with the demo's Brunei meeting that day, a higher id)
    _, found = _get(client, reverse(REPORT) + "?q=irkut")
    assert re.findall(r'<a href="\?summit=\d+#summit">([^<]+)</a>', found.split('id="by-summit"', 1)[1]) == ["Irkutsk"]
    # The API: the same page, with links to the next and the previous one.
    api = APIClient()
    api.force_authenticate(supervisor)
    first = api.get(API).json()
    # 55 more, the three, and the demo's Brunei meeting; not the one with drafts only.
    assert (first["count"], len(first["by_summit"]), first["previous"]) == (
        SUMMITS_PER_PAGE + 5 + 3 + 1,
        SUMMITS_PER_PAGE,
        None,
    )
    assert first["as_of"].startswith("2001-06-02")
    assert first["live"] is False
    second = api.get(first["next"]).json()
    assert [row["label"] for row in second["by_summit"]][-1] == "Brunei"
    assert second["next"] is None
    assert second["previous"]
    assert {row["key"] for row in first["by_party"]} == {"JPN", "RUS", "APEC"}
    assert [row["label"] for row in api.get(f"{API}?q=shang").json()["by_summit"]] == ["Shanghai"]


def test_one_summit_is_computed_now_though_the_kept_figures_are_older(
    client: Client, supervisor: Any, world: dict[str, Any]
) -> None:
    compliance_summaries_refresh(REFRESHED)
    shanghai = world["shanghai"]
    api = APIClient()
    api.force_authenticate(supervisor)
    kept_open = api.get(API).json()["overall"]["open"]
    _close(Commitment.objects.get(title="open undated"), "fulfilled", date(2001, 12, 1))
    one = api.get(f"{API}?summit={shanghai.pk}").json()
    assert one["live"] is True
    assert one["count"] == 1
    assert (one["overall"]["assessed"], one["overall"]["open"], one["overall"]["score"]) == (1, 2, 1.0)
    assert {row["key"]: row["assessed"] for row in one["by_party"]} == {"JPN": 0, "APEC": 0, "RUS": 1}
    assert api.get(API).json()["overall"]["open"] == kept_open  # the kept figures, until the next refresh
    assert api.get(f"{API}?summit=999999").status_code == 404
    assert api.get(f"{API}?summit=x").status_code == 400
    login(client, supervisor)
    _, html = _get(client, reverse(REPORT) + f"?summit={shanghai.pk}")
    scores = html.split('id="pb-report-freshness"', 1)[1]
    assert "Scores of Shanghai, computed now" in scores
    assert "Fulfilled: 1" in scores.split("</table>", 1)[0]


def test_one_summits_figures_are_its_commitments_live_figures_in_two_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    for summit in (world["brunei"], world["irkutsk"], world["shanghai"]):
        commitments = Commitment.objects.filter(summit=summit)
        with django_assert_num_queries(2):  # per party and per desk; the summit's row is its desks' sum
            report = summit_report(summit)
        assert report.summit == Row.from_figures(summit.pk, summit.title, overall_figures(commitments))
        assert report.by_party == compliance("party", commitments)
        assert report.by_desk == compliance("desk", commitments)
    # A summit with drafts only (nothing tracked) has the empty figures, as the ungrouped aggregate gives them.
    (only_drafts,) = Summit.objects.filter(title="Only drafts")
    empty = summit_report(only_drafts)
    assert (empty.by_party, empty.by_desk) == ([], [])
    drafts = Commitment.objects.filter(summit=only_drafts)
    assert empty.summit == Row.from_figures(only_drafts.pk, "Only drafts", overall_figures(drafts))
    assert (empty.summit.score, empty.summit.assessed, empty.summit.mean_delay_days) == (None, 0, None)


def test_one_summits_page_and_api_cost_a_fixed_number_of_queries(
    client: Client, supervisor: Any, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    compliance_summaries_refresh(REFRESHED)
    login(client, supervisor)
    page = reverse(REPORT) + f"?summit={world['brunei'].pk}"
    client.get(page)  # once first: a client's first request reads its session and permissions
    # Session, user, the user's groups and desk roles; the summit; the admin's two permission look-ups (a
    # superuser has none); the summit's figures per party and per desk; its timeline; its assessments; the
    # header's unread notifications and last sweep. No summit chooser reads the chosen summit again (each did:
    # 21), and the whole report's six queries are not made: it is not drawn beside one summit (19).
    with django_assert_num_queries(13):
        html = client.get(page).content.decode()
    assert "Scores of Brunei, computed now" in html
    assert "By summit, latest first" not in html
    assert "<h2>This summit's commitments by desk</h2>" in html
    # Another summit is found by the whole report's search; the assessment is kept on its own page.
    assert 'id="pb-summit-find"' in html
    assert "<option" not in html
    assert f'href="{reverse(ASSESS)}?summit={world["brunei"].pk}"' in html
    api = APIClient()
    api.force_authenticate(supervisor)
    url = f"{API}?summit={world['brunei'].pk}"
    api.get(url)
    # The summit; its figures per party and per desk (was 4: a third pass for the summit's own row). The user is
    # force_authenticate's, its desk roles read by the first request.
    with django_assert_num_queries(3):
        one = api.get(url).json()
    assert (one["overall"]["label"], one["overall"]["assessed"]) == ("Brunei", 4)


def test_no_summit_list_on_the_page_and_no_source_text_read(
    client: Client, supervisor: Any, world: dict[str, Any]
) -> None:
    _many_summits(world, 60)
    compliance_summaries_refresh(REFRESHED)
    login(client, supervisor)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse(REPORT) + f"?summit={world['brunei'].pk}").content.decode()
    assert not any("source_text" in query["sql"] for query in captured.captured_queries)
    # Nothing on one summit's page lists summits: another one is found by the whole report's search, and the
    # assessment, kept on its own page, carries this one.
    assert "<option" not in html
    assert "admin/js/autocomplete.js" not in html
    # The whole report chooses a summit by typing its title: the admin's autocomplete, its empty choice only.
    whole = client.get(reverse(REPORT)).content.decode()
    assert len(re.findall(r"<option ", whole)) == 1
    assert whole.count('data-field-name="summit"') == 1
    assert "admin/js/autocomplete.js" in whole
    # The assessment's page, come from the summit's report: the summit carried, hidden; the kind's two choices.
    with CaptureQueriesContext(connection) as captured:
        assess = client.get(reverse(ASSESS) + f"?summit={world['brunei'].pk}").content.decode()
    assert not any("source_text" in query["sql"] for query in captured.captured_queries)
    assert f'<input type="hidden" name="summit" value="{world["brunei"].pk}"' in assess
    assert len(re.findall(r"<option ", assess)) == 2


def test_the_summit_autocomplete_finds_by_title_without_counting_commitments(
    client: Client, supervisor: Any, world: dict[str, Any]
) -> None:
    login(client, supervisor)
    url = "/admin/autocomplete/?app_label=commitments&model_name=commitment&field_name=summit&term=irk"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert [result["id"] for result in response.json()["results"]] == [str(world["irkutsk"].pk)]
    assert not any("source_text" in q["sql"] or "COUNT(DISTINCT" in q["sql"] for q in captured.captured_queries)
