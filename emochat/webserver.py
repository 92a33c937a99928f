"""The web process: Daphne, stopped gracefully. `python -m emochat.webserver` takes every option of `daphne`.

Daphne alone answers SIGTERM by cancelling every application instance at once and then dropping every TCP
connection: the page sees an abnormal closure (1006, no close frame), and no consumer runs its `disconnect`, so the
person's socket stays counted (admission.py) and its group membership lingers until it expires. This server stops
in three steps instead, on SIGTERM and SIGINT alike:

1. it stops taking connections (the port is free for the process that replaces it);
2. it closes every open WebSocket with 1012 "service restart": the page reconnects, to another replica or to this
   one restarted, and resumes from its watermark; the consumer receives `websocket.disconnect` as on any close;
3. it gives every application instance — consumers running their `disconnect`, HTTP requests in flight — up to
   `--application-close-timeout` seconds to finish, then cancels whatever is left, as Daphne would have at once.

The server, not the consumer, sends the close frame: an ASGI application may close with 1000 or 3000–4999 only
(autobahn refuses anything else), and no application learns that its server is stopping (Daphne implements no
ASGI lifespan). A socket the application accepts while the server is stopping is closed the same way.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time

# daphne.server installs Twisted's asyncio reactor, which must happen before anything imports the reactor.
from daphne import cli, server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import defer, reactor, task

logger = logging.getLogger("emochat.webserver")  # also when run as __main__

# RFC 6455 §7.4.2, IANA's registry: the service is restarting; the client may reconnect.
CLOSE_SERVICE_RESTART = 1012
POLL_S = 0.1


class Server(server.Server):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ports: list = []

    def listen_success(self, port) -> None:
        self.ports.append(port)
        super().listen_success(port)

    def kill_all_applications(self) -> defer.Deferred:
        """Run by the reactor before it shuts down; the reactor keeps serving until the Deferred fires."""
        # In a context of its own: the reactor's may hold ids bound to log lines by whatever it ran last.
        return contextvars.Context().run(defer.ensureDeferred, self._stop())

    async def _stop(self) -> None:
        started = time.monotonic()
        await defer.gatherResults([defer.maybeDeferred(port.stopListening) for port in self.ports])
        deadline = started + self.application_close_timeout
        closed = 0
        while True:
            closed += self._close_open_sockets()
            running = self._running()
            if not running or time.monotonic() >= deadline:
                break
            await task.deferLater(reactor, POLL_S)
        for instance in running:
            instance.cancel()
        if running:
            await defer.Deferred.fromFuture(asyncio.gather(*running, return_exceptions=True))
        # What the last of them wrote is still in Twisted's buffers: one more turn of the loop sends it before
        # the reactor drops every connection.
        await task.deferLater(reactor, POLL_S)
        logger.info("web server stopped: %d sockets closed with %d, %d applications cancelled after %ds, in %.1fs",
                    closed, CLOSE_SERVICE_RESTART, len(running), self.application_close_timeout,
                    time.monotonic() - started)

    def _close_open_sockets(self) -> int:
        sockets = [protocol for protocol in list(self.connections)
                   if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN]
        for protocol in sockets:
            # sendClose() would refuse the code (applications may not send it); the frame itself allows it.
            protocol.sendCloseFrame(code=CLOSE_SERVICE_RESTART, reasonUtf8=b"service restart", isReply=False)
        return len(sockets)

    def _running(self) -> list[asyncio.Future]:
        instances = (details.get("application_instance") for details in list(self.connections.values()))
        return [instance for instance in instances if instance is not None and not instance.done()]


class CommandLineInterface(cli.CommandLineInterface):
    server_class = Server


if __name__ == "__main__":
    CommandLineInterface.entrypoint()
