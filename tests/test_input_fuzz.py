"""No 500 from input: every API endpoint of the OpenAPI schema, and the admin's POST addresses, given bodies
that are nested too deep, too large, malformed or of the wrong type, anonymously and with a token.

The API answers each in its error shape ({"error": {"code", "message", "fields"}}): 413 past the size
limit, 400 past the depth limit or for what is not JSON. The admin refuses what it cannot take with a 4xx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from commitments.models import Commitment, Desk
from commitments.workflow import Status
from summits.models import Summit

from .admin_helpers import login
from .factories import make_commitment
from .test_api import client_for

pytestmark = pytest.mark.django_db

# Small limits for the test, so that "over the limit" is cheap to send many times (5,000 `[` fit under it).
MAX_BODY = 8192
MAX_DEPTH = 32
LIMITS = {
    "PLEDGEBOOK_API_MAX_BODY_BYTES": MAX_BODY,
    "DATA_UPLOAD_MAX_MEMORY_SIZE": MAX_BODY,
    "PLEDGEBOOK_API_MAX_JSON_DEPTH": MAX_DEPTH,
}

NESTED = b"[" * 5000
HUGE = b'{"title": "' + b"x" * (MAX_BODY + 10) + b'"}'
# Each body: (name, bytes, content type).
BODIES: list[tuple[str, bytes, str]] = [
    ("nested", NESTED, "application/json"),
    ("nested-object", b'{"a":' * 1500, "application/json"),
    ("just-too-deep", b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "application/json"),
    ("huge", HUGE, "application/json"),
    ("malformed", b'{"title": "unterminated', "application/json"),
    ("not-utf8", b'{"title": "\xff\xfe"}', "application/json"),
    ("nan", b'{"version": NaN}', "application/json"),
    ("giant-number", b'{"version": ' + b"9" * 5000 + b"}", "application/json"),
    ("array", b"[1, 2, 3]", "application/json"),
    ("string", b'"text"', "application/json"),
    ("null", b"null", "application/json"),
    ("wrong-types", b"", "application/json"),  # filled per endpoint from its schema's fields
    ("huge-form", b"note=" + b"x" * (MAX_BODY + 10), "application/x-www-form-urlencoded"),
    ("many-fields", b"&".join(b"f%d=1" % n for n in range(1200)), "application/x-www-form-urlencoded"),
    ("bad-multipart", b"--nope\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data"),
    ("huge-csv", b"id,title\n" + b"1,x\n" * MAX_BODY, "text/csv"),
]
WRONG_VALUES: list[Any] = [{"nested": [[{}]]}, [None, []], 10**30, True, ""]


@pytest.fixture(autouse=True)
def _limits() -> Iterator[None]:
    with override_settings(**LIMITS):
        yield


def _schema() -> dict[str, Any]:
    return dict(SchemaGenerator().get_schema(request=None, public=True))


def _operations() -> list[tuple[str, str, list[str]]]:
    """(path template, method, the request body's field names) for every operation of the schema."""
    schema = _schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            names: list[str] = []
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                names += list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            found.append((path, method, sorted(set(names))))
    return found


def _wrong_types(names: list[str]) -> bytes:
    import json

    fields = names or ["title", "to", "version", "note", "outcomes", "username", "password"]
    return json.dumps({name: WRONG_VALUES[n % len(WRONG_VALUES)] for n, name in enumerate(fields)}).encode()


def _assert_api_shape(response: Any, what: str) -> None:
    assert response.status_code < 500, what
    if response.status_code >= 400:
        body = response.json()
        assert set(body["error"]) >= {"code", "message", "fields"}, what
        assert isinstance(body["error"]["fields"], dict), what


@pytest.fixture
def targets(demo: Summit, rf_desk: Desk) -> dict[str, int]:
    """Ids that exist, so that each endpoint gets as far as reading its body."""
    commitment = Commitment.objects.filter(desk=rf_desk).order_by("pk").first()
    assert commitment is not None
    draft = make_commitment(desk=rf_desk, status=Status.DRAFT)
    return {"commitments": commitment.pk, "drafts": draft.pk, "records": demo.pk}


def _url(path: str, ids: dict[str, int]) -> str:
    resource = path.split("/")[3]
    return re.sub(r"\{[^}]+\}", str(ids.get(resource, 1)), path)


def test_every_api_endpoint_refuses_bad_bodies_in_its_error_shape(officer: Any, targets: dict[str, int]) -> None:
    operations = _operations()
    assert len(operations) >= 25  # the whole schema, not a part of it
    clients = {"anonymous": APIClient(), "officer": client_for(officer)}
    seen: dict[str, set[int]] = {name: set() for name, _, _ in BODIES}
    for path, method, names in operations:
        url = _url(path, targets)
        for who, client in clients.items():
            for name, body, content_type in BODIES:
                cache.clear()  # the token endpoint's throttle would otherwise answer before the parser
                data = _wrong_types(names) if name == "wrong-types" else body
                headers = {"HTTP_IF_MATCH": '"1"'} if method == "patch" else {}
                response = client.generic(method.upper(), url, data, content_type, **headers)
                # A streamed body (a GET of the export) has no .content; a 200 is all this asks of it.
                shown = b"(streamed)" if response.streaming else response.content[:300]
                _assert_api_shape(response, f"{method.upper()} {url} as {who} with {name}: {shown!r}")
                seen[name].add(response.status_code)
    # The limits answer as promised where a body is read (the token endpoint reads every body it gets).
    assert 413 in seen["huge"]
    for name in ("nested", "just-too-deep", "malformed"):
        assert 400 in seen[name], name


@pytest.mark.parametrize(
    ("name", "body", "status", "code"),
    [
        ("nested", NESTED, 400, "too_deep"),
        ("just-too-deep", b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), 400, "too_deep"),
        ("huge", HUGE, 413, "too_large"),
        ("malformed", b'{"username": ', 400, "parse_error"),
        ("wrong type", b'{"username": {"a": 1}, "password": [1]}', 400, "invalid"),
    ],
)
def test_the_anonymous_token_endpoint_answers_each_refusal_with_its_code(
    name: str, body: bytes, status: int, code: str
) -> None:
    cache.clear()
    response = APIClient().post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


