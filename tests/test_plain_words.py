"""Plain words (issue 17): the history pages, the report's status labels, one date format, a readable timeline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from commitments import selectors, services
from commitments.models import Commitment, Notification, NotificationKind, NotificationPreference
from commitments.notifications.emails import render_notification
from commitments.reports.charts import label_lines, svg_number, timeline, timeline_rows
from commitments.reports.compliance import Row, assessment_freeze
from commitments.reports.summaries import report_get
from commitments.templatetags.pb_numbers import grouped
from common.numbers import count_format
from summits.models import Summit

from .admin_helpers import change_url, login
from .conftest import CHRISTMAS_2000, EARLY_2001

pytestmark = pytest.mark.django_db

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request in Japanese leaves Japanese active in this thread (LocaleMiddleware does not undo it): the
    next test's words, read without a request, must find LANGUAGE_CODE again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _cells(html: str, row_tag: str = "tbody") -> list[list[str]]:
    """The text of each body row's cells of the first table, tags stripped and spaces collapsed."""
    body = html.split(f"<{row_tag}>", 1)[1].split(f"</{row_tag}>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        for row in rows
    ]


def _headers(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", th).split()) for th in re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)
    ]


@pytest.fixture
def fm_visit(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, title=FM_VISIT)


def _history(client: Client, commitment: Commitment) -> str:
    response = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- the history page --------------------------------------------------------------------------------------


def test_the_history_page_has_readable_headers(client: Client, officer: Any, fm_visit: Commitment) -> None:
    login(client, officer)
    html = _history(client, fm_visit)
    assert _headers(html) == [
        "Version of",
        "Status",
        "Deadline",
        "Version",
        "When",
        "Action",
        "Changed by",
        "Reason",
        "Changes",
    ]
    assert "history_status" not in html.lower()
    assert "Change reason" not in html


def test_the_history_page_says_values_in_words(
    frozen: Any, client: Client, officer: Any, supervisor: Any, fm_visit: Commitment
) -> None:
    with time_machine.travel(CHRISTMAS_2000, tick=False):
        services.commitment_transition(
            commitment_id=fm_visit.pk, to_status="in_progress", by=officer, now=CHRISTMAS_2000, note="Dates proposed."
        )
    with time_machine.travel(EARLY_2001, tick=False):  # history rows are dated by the clock
        services.deadline_move(
            commitment_id=fm_visit.pk,
            new_due_by=date(2001, 3, 31),
            new_due_from=None,
            reason="Moscow asked for March.",
            change_class="postponed",
            by=supervisor,
            now=EARLY_2001,
        )
    login(client, officer)
    rows = _cells(_history(client, fm_visit))
    newest, middle, oldest = rows[0], rows[1], rows[-1]
    # Status, deadline and version as they were at each row; newest first.
    assert newest[1:4] == ["In progress", "31 Mar 2001", "3"]
    assert middle[1:4] == ["In progress", "31 Dec 2000", "2"]
    assert oldest[1:4] == ["Not started", "31 Dec 2000", "1"]
    # When, in the one format and the ministry's zone (Tokyo: 5 Jan 2001 03:00 UTC is 12:00 there).
    assert newest[4] == "5 Jan 2001 12:00"
    assert newest[6] == "supervisor"
    assert middle[6] == "officer"
    # The demo was recorded by nobody: the system, not "None".
    assert oldest[6] == "the system"
    assert oldest[7] == "—"
    assert "Not started → In progress: Dates proposed." in middle[7]
    # What a form changed, in dates (the status, which only the workflow changes, is in its own column).
    assert "Due by: 31 Dec 2000 → 31 Mar 2001" in newest[8]
    assert "Due precision: Year → Day" in newest[8]  # a choice's label, not its code
    # The demo added who made it just after creating it: parties by name (many-to-many).
    assert rows[-2][8] == "Made by: — → Japan"
    assert oldest[8] == "—"
    assert not any("None" in cell for row in rows for cell in row)


