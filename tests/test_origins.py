"""The WebSocket handshake's origin check (emochat/origins.py): scheme, host and port, as Django checks forms."""

from __future__ import annotations

import pytest

from emochat.origins import allowed


def scope(origin: str | None, host: str = "chat.example", scheme: str = "wss") -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "scheme": scheme, "headers": headers}


@pytest.fixture(autouse=True)
def hosts(settings):
    settings.ALLOWED_HOSTS = ["chat.example", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://help.example"]


@pytest.mark.parametrize(("origin", "host", "scheme"), [
    ("https://chat.example", "chat.example", "wss"),
    ("https://chat.example:443", "chat.example", "wss"),
    ("HTTPS://Chat.Example", "chat.example", "wss"),
    ("http://localhost:8000", "localhost:8000", "ws"),
    ("https://help.example", "chat.example", "wss"),  # listed in DJANGO_CSRF_TRUSTED_ORIGINS
])
def test_the_same_origin_or_a_trusted_one_may_open_a_socket(origin, host, scheme):
    assert allowed(scope(origin, host, scheme))


@pytest.mark.parametrize(("origin", "host", "scheme"), [
    ("http://chat.example", "chat.example", "wss"),  # a plain-http page of the same host
    ("https://chat.example:8443", "chat.example", "wss"),  # another port
    ("http://localhost:3000", "localhost:8000", "ws"),
    ("https://evil.example", "chat.example", "wss"),
    ("https://chat.example.evil.example", "chat.example", "wss"),
    ("null", "chat.example", "wss"),
    ("", "chat.example", "wss"),
    (None, "chat.example", "wss"),
    ("https://chat.example", "unlisted.example", "wss"),  # a host outside ALLOWED_HOSTS
    ("https://chat.example:99999", "chat.example", "wss"),
])
def test_any_other_origin_is_refused(origin, host, scheme):
    assert not allowed(scope(origin, host, scheme))


def test_behind_a_proxy_that_ends_tls_the_page_is_https(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forwarded = scope("https://chat.example", "chat.example", scheme="ws")
    forwarded["headers"].append((b"x-forwarded-proto", b"https"))

    assert allowed(forwarded)
    assert not allowed(scope("https://chat.example", "chat.example", scheme="ws"))  # the header is missing
