"""Exports and CSV import (round trip, bad rows, formulas), the report pages, the dashboard, the API."""

from __future__ import annotations

from typing import Any

import pytest
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
    content = exported.content
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
    assert len(as_json.json()) == 14


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
    for kind in ("interim", "final"):
        client.post(url, {"summit": demo.pk, "kind": kind, "note": f"{kind} review"})
    assert Assessment.objects.filter(summit=demo).count() == 2
    html = client.get(url + f"?summit={demo.pk}").content.decode()
    assert 'id="comparison"' in html


def test_report_and_dashboard_queries_do_not_grow(client: Client, supervisor: Any, rf_desk: Desk) -> None:
    login(client, supervisor)
    summit = SummitFactory()

    def count(url: str) -> int:
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
    csv_text = client.get("/api/v1/commitments/export/?party=RUS").content.decode()
    assert len(csv_text.strip().splitlines()) == 1 + 8
    as_json = client.get("/api/v1/commitments/export/?as=json&summit=" + str(demo.pk)).json()
    assert len(as_json) == 14