def test_the_history_page_names_people_and_parties(
    frozen: Any, client: Client, officer: Any, fm_visit: Commitment
) -> None:
    services.commitment_assign(commitment_id=fm_visit.pk, owner=officer, by=officer, now=CHRISTMAS_2000)
    login(client, officer)
    changes = _cells(_history(client, fm_visit))[0][8]
    assert changes == f"Owner: — → {officer}"


def test_the_history_page_costs_the_same_queries_however_long(
    frozen: Any, client: Client, officer: Any, supervisor: Any, fm_visit: Commitment
) -> None:
    login(client, officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            _history(client, fm_visit)
        return len(captured)

    services.commitment_transition(commitment_id=fm_visit.pk, to_status="in_progress", by=officer, now=CHRISTMAS_2000)
    few = count()
    for month in range(1, 9):
        services.deadline_move(
            commitment_id=fm_visit.pk,
            new_due_by=date(2001, month, 28),
            new_due_from=None,
            reason=f"Move {month}.",
            change_class="postponed",
            by=supervisor,
            now=EARLY_2001,
        )
    services.commitment_assign(commitment_id=fm_visit.pk, owner=officer, by=officer, now=EARLY_2001)
    assert fm_visit.history.count() >= 11
    assert count() == few


def test_the_summit_history_page_speaks_words(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    response = client.get(reverse("admin:summits_summit_history", args=[demo.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert {"Changed by", "Reason"} <= set(_headers(html))
    rows = _cells(html)
    assert rows
    assert all(row[-3] == "the system" for row in rows)
    assert "None" not in " ".join(" ".join(row) for row in rows)


# --- the report: labels, the assessment form ---------------------------------------------------------------


def _report(client: Client, summit: Summit | None = None) -> str:
    url = reverse("admin:commitments_commitment_report") + (f"?summit={summit.pk}" if summit else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_shows_status_labels_not_codes(client: Client, supervisor: Any, fm_visit: Commitment) -> None:
    services.commitment_transition(
        commitment_id=fm_visit.pk, to_status="fulfilled", by=None, now=CHRISTMAS_2000, note="Visited."
    )
    login(client, supervisor)
    html = _report(client)
    assert "Not started: " in html
    assert "Fulfilled: 1" in html
    for code in ("not_started", "in_progress", "partially_fulfilled"):
        assert f"{code}:" not in html
    # The chart's tooltips and legend speak labels too.
    assert "<title>Japan: 1 fulfilled</title>" in html
    assert ">Partially fulfilled</text>" in html


def _assess(client: Client, summit: Summit | None = None) -> str:
    url = reverse("admin:commitments_commitment_assess") + (f"?summit={summit.pk}" if summit else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_assessment_form_starts_on_the_summit_being_viewed(client: Client, supervisor: Any, demo: Summit) -> None:
    other = Summit.objects.create(
        title="A later meeting", kind=demo.kind, starts_at=demo.starts_at.replace(year=2001), time_zone="Asia/Tokyo"
    )
    login(client, supervisor)
    for viewed in (demo, other):
        # The summit's report links to keeping an assessment of it…
        assess = reverse("admin:commitments_commitment_assess") + f"?summit={viewed.pk}"
        assert f'href="{assess}">Keep an assessment of this summit…</a>' in _report(client, viewed)
        # …whose form carries the summit named in its title rather than asking for it a second time.
        page = _assess(client, viewed)
        assert f"<h1>Keep an assessment of {viewed.title}</h1>" in page
        form = page.split('id="freeze-form"', 1)[1]
        assert f'<input type="hidden" name="summit" value="{viewed.pk}"' in form
        assert 'name="summit"' not in form.replace(f'<input type="hidden" name="summit" value="{viewed.pk}"', "")
    # Come from the whole report: no summit chosen, and none listed (the field asks the autocomplete as one types).
    assert 'href="/admin/commitments/commitment/report/assess/">Keep an assessment…</a>' in _report(client)
    unfiltered = _assess(client).split('id="freeze-form"', 1)[1]
    assert "<option" not in unfiltered.split("</select>", 1)[0]


def test_the_assessment_page_says_what_is_kept_already(client: Client, supervisor: Any, demo: Summit) -> None:
    login(client, supervisor)
    assert "No assessment kept yet." in _assess(client, demo)
    assessment_freeze(summit=demo, kind="interim", note="", by=supervisor, now=CHRISTMAS_2000, as_of=None)
    assert "Kept so far: Interim, 25 Dec 2000" in _assess(client, demo)


def test_only_those_who_record_meetings_keep_assessments(client: Client, viewer: Any, demo: Summit) -> None:
    login(client, viewer)
    assert "Keep an assessment" not in _report(client, demo)
    url = reverse("admin:commitments_commitment_assess") + f"?summit={demo.pk}"
    assert client.get(url).status_code == 403
    assert client.post(url, {"summit": demo.pk, "kind": "interim"}).status_code == 403
    assert not demo.assessments.exists()


# --- the timeline ------------------------------------------------------------------------------------------

# A day long after the Brunei meeting, as when someone opens the report today.
YEARS_LATER = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def _brunei_timeline(demo: Summit, now: datetime) -> dict[str, Any]:
    return timeline(timeline_rows(demo.pk), demo.local_date, now)


def test_an_old_meetings_timeline_is_scaled_to_its_windows_with_a_break(demo: Summit) -> None:
    drawn = _brunei_timeline(demo, YEARS_LATER)
    lanes = {lane.title: lane for lane in drawn["lanes"]}
    # The latest deadline is 31 Dec 2001 ("this year or next year"): the scale ends a few weeks after it.
    assert drawn["end_label"] == "20 Jan 2002"
    # "Within the year" (46 days of ~14 months) is a bar, not a sliver (scaled to 2026 it would be 3 px).
    assert lanes[FM_VISIT].width > 60
    assert lanes["President Putin invites Prime Minister Mori to Russia this year or next year"].width > 500
    # 24 years are left out, said in words, and today is drawn after the break, past every bar.
    assert drawn["break"]["words"] == "⋯ 24 years ⋯"
    assert drawn["today"] > drawn["break"]["x"] > drawn["end_x"] >= max(lane.end for lane in lanes.values())
    assert "then a break of 24 years, to today, 1 Jun 2026" in drawn["description"]


def test_a_timeline_looked_at_soon_after_the_meeting_has_no_break(demo: Summit) -> None:
    drawn = _brunei_timeline(demo, CHRISTMAS_2000)
    assert drawn["break"] is None
    # Today sits on the scale itself, between the meeting and the end of the year.
    lanes = {lane.title: lane for lane in drawn["lanes"]}
    assert drawn["label_width"] < drawn["today"] < lanes[FM_VISIT].end


def test_a_late_closing_stretches_the_scale_instead_of_breaking_it(demo: Summit) -> None:
    fm = Commitment.objects.get(summit=demo, title=FM_VISIT)
    services.commitment_transition(
        commitment_id=fm.pk,
        to_status="fulfilled",
        by=None,
        now=YEARS_LATER,
        occurred_on=date(2002, 2, 10),
        note="Late.",
    )
    drawn = _brunei_timeline(demo, datetime(2002, 2, 20, 3, 0, tzinfo=UTC))
    assert drawn["break"] is None  # 51 days past 31 Dec 2001 is within a quarter of the span
    closed = next(lane for lane in drawn["lanes"] if lane.title == FM_VISIT)
    assert closed.closed is not None
    assert closed.closed < drawn["today"] <= drawn["end_x"]
    assert closed.closed_text == "10 Feb 2002"


def test_timeline_labels_are_whole_and_distinct(demo: Summit) -> None:
    lanes = _brunei_timeline(demo, YEARS_LATER)["lanes"]
    drawn = [" ".join(lane.lines) for lane in lanes]
    assert len(set(drawn)) == len(drawn)  # no two "Prime Minister Mori visits …" alike
    assert all(len(lane.lines) <= 2 for lane in lanes)
    assert "Prime Minister Mori visits Irkutsk within the year (if the Peace Treaty advances)" in [
        lane.title for lane in lanes
    ]
    assert label_lines("Prime Minister Mori visits Irkutsk within the year (if the Peace Treaty advances)") == [
        "Prime Minister Mori visits Irkutsk",
        "within the year (if the Peace Treaty…",
    ]


@pytest.mark.parametrize("value", [0.0, 0.05, 0.15, 0.25, 2.675, 1e-7, 170.0, 689.95, 333.33333333333337, 519.99])
def test_chart_numbers_are_written_as_floatformat_writes_them(value: float) -> None:
    # Rounded half up from the float's shortest repr, as the template's floatformat:'1u' did, where "%.1f" rounds
    # the binary value (0.15 -> "0.1", 0.25 -> "0.2"; floatformat writes "0.2" and "0.3").
    assert svg_number(value) == str(floatformat(value, "1u"))


def test_a_rows_status_words_say_what_the_template_said() -> None:
    row = Row(1, "Japan", 0.5, 3, 1, 0, None, None, None, by_status={"stalled": 1, "fulfilled": 2})
    template = Template(
        "{% load i18n %}{% for name, count in row.status_labels %}{% blocktranslate %}{{ name }}: {{ count }}"
        '{% endblocktranslate %}{% if not forloop.last %}{% translate ", " context "list separator" %}{% endif %}'
        "{% endfor %}"
    )
    for language in ("en-gb", "ja"):
        with translation.override(language):
            assert str(row.status_words) == template.render(Context({"row": row}))
    with translation.override("en-gb"):
        assert row.status_words == "Stalled: 1, Fulfilled: 2"  # the workflow's order, not the dict's


def test_the_report_page_lists_the_timeline_in_words(client: Client, viewer: Any, demo: Summit) -> None:
    login(client, viewer)
    html = _report(client, demo)
    svg = html.split('id="timeline"', 1)[1].split("</svg>", 1)[0]
    assert '<desc id="tl-desc">' in svg
    assert 'aria-labelledby="tl-title tl-desc"' in svg
    title = "Receive the Japanese Foreign Minister in preparation for the Prime Minister&#x27;s visit"
    assert f"<title>{title} — Not started" in svg
    table = _cells(html.split('id="timeline-table"', 1)[1], "tbody")
    assert len(table) == Commitment.objects.filter(summit=demo).count() == 14
    row = next(r for r in table if r[0] == FM_VISIT)
    assert row[1:] == ["by 31 Dec 2000", "Not started; overdue", "—"]
    # Each title links to that commitment's page.
    fm = Commitment.objects.get(summit=demo, title=FM_VISIT)
    assert f'<a href="{change_url(fm)}">{FM_VISIT}</a>' in html


# --- one date format ---------------------------------------------------------------------------------------


def test_dates_read_the_same_in_lists_pages_and_history(
    frozen: Any, client: Client, officer: Any, fm_visit: Commitment
) -> None:
    with time_machine.travel(CHRISTMAS_2000, tick=False):
        change = services.commitment_transition(
            commitment_id=fm_visit.pk,
            to_status="fulfilled",
            by=officer,
            now=CHRISTMAS_2000,
            note="Kono visited Moscow.",
            occurred_on=date(2000, 12, 3),
        )
    login(client, officer)
    # A list cell (Django's own rendering of a datetime and a date), in the ministry's zone (Tokyo).
    listed = client.get(reverse("admin:commitments_statuschange_changelist")).content.decode()
    assert "25 Dec 2000 12:00" in listed
    assert "3 Dec 2000" in listed
    # A read-only page.
    shown = client.get(reverse("admin:commitments_statuschange_change", args=[change.pk])).content.decode()
    assert "25 Dec 2000 12:00" in shown
    # The history page.
    assert "25 Dec 2000 12:00" in _history(client, fm_visit)
    for page in (listed, shown):
        assert not re.search(r"Dec\. \d|p\.m\.|a\.m\.|\d{2}/\d{2}/\d{4}", page)


def test_forms_still_take_iso_dates_and_show_them_to_date_inputs(client: Client, supervisor: Any, demo: Summit) -> None:
    login(client, supervisor)
    url = reverse("admin:commitments_commitment_assess")
    response = client.post(url, {"summit": demo.pk, "kind": "interim", "as_of": "2000-12-31", "note": ""})
    assert response.status_code == 302
    assert str(demo.assessments.get().as_of) == "2000-12-31"
    # A browser's <input type="date"> needs ISO back when the form is shown again.
    again = client.post(url, {"summit": "", "kind": "interim", "as_of": "2000-12-31"}).content.decode()
    assert 'value="2000-12-31"' in again


# --- counts with thousands separators (issue 20) -------------------------------------------------------------

# Past a thousand, so that a count without its separator ("1014") cannot pass for one with it ("1,014").
MORE = 1_000


@pytest.fixture
def thousand_more(fm_visit: Commitment) -> int:
    """MORE copies of FM_VISIT made by the same parties, and MORE past versions of it; the open count after."""
    parties = list(fm_visit.made_by.all())
    copies = []
    for n in range(MORE):
        copy = Commitment.objects.get(pk=fm_visit.pk)
        copy.pk = None
        copy.title = f"{FM_VISIT} ({n})"
        copies.append(copy)
    made = Commitment.objects.bulk_create(copies, batch_size=500)
    through = Commitment.made_by.through
    through.objects.bulk_create([through(commitment=c, party=p) for c in made for p in parties], batch_size=500)
    past = fm_visit.history.first()
    versions = []
    for n in range(MORE):
        version = fm_visit.history.get(pk=past.pk)
        version.history_id = None
        version.history_date = past.history_date - timedelta(minutes=n + 1)
        versions.append(version)
    type(past).objects.bulk_create(versions, batch_size=500)
    return Commitment.objects.filter(summit=fm_visit.summit, status="not_started").count()


def test_a_count_is_grouped_the_same_in_english_and_japanese() -> None:
    for language in ("en-gb", "ja"):
        with translation.override(language):
            assert count_format(1234567) == "1,234,567"
            assert count_format(1234.5) == "1,234.5"
            assert count_format(-12000) == "-12,000"
            assert count_format(999) == "999"
    # The filter leaves what is not a number to the filters after it (`|default_if_none:"—"`).
    assert grouped(None) is None
    assert grouped("—") == "—"
    assert grouped(True) is True
    assert grouped(1234) == "1,234"


def test_the_report_groups_its_counts_but_not_ids_or_years(
    client: Client, supervisor: Any, demo: Summit, thousand_more: int
) -> None:
    report = report_get(now=timezone.now(), search="", page=1)
    japan = next(row for row in report.by_party if row.label == "Japan")
    assert japan.open > MORE
    assert report.overall.open > MORE
    login(client, supervisor)
    html = _report(client)
    assert f"; {report.overall.open:,} open;" in html  # the overall line
    cells = next(row for row in _cells(html) if row[0] == "Japan")
    assert cells[3] == f"{japan.open:,}"
    not_started = japan.by_status["not_started"]
    assert f"Not started: {not_started:,}" in cells[8]
    assert f"<title>Japan: {not_started:,} not started</title>" in html  # the chart's tooltip
    assert f"Japan ({japan.open + japan.assessed + japan.excluded:,})" in html  # and its label
    assert f">{japan.open}<" not in html
    # Ids and years stay as they are.
    assert f"?summit={demo.pk}#summit" in html
    assert "15 Nov 2000" in _report(client, demo)  # the meeting's day, under its timeline
    assert "2,000" not in html

    _choose(supervisor, "ja")
    login(client, supervisor)
    assert f"未完了{report.overall.open:,}件" in _report(client)


def test_the_history_page_counts_its_entries_with_separators(
    client: Client, officer: Any, fm_visit: Commitment, thousand_more: int
) -> None:
    entries = fm_visit.history.count()
    assert entries > MORE
    login(client, officer)
    html = _history(client, fm_visit)
    assert f"{entries:,} entries" in html
    assert f"{entries} entries" not in html
    _choose(officer, "ja")
    login(client, officer)
    assert f"{entries:,}件" in _history(client, fm_visit)


def _choose(user: Any, language: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"language": language})


def test_the_dashboard_tiles_group_their_counts(client: Client, officer: Any, thousand_more: int) -> None:
    login(client, officer)
    html = client.get(reverse("admin:index")).content.decode()
    tiles = re.findall(r'<span class="pb-tile-count">([^<]*)</span>', html)
    opened = selectors.dashboard_counts(timezone.now())["open"]
    assert opened > MORE
    assert tiles[0] == f"{opened:,}"  # the first tile: open commitments
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", tile) for tile in tiles)


# -- a deadline's window and its days late, written once ------------------------------------------------------

INVITATION = "President Putin invites Prime Minister Mori to Russia this year or next year"  # 15 Nov 2000 – 2001
# A quarter of a century on: the promises due by 31 December 2000 are thousands of days late.
QUARTER_CENTURY_ON = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
DAYS_LATE = (date(2026, 11, 30) - date(2000, 12, 31)).days  # 9,465 on the desk's clock (Tokyo)


def _overdue_note(commitment: Commitment, user: Any) -> Notification:
    return Notification.objects.create(
        commitment=commitment,
        recipient=user,
        kind=NotificationKind.OVERDUE,
        occasion="x",
        message=f"Overdue: {commitment.title}",
        created_at=EARLY_2001,
    )


@pytest.mark.parametrize(
    ("language", "window"), [("en-gb", "15 Nov 2000 – 31 Dec 2001"), ("ja", "2000年11月15日～2001年12月31日")]
)
def test_every_page_and_email_writes_a_window_the_same_way(
    client: Client, officer: Any, demo: Summit, language: str, window: str
) -> None:
    """The list's deadline column, the commitment page's panel, the brief, the import review, the report's
    timeline and the emails all call deadlines.window_words: the same words, in the reader's language."""
    invitation = Commitment.objects.get(summit=demo, title=INVITATION)
    _choose(officer, language)
    login(client, officer)
    pages = {
        "list": client.get(reverse("admin:commitments_commitment_changelist"), {"q": "invites"}),
        "commitment": client.get(change_url(invitation)),
        "brief": client.get(reverse("admin:commitments_commitment_brief"), {"party": "RUS"}),
        "report": client.get(reverse("admin:commitments_commitment_report"), {"summit": demo.pk}),
    }
    email = render_notification(_overdue_note(invitation, officer), EARLY_2001)
    # The import's review lists drafts only: the same promise as a draft.
    Commitment.objects.filter(pk=invitation.pk).update(status="draft")
    pages["review"] = client.get(reverse("admin:summits_summit_review", args=[demo.pk]))
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert window in response.content.decode(), name
    assert window in email.body
    assert window in email.alternatives[0][0]


def test_days_late_are_grouped_on_the_commitment_page_in_the_brief_and_in_emails(
    client: Client, officer: Any, demo: Summit
) -> None:
    fm_visit = Commitment.objects.get(summit=demo, title=FM_VISIT)
    note = _overdue_note(fm_visit, officer)
    grouped_days = f"{DAYS_LATE:,}"
    assert grouped_days == "9,465"
    for language, words, email_words in [
        ("en-gb", f"overdue by {grouped_days} days", f"Overdue by: {grouped_days} days"),
        ("ja", f"期限超過{grouped_days}日", f"期限超過：{grouped_days}日"),
    ]:
        _choose(officer, language)
        login(client, officer)
        with time_machine.travel(QUARTER_CENTURY_ON, tick=False):
            page = client.get(change_url(fm_visit)).content.decode()
            brief = client.get(reverse("admin:commitments_commitment_brief"), {"party": "RUS"}).content.decode()
            # Read afresh: the recipient's language is read with the notification.
            email = render_notification(Notification.objects.get(pk=note.pk), QUARTER_CENTURY_ON)
        assert f'<span class="pb-flag pb-overdue">{words}</span>' in page, language
        assert words in brief, language
        assert email_words in email.body, language
        assert f"{grouped_days}" in email.alternatives[0][0], language
        for text in (page, brief, email.body, email.alternatives[0][0]):
            assert str(DAYS_LATE) not in text, language
