"""Which pages may open a socket: the same origin as the socket itself (scheme, host and port), or one listed in
DJANGO_CSRF_TRUSTED_ORIGINS, and only on a host in ALLOWED_HOSTS: Django's own rule for forms, applied to the
WebSocket handshake. Channels' AllowedHostsOriginValidator compares host names only, so a page on another port
or over plain http of the same host could open a socket with the person's cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_key(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as "https://chat.example:8443", or None when it is not one."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port


def allowed(scope: dict) -> bool:
    headers = dict(scope.get("headers") or ())
    origin = origin_key(headers.get(b"origin", b"").decode("latin-1"))
    host = headers.get(b"host", b"").decode("latin-1")
    domain, _ = split_domain_port(host)
    if origin is None or not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if _secure(scope, headers) else "http"
    if origin == origin_key(f"{scheme}://{host}"):
        return True
    return origin in {origin_key(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}


def _secure(scope: dict, headers: dict[bytes, bytes]) -> bool:
    """Whether the page reached the socket over TLS: the scope says so, or the proxy that ends TLS does, in the
    header SECURE_PROXY_SSL_HEADER names (Daphne puts no scheme in a WebSocket's scope)."""
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy:
        return False
    header, secure_value = proxy
    name = header.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
    return headers.get(name, b"").decode("latin-1").split(",")[0].strip() == secure_value


class SameOriginValidator:
    """ASGI middleware: a WebSocket handshake from any other origin is refused (HTTP 403)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
