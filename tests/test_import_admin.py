"""The admin's import page and the review screen: paste, review beside the text, accept or reject."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commitments.demo import DATA_DIR
from commitments.models import Commitment, Desk, RejectedDraft, StatusChange
from commitments.reports.compliance import compliance
from summits.models import Summit

from .admin_helpers import login

pytestmark = pytest.mark.django_db

BRUNEI_TEXT = (DATA_DIR / "2000-11-15_japan-russia_summit_brunei.txt").read_text(encoding="utf-8")
RECORD = BRUNEI_TEXT.replace("15 November 2000", "15 November 2001")  # a different record, same shape


def _post(client: Client, desk: Desk, **fields: Any) -> Any:
    data = {
        "text": "",
        "source_url": "",
        "publisher": "Ministry of Foreign Affairs of Japan",
        "desk": desk.pk,
        **fields,
    }
    return client.post(reverse("admin:summits_summit_import"), data)


def test_an_officer_imports_reviews_and_decides(client: Client, officer: Any, rf_desk: Desk) -> None:
    login(client, officer)
    assert client.get(reverse("admin:summits_summit_import")).status_code == 200
    response = _post(client, rf_desk, text=RECORD)
    summit = Summit.objects.exclude(source_url__contains="meet0011").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:summits_summit_review", args=[summit.pk])
    review = client.get(response["Location"])
    html = review.content.decode()
    drafts = list(Commitment.objects.filter(summit=summit, status="draft"))
    assert len(drafts) == 14
    assert html.count('<mark class="pb-mark-draft" id="q') == 14
    assert 'id="accept"' in html
    accept, reject = drafts[0], drafts[1]
    client.post(response["Location"], {"decision": "accept", "chosen": [accept.pk]})
    client.post(response["Location"], {"decision": "reject", "chosen": [reject.pk], "reason": "A reported fact."})
    accept.refresh_from_db()
    assert (accept.status, accept.owner) == ("not_started", officer)
    assert accept.status_changes.first().by == officer  # type: ignore[union-attr]
    # The rejected draft is no commitment: gone from lists, status changes and reports...
    assert not Commitment.objects.filter(pk=reject.pk).exists()
    assert not StatusChange.objects.filter(commitment_id=reject.pk).exists()
    listed = client.get(reverse("admin:commitments_commitment_changelist") + "?all=").content.decode()
    assert reverse("admin:commitments_commitment_change", args=[reject.pk]) not in listed
    assert reverse("admin:commitments_commitment_change", args=[accept.pk]) in listed
    assert sum(row.excluded for row in compliance("summit")) == 0
    # ...and kept with the meeting's review: what it said, who rejected it, when and why.
    kept = RejectedDraft.objects.get(draft_id=reject.pk)
    assert (kept.summit, kept.title, kept.quote, kept.rejected_by, kept.reason) == (
        summit,
        reject.title,
        reject.quote,
        officer,
        "A reported fact.",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Rejected at review (1)" in page
    assert "A reported fact." in page


def test_an_upload_works_and_a_second_import_points_to_the_first(client: Client, officer: Any, rf_desk: Desk) -> None:
    login(client, officer)
    upload = SimpleUploadedFile("record.txt", RECORD.encode(), content_type="text/plain")
    assert (
        client.post(reverse("admin:summits_summit_import"), {"upload": upload, "desk": rf_desk.pk}).status_code == 302
    )
    again = _post(client, rf_desk, text=RECORD)
    assert again.status_code == 200
    assert "was imported before" in again.content.decode()
    assert "Open the existing meeting" in again.content.decode()


def test_bad_input_is_shown_back_with_the_reason(client: Client, officer: Any, rf_desk: Desk) -> None:
    login(client, officer)
    before = Summit.objects.count()
    response = _post(client, rf_desk, text="   ")
    assert "Paste the record" in response.content.decode()
    binary = SimpleUploadedFile("record.txt", b"\x00\x01\x02", content_type="text/plain")
    response = client.post(reverse("admin:summits_summit_import"), {"upload": binary, "desk": rf_desk.pk})
    assert "not a text file" in response.content.decode()
    assert Summit.objects.count() == before


def test_viewers_and_other_desks_cannot_import_or_decide(
    client: Client, viewer: Any, other_officer: Any, officer: Any, rf_desk: Desk
) -> None:
    login(client, viewer)
    assert client.get(reverse("admin:summits_summit_import")).status_code == 403
    login(client, officer)
    _post(client, rf_desk, text=RECORD)
    summit = Summit.objects.exclude(source_url__contains="meet0011").get()
    draft = Commitment.objects.filter(summit=summit, status="draft").first()
    assert draft is not None
    login(client, other_officer)
    # Another desk's officer may import for their own desk, but not decide on these drafts.
    assert rf_desk.pk not in [
        d.pk for d in client.get(reverse("admin:summits_summit_import")).context["form"].fields["desk"].queryset
    ]
    review_url = reverse("admin:summits_summit_review", args=[summit.pk])
    assert 'id="accept"' not in client.get(review_url).content.decode()
    client.post(review_url, {"decision": "accept", "chosen": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_record_without_its_date_asks_for_it_once_beside_the_date_field(
    client: Client, officer: Any, rf_desk: Desk
) -> None:
    login(client, officer)
    text = "\n".join(line for line in RECORD.splitlines() if "2001" not in line)  # the date line left out
    asked = _post(client, rf_desk, text=text)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert html.count("Give the meeting&#x27;s date") == 1  # said once, beside its field
    assert 'name="meeting_date"' in html
    assert not Summit.objects.filter(source_text=text).exists()
    taken = _post(client, rf_desk, text=text, meeting_date="2001-11-15")
    assert taken.status_code == 302
    assert Summit.objects.get(source_text=text).local_start.date().isoformat() == "2001-11-15"
