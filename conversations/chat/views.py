"""The chat page and the helplines it offers. Views check, call one service or selector, answer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from conversations import admission, identity
from conversations.chat import helplines


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
