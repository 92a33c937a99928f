from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from conversations.identity import visitor_id_ensure


@ensure_csrf_cookie
def chat_page(request: HttpRequest) -> HttpResponse:
    # The WebSocket authenticates with the session cookie, so every visitor gets a session (and a
    # pseudonymous visitor id) here, before their first message.
    visitor_id_ensure(request.session)
    return render(request, "conversations/chat.html")
