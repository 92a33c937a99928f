"""The privacy API (docs/privacy.md): consent, export, erasure. Views check, call one service or selector, answer."""

from __future__ import annotations

import json
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from conversations import admission, identity
from conversations.privacy import selectors, services


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "detail": detail}}, status=status)


def _body(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested too deeply to read
        return None
    return data if isinstance(data, dict) else None


def _with_owner(view):
    """Hand the view the data subject making the request, or answer 403 when there is none."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        owner = identity.owner_from_request(request)
        if owner is None:
            return _error(403, "forbidden", "Open the chat page first: this browser has no session.")
        return view(request, owner)

    return wrapped


@require_GET
@_with_owner
def privacy_state(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    return JsonResponse(selectors.privacy_state(owner=owner))


@require_POST
@_with_owner
def consent_give(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    if not admission.allow(admission.CONSENT, admission.address_of_request(request)):
        return _error(429, "rate_limited", "Too many people have joined from your network just now. Please try "
                                           "again in a few minutes.")
    body = _body(request)
    if body is None or not isinstance(body.get("version"), str) or not isinstance(body.get("purposes"), list) \
            or not all(isinstance(p, str) for p in body["purposes"]):
        return _error(400, "invalid", 'Send {"version": "<notice version>", "purposes": ["support", ...]}.')
    try:
        services.consent_give(owner=owner, version=body["version"], purposes=body["purposes"])
    except services.PrivacyError as exc:
        return _error(409 if exc.code == "notice_changed" else 400, exc.code, exc.detail)
    return JsonResponse(selectors.privacy_state(owner=owner))


@require_POST
@_with_owner
def consent_withdraw(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    services.consent_withdraw(owner=owner)
    return JsonResponse(selectors.privacy_state(owner=owner))


@require_GET
@_with_owner
def export(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    response = JsonResponse(selectors.export_for(owner=owner), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="emochat-export-{timezone.now():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@_with_owner
def erase(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    body = _body(request)
    if body is None or body.get("confirm") is not True:
        return _error(400, "confirmation_required", 'Erasing cannot be undone: send {"confirm": true}.')
    erased = services.subject_erase(owner=owner)
    if owner.user_id is None:
        # A fresh session and visitor id: nothing written from now on is linked to what was erased.
        request.session.flush()
        identity.visitor_id_ensure(request.session)
    return JsonResponse({"erased": {"conversations": erased.conversations, "messages": erased.messages}})
