"""JSON bodies parsed with a nesting limit.

Python's json module recurses once per nested array or object: a body of 100,000 "[" raises
RecursionError, which no handler expected (a 500 on every JSON endpoint). No request of the
frontend nests more than a handful of levels, so anything deeper than MAX_JSON_DEPTH is a
400 before a serializer ever walks it.
"""

import json
from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Not a knob: the frontend's deepest body (a booking with items and their options) is 4.
MAX_JSON_DEPTH = 32

TOO_DEEP = f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a parsed JSON value nests arrays/objects more than `limit` levels (iterative,
    so checking never recurses itself)."""
    pending: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads_bounded(raw: bytes | str) -> Any:
    """json.loads that answers a ParseError (400) for malformed or over-deep JSON."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ParseError(TOO_DEEP, code="json_too_deep") from None
    except ValueError as exc:
        raise ParseError(f"JSON parse error - {exc}") from exc
    if json_depth_exceeds(data):
        raise ParseError(TOO_DEEP, code="json_too_deep")
    return data


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSONParser with the nesting limit above."""

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if stream is None:
            raise ParseError("JSON parse error - no body.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP, code="json_too_deep") from None
        if json_depth_exceeds(data):
            raise ParseError(TOO_DEEP, code="json_too_deep")
        return data
