"""The person's mood page and its API: their emotions over days and weeks, and the check-in at the start of a
conversation. Only the person themselves: every answer is about the session's owner, and no one else's data can
be asked for. Views check, call one service or selector, answer."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conversations import api, identity
from conversations.mood import selectors, services

CHECKIN_STATUS = {"invalid": 400, "consent_required": 403, "not_found": 404, "already": 409}


@require_GET
def mood_page(request: HttpRequest) -> HttpResponse:
    # No session is made here: someone who never opened the chat has no mood to show, and the page says so.
    return render(request, "conversations/mood.html")


@never_cache
@require_GET
@api.with_owner
def mood_data(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    """`?days=7|30|90` (30 when not given) and `tz=<IANA zone>`, the browser's, so days are the person's own."""
    days = request.GET.get("days", str(selectors.DEFAULT_RANGE))
    if days not in {str(choice) for choice in selectors.RANGES}:
        return api.error(400, "invalid", f"days is one of {', '.join(map(str, selectors.RANGES))}.")
    zone = selectors.zone_named(request.GET.get("tz"))
    return JsonResponse(selectors.mood_data(owner=owner, days=int(days), zone=zone))


@never_cache
@require_GET
@api.with_owner
def checkin_due(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    """`?conversation_id=<id>`: whether to ask how the person feels, and the answers they may give."""
    conversation_id = _uuid(request.GET.get("conversation_id"))
    if conversation_id is None:
        return api.error(400, "invalid", "Send ?conversation_id=<the conversation's id>.")
    return JsonResponse({"due": selectors.checkin_due(owner=owner, conversation_id=conversation_id),
                         "choices": selectors.checkin_choices()})


@require_POST
@api.with_owner
def checkin_create(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    """`{"conversation_id": "<id>", "value": 1-5}`: how the person feels as the conversation starts."""
    body = api.body(request)
    conversation_id = _uuid(body.get("conversation_id")) if body is not None else None
    if conversation_id is None or "value" not in body:
        return api.error(400, "invalid", 'Send {"conversation_id": "<id>", "value": 1-5}.')
    try:
        checkin = services.checkin_create(owner=owner, conversation_id=conversation_id, value=body["value"])
    except services.CheckInError as exc:
        return api.error(CHECKIN_STATUS[exc.code], exc.code, exc.detail)
    return JsonResponse({"checkin": selectors.checkin_payload(checkin)}, status=201)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None
