"""A local OpenAI-compatible chat-completions server for the tests and the benchmarks: it streams scripted
replies as server-sent events, word by word, and can be told to fail, hang, or break off mid-stream."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_REPLY = "That sounds like a lot to hold. What has been the hardest part of it for you?"


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.requests: list[dict] = []  # {"body": ..., "authorization": ...} per request received
        self.fail_next = 0  # answer this many requests with 503 before streaming again
        self.hang_s = 0.0  # wait this long before answering
        self.break_after: int | None = None  # drop the connection after this many chunks
        self.chunk_delay_s = 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "body": body,
                                      "authorization": self.headers.get("Authorization")})
                if fake.hang_s:
                    time.sleep(fake.hang_s)
                if fake.fail_next:
                    fake.fail_next -= 1
                    self._json(503, {"error": {"message": "overloaded", "type": "server_error"}})
                    return
                if self.path != "/v1/chat/completions" or not body.get("stream"):
                    self._json(400, {"error": {"message": "this fake only streams chat completions"}})
                    return
                reply = fake.replies.popleft() if fake.replies else DEFAULT_REPLY
                self._stream(body["model"], re.findall(r"\S+\s*", reply))

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, model: str, words: list[str]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                for index, word in enumerate(words):
                    if fake.break_after is not None and index >= fake.break_after:
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    self._event(model, {"content": word} if index else {"role": "assistant", "content": word}, None)
                    if fake.chunk_delay_s:
                        time.sleep(fake.chunk_delay_s)
                self._event(model, {}, "stop")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, model: str, delta: dict, finish: str | None) -> None:
                chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                         "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

        return Handler
