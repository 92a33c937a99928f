from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def chat_page(request: HttpRequest) -> HttpResponse:
    # The WebSocket authenticates with the session cookie, so every visitor gets a session here.
    if request.session.session_key is None:
        request.session.save()
    return render(request, "conversations/chat.html")
