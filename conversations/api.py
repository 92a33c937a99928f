"""What the JSON views share (the privacy API, feedback on replies): their error shape, reading a body, and the
person a request comes from. Views check, call one service or selector, answer."""

from __future__ import annotations

import json
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse

from conversations import identity


def error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "detail": detail}}, status=status)


def body(request: HttpRequest) -> dict | None:
    """The request's JSON object, or None when it is not one."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested too deeply to read
        return None
    return data if isinstance(data, dict) else None


def with_owner(view):
    """Hand the view the data subject making the request, or answer 403 when there is none."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        owner = identity.owner_from_request(request)
        if owner is None:
            return error(403, "forbidden", "Open the chat page first: this browser has no session.")
        return view(request, owner, *args, **kwargs)

    return wrapped
