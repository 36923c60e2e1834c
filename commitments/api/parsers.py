"""Request bodies with limits: no input, however large, deep or malformed, reaches a view as a server error.

Python's json parser recurses once per nesting level, so 5,000 `[` raise RecursionError (a 500) before
DRF sees anything; and a body is read whole into memory whatever its size. Every parser of the API reads
at most PLEDGEBOOK_API_MAX_BODY_BYTES (413 past it, before reading when Content-Length says so already),
and JSON nested deeper than PLEDGEBOOK_API_MAX_JSON_DEPTH is refused (400). The refusals are APIExceptions,
so they come out in the API's error shape (api/errors.py), never as Django's HTML 400 page.
"""

from __future__ import annotations

import codecs
from io import BytesIO
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.utils import json


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


class TooDeep(exceptions.ParseError):
    default_code = "too_deep"


def _max_bytes() -> int:
    return int(settings.PLEDGEBOOK_API_MAX_BODY_BYTES)


def _too_large() -> BodyTooLarge:
    return BodyTooLarge(f"The request body is over {_max_bytes():,} bytes, the most the API reads.")


def _declared_length(parser_context: dict[str, Any] | None) -> int:
    request = (parser_context or {}).get("request")
    raw = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def read_limited(stream: Any, parser_context: dict[str, Any] | None) -> bytes:
    """The whole body, or BodyTooLarge: refused on its declared length, else after one byte too many."""
    limit = _max_bytes()
    if _declared_length(parser_context) > limit:
        raise _too_large()
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise _too_large()
    return bytes(body)


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        body = read_limited(stream, parser_context)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        limit = int(settings.PLEDGEBOOK_API_MAX_JSON_DEPTH)
        too_deep = TooDeep(f"The JSON is nested more than {limit} levels deep.")
        try:
            text = codecs.decode(body, encoding)
            # DRF's loads: NaN and Infinity refused, as JSONParser does with STRICT_JSON.
            data = json.loads(text)
        except RecursionError:  # the parser's own stack ran out: far deeper than any limit
            raise too_deep from None
        except (ValueError, LookupError) as exc:  # malformed JSON, bad bytes for the charset, an unknown charset
            raise exceptions.ParseError(f"The body is not valid JSON: {exc}") from None
        if json_depth(data) > limit:
            raise too_deep
        return data


class LimitedFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return super().parse(BytesIO(read_limited(stream, parser_context)), media_type, parser_context)


class LimitedMultiPartParser(MultiPartParser):
    """Files as Django reads them (to disk past FILE_UPLOAD_MAX_MEMORY_SIZE), but not past the API's limit."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        if _declared_length(parser_context) > _max_bytes():
            raise _too_large()
        return super().parse(stream, media_type, parser_context)
