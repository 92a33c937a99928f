"""The chat page, the helplines it offers, and the person's feedback on replies. Views check, call one service or
selector, answer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from conversations import admission, api, identity
from conversations.chat import helplines, selectors, services

FEEDBACK_STATUS = {"invalid": 400, "too_long": 400, "not_a_reply": 400, "consent_required": 403, "not_found": 404,
                   "rate_limited": 429}


@ensure_csrf_cookie
def chat_page(request: HttpRequest) -> HttpResponse:
    # The WebSocket authenticates with the session cookie, so every visitor gets a session (and a
    # pseudonymous visitor id) here, before their first message. An address that opens too many is shown the
    # helplines instead of the chat: whoever is behind it is never turned away with nothing.
    if not identity.visitor_known(request.session) and not request.user.is_authenticated \
            and not admission.allow(admission.SESSION_NEW, admission.address_of_request(request)):
        code = helplines.country_code(request.GET.get("country"), request.headers.get("Accept-Language"))
        return render(request, "conversations/busy.html", {"resources": helplines.resources(code)}, status=429)
    identity.visitor_id_ensure(request.session)
    return render(request, "conversations/chat.html", {"reveal_ms": settings.EMOCHAT_REPLY_REVEAL_MS,
                                                       "quick_exit_url": settings.EMOCHAT_QUICK_EXIT_URL})


@require_GET
def helplines_view(request: HttpRequest) -> JsonResponse:
    """Helplines for `?country=XX` (or the browser's language), and every country the page can offer.
    Open to anyone, with no session: someone in danger must never be turned away here."""
    code = helplines.country_code(request.GET.get("country"), request.headers.get("Accept-Language"))
    return JsonResponse({"country": code, "resources": helplines.resources(code), "countries": helplines.countries()})


@require_POST
@api.with_owner
def reply_feedback(request: HttpRequest, owner: identity.Owner, message_id: uuid.UUID) -> HttpResponse:
    """Set (`helpful` true or false, with an optional `reason`) or take back (`helpful` null) the person's feedback
    on one of the assistant's replies; answers with what is stored now (docs/protocol.md, "Feedback on replies")."""
    body = api.body(request)
    helpful = body.get("helpful", "missing") if body is not None else "missing"
    reason = body.get("reason", "") if body is not None else None
    if not (helpful is None or isinstance(helpful, bool)) or not isinstance(reason, str):
        return api.error(400, "invalid", 'Send {"helpful": true | false | null, "reason": "<optional>"}.')
    try:
        if helpful is None:
            services.reply_feedback_clear(owner=owner, message_id=message_id)
            return JsonResponse({"feedback": None})
        feedback = services.reply_feedback_set(owner=owner, message_id=message_id, helpful=helpful, reason=reason)
    except services.FeedbackError as exc:
        return api.error(FEEDBACK_STATUS[exc.code], exc.code, exc.detail)
    return JsonResponse({"feedback": selectors.feedback_payload(feedback)})
