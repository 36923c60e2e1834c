"""Exports and CSV import (round trip, bad rows, formulas), the report pages, the dashboard, the API."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments import services
from commitments.models import Assessment, Commitment, Desk
from commitments.reports.exchange import CsvRejected, export_csv, export_json, import_csv
from summits.models import Summit

from .admin_helpers import login
from .factories import SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

LIST = "/admin/commitments/commitment/"


def test_export_import_export_gives_the_same_file(officer: Any, demo: Summit) -> None:
    Commitment.objects.filter(summit=demo, source_ref="2.(1)").update(title='=HYPERLINK("http://x")')
    Commitment.objects.update(owner=officer)  # tracked commitments have owners, and the file names them
    first = export_csv(Commitment.objects.all())
    assert "'=HYPERLINK" in first  # neutralised for spreadsheets
    report = import_csv(text=first, by=officer, now=timezone.now())
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 14}
    assert export_csv(Commitment.objects.all()) == first
    assert Commitment.objects.count() == 14

    # The same file without its ids records every row anew (a move to another installation).
    header, *rows = first.splitlines()
    fresh = "\n".join([header, *(",," + row.split(",", 2)[2] for row in rows)]) + "\n"
    Commitment.objects.all().delete()
    report = import_csv(text=fresh, by=officer, now=timezone.now())
    assert len(report.created) == 14
    assert Commitment.objects.filter(title__startswith="=HYPERLINK").exists()  # and restored on the way back
    again = export_csv(Commitment.objects.all())
    assert len(again.splitlines()) == len(first.splitlines())


def test_an_edited_export_updates_those_commitments_through_the_service(officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    fm = Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")
    text = export_csv(Commitment.objects.all())
    edited = text.replace(fm.title, "Send Foreign Minister Kono to Moscow", 1)
    report = import_csv(text=edited, by=officer, now=timezone.now())
    assert report.counts() == {"created": 0, "updated": 1, "unchanged": 13}
    fm.refresh_from_db()
    assert (fm.title, fm.version) == ("Send Foreign Minister Kono to Moscow", 2)
    assert fm.history.first().history_user == officer  # type: ignore[union-attr]

    # The same file again, now stale for that row: refused, nothing saved.
    with pytest.raises(CsvRejected, match=r"exported at version 1; commitment \d+ is at version 2"):
        import_csv(text=edited.replace("Kono", "Kōno"), by=officer, now=timezone.now())
    # A deadline date edited in the file: only a supervisor's move may change it.
    moved = export_csv(Commitment.objects.filter(pk=fm.pk)).replace("2000-12-31", "2001-06-30", 1)
    with pytest.raises(CsvRejected, match="Move the deadline with the deadline form"):
        import_csv(text=moved, by=officer, now=timezone.now())
    # The JSON export imports the same way.
    as_json = export_json(Commitment.objects.all())
    assert import_csv(text=as_json, by=officer, now=timezone.now()).counts()["unchanged"] == 14


def test_a_csv_with_bad_rows_reports_each_line_and_saves_nothing(officer: Any, demo: Summit) -> None:
    text = export_csv(Commitment.objects.filter(summit=demo))
    lines = text.splitlines()
    lines[2] = lines[2].replace("Russian Federation Division", "No Such Desk")
    lines[4] = lines[4].replace(",JPN,", ",XXX,", 1) if ",JPN," in lines[4] else lines[4].replace("JPN", "XXX", 1)
    lines[5] = lines[5].replace("2000-12-31", "2000-13-45")
    lines[6] = "999999," + lines[6].split(",", 1)[1]
    before = list(Commitment.objects.order_by("pk").values_list("pk", "version", "desk_id"))
    with pytest.raises(CsvRejected) as rejected:
        import_csv(text="\n".join(lines) + "\n", by=officer, now=timezone.now())
    bad = dict(rejected.value.errors)
    assert "no desk named 'No Such Desk'" in bad[3]
    assert 5 in bad
    assert "there is no commitment '999999'" in bad[7]
    assert list(Commitment.objects.order_by("pk").values_list("pk", "version", "desk_id")) == before
    with pytest.raises(CsvRejected, match="lacks the columns"):
        import_csv(text="title,quote\nx,y\n", by=officer, now=timezone.now())


def test_csv_import_and_export_in_the_admin(client: Client, officer: Any, viewer: Any, demo: Summit) -> None:
    login(client, officer)
    ids = list(Commitment.objects.values_list("pk", flat=True))
    exported = client.post(LIST, {"action": "export_csv", "_selected_action": ids})
    assert exported["Content-Type"].startswith("text/csv")
    content = exported.getvalue()  # streamed: the whole body
    assert content.startswith(b"id,version,summit,")
    upload = SimpleUploadedFile(
        "c.csv", content.replace(b"Prime Minister Mori", b"PM Mori", 1), content_type="text/csv"
    )
    response = client.post(reverse("admin:commitments_commitment_csv_import"), {"file": upload})
    assert response.status_code == 302
    assert Commitment.objects.count() == 14
    assert Commitment.objects.filter(title__startswith="PM Mori").count() == 1
    bad = SimpleUploadedFile(
        "c.csv", content.replace(b"Russian Federation Division", b"Nowhere"), content_type="text/csv"
    )
    response = client.post(reverse("admin:commitments_commitment_csv_import"), {"file": bad})
    assert "Line 2:" in response.content.decode()
    assert "there is no desk named &#x27;Nowhere&#x27;" in response.content.decode()
    assert Commitment.objects.count() == 14
    login(client, viewer)
    assert client.get(reverse("admin:commitments_commitment_csv_import")).status_code == 403
    as_json = client.post(
        LIST,
        {"action": "export_json", "_selected_action": ids[:0] or list(Commitment.objects.values_list("pk", flat=True))},
    )
    assert len(json.loads(as_json.getvalue())) == 14


def test_the_report_page_scores_and_freezes_assessments(client: Client, supervisor: Any, demo: Summit) -> None:
    fm = Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")
    services.commitment_transition(
        commitment_id=fm.pk, to_status="fulfilled", by=None, now=timezone.now(), note="Visited."
    )
    login(client, supervisor)
    url = reverse("admin:commitments_commitment_report")
    page = client.get(url + f"?summit={demo.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert '<title id="tl-title">Timeline of' in html
    # Kept on the assessment's own page, which leads back to the summit's report, at its assessments.
    assess = reverse("admin:commitments_commitment_assess") + f"?summit={demo.pk}"
    assert f'href="{assess}"' in html
    for kind in ("interim", "final"):
        kept = client.post(assess, {"summit": demo.pk, "kind": kind, "note": f"{kind} review"})
        assert kept.status_code == 302
        assert kept["Location"] == url + f"?summit={demo.pk}#assessments"
    assert Assessment.objects.filter(summit=demo).count() == 2
    html = client.get(url + f"?summit={demo.pk}").content.decode()
    assert 'id="comparison"' in html
    # A second final one is refused on the form, in words, and nothing is kept.
    again = client.post(assess, {"summit": demo.pk, "kind": "final", "note": ""})
    assert again.status_code == 200
    assert "already has its final assessment" in again.content.decode()
    assert Assessment.objects.filter(summit=demo).count() == 2
    # The report itself only reads.
    assert client.post(url, {"summit": demo.pk, "kind": "interim"}).status_code == 405
    assert Assessment.objects.filter(summit=demo).count() == 2


def test_report_and_dashboard_queries_do_not_grow(client: Client, supervisor: Any, rf_desk: Desk) -> None:
    login(client, supervisor)
    summit = SummitFactory()

    def count(url: str) -> int:
        cache.clear()  # each page as if the tiles had not been counted yet: counted on the page itself
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_commitment(desk=rf_desk, summit=summit, title="one", owner=supervisor)
    small = (count("/admin/"), count(reverse("admin:commitments_commitment_report") + f"?summit={summit.pk}"))
    for n in range(60):
        make_commitment(desk=rf_desk, summit=summit, title=f"more {n}", owner=supervisor)
    large = (count("/admin/"), count(reverse("admin:commitments_commitment_report") + f"?summit={summit.pk}"))
    assert small == large


def test_dashboard_counts_link_to_the_filtered_list(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/commitments/commitment/?deadline=overdue"' in html
    assert 'href="/admin/commitments/commitment/?attention=condition"' in html
    assert '<span class="pb-tile-count">2</span><span>Condition pending</span>' in html


def test_the_api_serves_the_report_and_exports(officer: Any, demo: Summit) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    report = client.get("/api/v1/reports/compliance/").json()
    assert {row["label"] for row in report["by_party"]} == {"Japan", "Russian Federation"}
    assert report["overall"]["open"] == 14
    csv_text = client.get("/api/v1/commitments/export/?party=RUS").getvalue().decode()
    assert len(csv_text.strip().splitlines()) == 1 + 8
    as_json = json.loads(client.get("/api/v1/commitments/export/?as=json&summit=" + str(demo.pk)).getvalue())
    assert len(as_json) == 14


# --- the parties' own outcomes in the exchange ------------------------------------------------------------


def _closed_jointly(demo: Summit, officer: Any) -> Commitment:
    joint = Commitment.objects.get(summit=demo, source_ref="1.(2)")  # Japan and Russia, together
    services.commitment_transition(
        commitment_id=joint.pk, to_status="partially_fulfilled", by=None, now=timezone.now(), note="Expert talks."
    )
    services.outcome_set(
        commitment_id=joint.pk,
        outcomes=[
            services.PartyOutcome("JPN", "fulfilled", "Delegation sent."),
            services.PartyOutcome("RUS", "not_fulfilled"),
        ],
        by=officer,
        now=timezone.now(),
    )
    joint.refresh_from_db()
    return joint


def _recorded(commitment: Commitment) -> dict[str, tuple[str, str]]:
    return {o.party.code: (o.status, o.note) for o in commitment.outcomes.select_related("party")}


def test_exports_carry_the_parties_outcomes_and_round_trip_the_same(officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    joint = _closed_jointly(demo, officer)
    first = export_csv(Commitment.objects.all())
    header = first.splitlines()[0].split(",")
    assert header[header.index("status") + 1] == "outcomes"
    rows = {row["id"]: row for row in export_rows_of(first)}
    assert rows[str(joint.pk)]["outcomes"] == "JPN=fulfilled;RUS=not_fulfilled"
    assert {row["outcomes"] for pk, row in rows.items() if pk != str(joint.pk)} == {""}
    assert import_csv(text=first, by=officer, now=timezone.now()).counts() == {
        "created": 0,
        "updated": 0,
        "unchanged": 14,
    }
    assert export_csv(Commitment.objects.all()) == first
    as_json = export_json(Commitment.objects.all())
    assert next(item for item in json.loads(as_json) if item["id"] == joint.pk)["outcomes"] == (
        "JPN=fulfilled;RUS=not_fulfilled"
    )
    assert import_csv(text=as_json, by=officer, now=timezone.now()).counts()["unchanged"] == 14
    assert export_json(Commitment.objects.all()) == as_json


def test_outcomes_edited_in_the_file_are_recorded_through_the_service(officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    joint = _closed_jointly(demo, officer)
    text = export_csv(Commitment.objects.all())
    # Russia now did its part too; Japan's unchanged outcome keeps its note (the file carries none).
    edited = text.replace("JPN=fulfilled;RUS=not_fulfilled", "JPN=fulfilled; RUS=partially_fulfilled")
    assert import_csv(text=edited, by=officer, now=timezone.now()).counts() == {
        "created": 0,
        "updated": 1,
        "unchanged": 13,
    }
    assert _recorded(joint) == {"JPN": ("fulfilled", "Delegation sent."), "RUS": ("partially_fulfilled", "")}
    version = joint.version
    joint.refresh_from_db()
    assert joint.version == version + 1
    # An emptied cell: each party follows the status again.
    cleared = export_csv(Commitment.objects.all()).replace("JPN=fulfilled;RUS=partially_fulfilled", "")
    assert import_csv(text=cleared, by=officer, now=timezone.now()).counts()["updated"] == 1
    assert _recorded(joint) == {}
    # An export from before the column existed leaves the outcomes as they are.
    services.outcome_set(
        commitment_id=joint.pk, outcomes=[services.PartyOutcome("RUS", "fulfilled")], by=officer, now=timezone.now()
    )
    older = without_column(export_csv(Commitment.objects.all()), "outcomes")
    assert import_csv(text=older, by=officer, now=timezone.now()).counts()["unchanged"] == 14
    assert _recorded(joint) == {"RUS": ("fulfilled", "")}


def test_outcomes_a_row_cannot_have_are_refused_by_line_and_nothing_saved(officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    joint = _closed_jointly(demo, officer)
    single = Commitment.objects.get(summit=demo, source_ref="2.(1)")
    still_open = Commitment.objects.get(summit=demo, source_ref="1.(3)")  # joint, waiting on its condition
    lines = export_csv(Commitment.objects.order_by("pk")).splitlines()
    line_of = {int(line.split(",", 1)[0]): number for number, line in enumerate(lines[1:], start=2)}
    lines[line_of[joint.pk] - 1] = lines[line_of[joint.pk] - 1].replace("RUS=not_fulfilled", "USA=not_fulfilled")
    for commitment in (single, still_open):
        lines[line_of[commitment.pk] - 1] = replace_cell(lines[line_of[commitment.pk] - 1], "outcomes", "RUS=fulfilled")
    before = list(Commitment.objects.order_by("pk").values_list("pk", "version"))
    with pytest.raises(CsvRejected) as rejected:
        import_csv(text="\n".join(lines) + "\n", by=officer, now=timezone.now())
    bad = dict(rejected.value.errors)
    assert "USA did not make this commitment" in bad[line_of[joint.pk]]
    assert "Only a joint commitment has per-party outcomes" in bad[line_of[single.pk]]
    # Not closed as kept or broken, so no party has an outcome of its own yet.
    assert "per-party outcomes are recorded once it is closed" in bad[line_of[still_open.pk]]
    assert len(bad) == 3
    assert list(Commitment.objects.order_by("pk").values_list("pk", "version")) == before
    assert _recorded(joint) == {"JPN": ("fulfilled", "Delegation sent."), "RUS": ("not_fulfilled", "")}
    garbled = replace_cell(lines[line_of[single.pk] - 1], "outcomes", "RUS fulfilled")
    with pytest.raises(CsvRejected, match="should read like JPN=fulfilled;RUS=not_fulfilled"):
        import_csv(text=lines[0] + "\n" + garbled + "\n", by=officer, now=timezone.now())


def test_a_row_without_an_id_reads_past_its_outcomes_as_past_its_status(officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    _closed_jointly(demo, officer)
    text = export_csv(Commitment.objects.filter(source_ref="1.(2)"))
    header, row = text.splitlines()
    fresh = header + "\n,," + row.split(",", 2)[2] + "\n"
    report = import_csv(text=fresh, by=officer, now=timezone.now())
    (created,) = report.created
    assert (created.status, _recorded(created)) == ("not_started", {})


# Reading and editing the CSV the way a spreadsheet user would: by column name.


def export_rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def replace_cell(line: str, column: str, value: str) -> str:
    header = next(csv.reader(io.StringIO(export_csv(Commitment.objects.none()))))
    cells = next(csv.reader(io.StringIO(line)))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def without_column(text: str, column: str) -> str:
    rows = export_rows_of(text)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name in rows[0] if name != column], lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: value for name, value in row.items() if name != column} for row in rows)
    return out.getvalue()
