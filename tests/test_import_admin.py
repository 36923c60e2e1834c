"""The admin's import page and the review screen: paste, review beside the text, accept or reject."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commitments.demo import DATA_DIR
from commitments.models import Commitment, Desk
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
    client.post(response["Location"], {"decision": "reject", "chosen": [reject.pk]})
    accept.refresh_from_db()
    reject.refresh_from_db()
    assert (accept.status, reject.status) == ("not_started", "withdrawn")
    assert reject.status_changes.first().note == "Rejected at review: not a commitment."  # type: ignore[union-attr]
    assert accept.status_changes.first().by == officer  # type: ignore[union-attr]


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