def test_json_at_the_depth_limit_is_still_read() -> None:
    cache.clear()
    deep_enough: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        deep_enough = [deep_enough]
    import json

    body = json.dumps({"username": deep_enough, "password": "p"}).encode()
    response = APIClient().post("/api/v1/auth/token/", data=body, content_type="application/json")
    # Parsed, and then refused by the serializer for what it is: not a username.
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["username"] == ["Not a valid string."]


# Outside a test transaction, as in production: that is where the form's row lock raised
# TransactionManagementError (a 500).
@pytest.mark.django_db(transaction=True)
def test_a_viewer_posting_to_a_history_version_is_refused_not_a_500(
    client: Client, viewer: Any, officer: Any, targets: dict[str, int]
) -> None:
    commitment = Commitment.objects.get(pk=targets["commitments"])
    version = commitment.history.order_by("history_id").first()
    assert version is not None
    url = f"/admin/commitments/commitment/{commitment.pk}/history/{version.history_id}/"
    for who in (viewer, officer):
        login(client, who)
        refused = client.post(url, {"title": "Rewritten from history"})
        assert refused.status_code == 405
        assert refused["Allow"] == "GET, HEAD"
        assert client.get(url).status_code == 200  # reading a past version is still allowed
    commitment.refresh_from_db()
    assert commitment.title != "Rewritten from history"
    assert client.get(f"/admin/commitments/commitment/{commitment.pk}/history/abc/").status_code == 404


def test_admin_post_addresses_take_bad_bodies_without_a_500(
    client: Client, viewer: Any, officer: Any, targets: dict[str, int]
) -> None:
    commitment = Commitment.objects.get(pk=targets["commitments"])
    version = commitment.history.order_by("history_id").first()
    assert version is not None
    urls = [
        "/admin/login/",
        "/admin/commitments/commitment/add/",
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        f"/admin/commitments/commitment/{commitment.pk}/history/{version.history_id}/",
        "/admin/commitments/commitment/",
    ]
    for who in (None, viewer, officer):
        if who is not None:
            login(client, who)
        for url in urls:
            for name, body, content_type in BODIES:
                data = _wrong_types([]) if name == "wrong-types" else body
                response = client.post(url, data=data, content_type=content_type)
                assert response.status_code < 500, f"POST {url} as {who} with {name}"
