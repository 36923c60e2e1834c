#!/usr/bin/env python
"""What another ministry tool does with the Pledgebook API, using nothing but the standard library.

    python tests/api_client.py http://127.0.0.1:8000 officer pledgebook

Logs in for a token, records a commitment with a deadline window, moves it through the workflow,
runs into a conflict with a stale version and resolves it by reading again, then reads its
notifications. Exits non-zero, saying which step failed, if the API does not behave as documented.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Any


class Api:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/api/v1"
        self.token = ""

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), _decode(response.read(), response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), _decode(error.read(), error.headers)


def _decode(raw: bytes, headers: Any) -> Any:
    if "json" in (headers.get("Content-Type") or ""):
        return json.loads(raw or b"null")
    return {"body": raw.decode(errors="replace")[:1000]}


def expect(step: str, status: int, wanted: int, body: Any) -> None:
    if status != wanted:
        raise SystemExit(f"{step}: expected {wanted}, got {status}: {json.dumps(body)[:500]}")
    print(f"ok  {step} ({status})")


def run(base: str, username: str, password: str) -> dict[str, Any]:
    api = Api(base)
    status, _, body = api.call("POST", "/auth/token/", {"username": username, "password": password})
    expect("log in", status, 200, body)
    api.token = body["token"]

    status, _, body = api.call("GET", "/summits/")
    expect("list summits", status, 200, body)
    summit = next(s for s in body["results"] if "Brunei" in s["title"])
    status, _, desks = api.call("GET", "/desks/")
    desk = next(d for d in desks["results"] if d["name"] == "Russian Federation Division")

    status, headers, created = api.call(
        "POST",
        "/commitments/",
        {
            "summit": summit["id"],
            "title": "Invitation to visit Russia this year or next year (tracked by a tool)",
            "quote": "He then invited Prime Minister Mori to Russia this year or next year.",
            "source_ref": "2.(1)",
            "made_by": ["RUS"],
            "counterparty": "JPN",
            "desk": desk["id"],
            "kind": "invitation",
            "modality": "firm",
            "due_phrase": "this year or next year",
            "due_from": "2000-11-15",
            "due_by": "2001-12-31",
            "due_precision": "year",
            "watchers": ["supervisor"],
        },
    )
    expect("create a commitment with a deadline window", status, 201, created)
    url = f"/commitments/{created['id']}/"
    etag = headers["ETag"]

    status, headers, body = api.call(
        "POST", f"{url}transitions/", {"to": "in_progress", "note": "Dates proposed."}, If_Match=etag
    )
    expect("start work on it", status, 201, body)
    status, _, body = api.call("POST", f"{url}transitions/", {"to": "draft"}, If_Match=headers["ETag"])
    expect("a forbidden transition is refused", status, 409, body)
    if "fulfilled" not in body["error"]["allowed"]:
        raise SystemExit("the refusal does not list the allowed statuses")

    # A conflict: someone else's tool saved it after we read it; our ETag is now stale.
    status, _, body = api.call("PATCH", url, {"description": "Moscow confirmed the dates."}, If_Match=etag)
    expect("a stale version is a conflict", status, 412, body)
    status, headers, current = api.call("GET", url)
    expect("read it again", status, 200, current)
    status, headers, body = api.call(
        "PATCH", url, {"description": "Moscow confirmed the dates."}, If_Match=headers["ETag"]
    )
    expect("save with the current version", status, 200, body)

    status, headers, body = api.call(
        "POST",
        f"{url}transitions/",
        {"to": "fulfilled", "note": "Visit took place.", "evidence_url": "https://www.mofa.go.jp/"},
        If_Match=headers["ETag"],
    )
    expect("close it with evidence", status, 201, body)
    status, _, history = api.call("GET", f"{url}transitions/")
    expect("read its history", status, 200, history)

    status, _, notes = api.call("GET", "/notifications/?unread=true")
    expect("read my notifications", status, 200, notes)
    return {
        "commitment": created["id"],
        "history": [h["to_status"] for h in history],
        "notifications": notes["results"],
    }


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    print(json.dumps(run(*sys.argv[1:4]), indent=2, default=str))
