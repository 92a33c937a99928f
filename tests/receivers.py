"""Local stand-ins for the receivers at the edge of the world: a webhook endpoint and an SMTP server. Real
servers on loopback, so emochat's own HTTP and SMTP clients run for real."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.processes import free_port


class WebhookReceiver:
    """Records each POST (headers and raw body); answers 500 to the next `fail_next` requests."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail_next = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/emochat"

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["status"] == 200]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 200
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    status = 500
                receiver.requests.append({"headers": dict(self.headers), "body": body, "json": json.loads(body),
                                          "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        return Handler


class SMTPReceiver:
    """An SMTP server that keeps every message it is given."""

    def __init__(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd narrates every session at INFO
        self.messages: list[dict] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPReceiver:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append({"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"
