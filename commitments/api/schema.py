"""OpenAPI generation: every operation documents the error shape for the statuses it can return."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

_ERRORS = {
    "400": "Invalid input.",
    "401": "Not logged in (send Authorization: Token …).",
    "403": "Your role does not allow this.",
    "404": "No such object.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "The workflow refuses this transition; `allowed` lists what it accepts.",
    "412": "Someone changed it since you read it; `current_version` says what it is now.",
    "415": "Unsupported media type.",
    "428": "Send If-Match (or a version field) with the version you read.",
    "429": "Too many attempts; wait and try again.",
}


class PledgebookAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        from .errors import ErrorSerializer

        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in _ERRORS.items():
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = description
                responses[code] = body
        return responses
