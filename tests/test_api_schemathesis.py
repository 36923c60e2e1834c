"""Property-based tests of the API against its own OpenAPI schema, over HTTP to a real server.

Schemathesis generates requests (valid and invalid) for every operation and checks that no response
is a 5xx and that every response matches the schema: documented status code, content type and body.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from commitments.demo import demo_load

from .conftest import DAY_AFTER_MEETING

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_token(db: Any) -> str:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    from django.contrib.auth import get_user_model

    # The administrator may call everything, so generated writes reach the services.
    return Token.objects.create(user=get_user_model().objects.get(username="admin")).key


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_5xx_and_every_response_matches_the_schema(live_server: Any, api_token: str) -> None:
    api = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    failures: list[str] = []
    operations = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=os.environ.get("PLEDGEBOOK_FUZZ_RANDOM", "") == "",
        )
        def exercise(case: Any) -> None:
            case.call_and_validate(
                base_url=live_server.url, headers={"Authorization": f"Token {api_token}"}, checks=CHECKS
            )

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    assert operations >= 15
    assert not failures, "\n\n".join(failures)


def test_sequences_of_calls_chained_by_real_ids_never_fail(live_server: Any, api_token: str) -> None:
    """Stateful: schemathesis links operations (what one returns, the next one uses) and runs sequences."""
    api = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    machine = api.as_state_machine()
    # Links found by schemathesis' dependency analysis, e.g. GET /commitments/ → POST …/{id}/transitions/.
    assert len(machine.bundles) >= 8, list(machine.bundles)
    succeeded: set[str] = set()

    class Workflow(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": live_server.url, "headers": {"Authorization": f"Token {api_token}"}}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = (), **kwargs: Any) -> None:
            # The same checks as above: a schema cannot say that an id must exist, so "valid data
            # refused" (a 400 for an unknown summit id) is not a fault.
            case.validate_response(response, checks=CHECKS)
            if response.status_code < 300:
                succeeded.add(f"{case.method} {case.operation.path}")

    Workflow.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=os.environ.get("PLEDGEBOOK_FUZZ_RANDOM", "") == "",
        )
    )
    # Chained by real ids, the calls reach the resources rather than ending in 404s.
    assert any(op.startswith("GET") and "{id}" in op for op in succeeded), succeeded
    assert len(succeeded) >= 6, succeeded
