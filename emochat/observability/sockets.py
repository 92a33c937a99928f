"""WebSocket connections counted where they enter: an ASGI middleware around the WebSocket router (emochat/asgi.py).

It reads only the ASGI events' types and close codes, never a frame's text. Per socket (`chat`, `moderation`, from
the path): how many are open, how each accepted one ended (its close code, and whether emochat, the client, or
an error ended it), and how many were closed before being accepted (an origin refused).
"""

from __future__ import annotations

from typing import Any

from emochat.observability import metrics


def socket_kind(path: str) -> str:
    """`/ws/chat/` → `chat`; a path of another shape → `other`."""
    parts = [part for part in path.split("/") if part]
    return parts[1] if len(parts) >= 2 and parts[0] == "ws" and parts[1] in metrics.SOCKETS else metrics.OTHER


class SocketMetrics:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        kind = socket_kind(scope.get("path", ""))
        state = {"accepted": False, "ended": False}

        def end(code: object, by: str) -> None:
            if state["ended"]:
                return
            state["ended"] = True
            if state["accepted"]:
                metrics.socket_closed(kind, code=code, by=by)
            else:
                metrics.socket_denied(kind)

        async def receiving() -> dict:
            message = await receive()
            if message["type"] == "websocket.disconnect" and state["accepted"]:
                end(message.get("code", 1005), "client")
            return message

        async def sending(message: dict) -> None:
            if message["type"] == "websocket.accept" and not state["accepted"] and not state["ended"]:
                state["accepted"] = True
                metrics.socket_opened(kind)
            elif message["type"] == "websocket.close":
                end(message.get("code", 1000), "server")
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            if state["accepted"]:
                end(None, "error")  # ended with neither side closing (an exception): counted once, as an error
                metrics.socket_gone(kind)
