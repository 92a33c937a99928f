"""What one chat socket may ask of the server (the `limits` library's moving windows, per socket, in memory).

- Frames: each kind has its own rate, and all frames together one more; a frame over its rate is answered with
  `rate_limited` and not acted on. A socket refused more than FRAMES_REFUSED_BEFORE_CLOSE times in a minute, or
  sent more than OUTPUT_BYTES_PER_MINUTE in one (a page that never reads its socket makes Daphne buffer without
  limit), is closed with CLOSE_TOO_MUCH.
- A replay at a time: a `resume` that arrives while one is being answered is dropped; the one under way sends
  everything the page lacks.
"""

from __future__ import annotations

import time
from collections import deque

from django.conf import settings
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

# Rates per socket. The person's own limit on messages (EMOCHAT_RATE_LIMIT_PER_MINUTE, across all their
# sockets) still applies after these.
FRAME_RATES = {
    "message.send": parse(f"{settings.EMOCHAT_SOCKET_MESSAGES_PER_MINUTE}/minute"),
    "typing": parse("30/10seconds"),
    "resume": parse("6/minute"),
    "conversation.new": parse("6/minute"),
    "conversations.list": parse("12/minute"),
    "conversation.open": parse("6/minute"),
}
ANY_FRAME = parse("120/minute")
FRAMES_REFUSED_BEFORE_CLOSE = 30
OUTPUT_BYTES_PER_MINUTE = 8 * 1024 * 1024

_limiter = MovingWindowRateLimiter(MemoryStorage())


class SocketThrottle:
    """One socket's allowances; `key` names the socket (its channel name)."""

    def __init__(self, key: str):
        self.key = key
        self._refused: deque[float] = deque()  # when frames were refused, the last minute's
        self.replaying = False
        self.closed = False  # closed for asking or being sent too much: nothing more goes out
        self._sent: deque[tuple[float, int]] = deque()
        self._sent_bytes = 0

    def allow(self, kind: str) -> bool:
        """Whether a frame of `kind` may be acted on now; counts it either way."""
        rate = FRAME_RATES.get(kind)
        allowed = _limiter.hit(ANY_FRAME, self.key, "any") and (rate is None or _limiter.hit(rate, self.key, kind))
        if not allowed:
            now = time.monotonic()
            self._refused.append(now)
            while self._refused[0] < now - 60:
                self._refused.popleft()
        return allowed

    @property
    def exhausted(self) -> bool:
        """Refused too often, or sent too much, in the last minute: the socket should be closed."""
        return len(self._refused) > FRAMES_REFUSED_BEFORE_CLOSE or self._sent_bytes > OUTPUT_BYTES_PER_MINUTE

    def sent(self, size: int) -> None:
        now = time.monotonic()
        self._sent.append((now, size))
        self._sent_bytes += size
        while self._sent and self._sent[0][0] < now - 60:
            self._sent_bytes -= self._sent.popleft()[1]

    def forget(self) -> None:
        """The socket closed: drop its windows."""
        for kind in ("any", *FRAME_RATES):
            _limiter.clear(FRAME_RATES.get(kind, ANY_FRAME), self.key, kind)
