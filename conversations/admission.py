"""Who may come in, and how many at once: limits per network address, and messages and open sockets per person.

- Per address (the `limits` library's moving windows, in Redis so every web process counts together): new
  sessions (a session is a fresh allowance of messages), consents, and socket connects. An IPv6 address counts
  with its /64, which one household or phone holds whole. The limits are generous, because many people can share
  one address (a campus, a mobile carrier's NAT); operators behind larger ones raise them (README, Configuration).
- Per person: at most EMOCHAT_RATE_LIMIT_PER_MINUTE messages in any minute (a moving window in Redis, every
  socket and web process together; a message refused is not counted), and FEEDBACK_PER_MINUTE changes of
  feedback on replies. At most EMOCHAT_SOCKETS_PER_PERSON sockets open at once: the newest always gets in; the
  oldest is told to close (its page says the chat is open elsewhere). A page is never turned away, so a socket
  counted by a process that died blocks nobody: it is simply the first to be "closed".

When Redis is unreachable every limit allows: nobody is turned away from a support chat because a counter is down.
Keys hold keyed hashes of addresses and people, never the addresses or ids themselves.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections import OrderedDict

import redis
from django.conf import settings
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

SESSION_NEW = "session.new"
CONSENT = "consent"
SOCKET_CONNECT = "socket.connect"
MESSAGE = "message"  # counted per person, not per address
FEEDBACK = "feedback"  # feedback on replies, per person
# Far more than anyone marks replies by hand (each change of mind counts), far fewer writes than a script would make.
FEEDBACK_PER_MINUTE = 60
# Sockets are forgotten after a day even if their process never said they closed.
SOCKET_TTL_S = 24 * 60 * 60


def _rates() -> dict:
    return {
        SESSION_NEW: RateLimitItemPerHour(settings.EMOCHAT_SESSIONS_PER_HOUR_PER_ADDRESS),
        CONSENT: RateLimitItemPerHour(settings.EMOCHAT_CONSENTS_PER_HOUR_PER_ADDRESS),
        SOCKET_CONNECT: RateLimitItemPerMinute(settings.EMOCHAT_CONNECTS_PER_MINUTE_PER_ADDRESS),
        MESSAGE: RateLimitItemPerMinute(settings.EMOCHAT_RATE_LIMIT_PER_MINUTE),
        FEEDBACK: RateLimitItemPerMinute(FEEDBACK_PER_MINUTE),
    }


def _digest(value: str) -> str:
    key = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(value.encode(), key=key, digest_size=12).hexdigest()


def _prefix() -> str:
    return f"{settings.EMOCHAT_CHANNEL_PREFIX}:admission"


def network_of(address: str | None) -> str | None:
    """The unit an address is counted by: itself for IPv4, its /64 for IPv6; None when there is none (a Unix
    socket without proxy headers), which is not limited: counted together, everyone would share one allowance."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def address_of_request(request) -> str | None:
    return network_of(request.META.get("REMOTE_ADDR"))


def address_of_scope(scope: dict) -> str | None:
    client = scope.get("client") or (None, None)
    return network_of(client[0])


_limiter_cached: MovingWindowRateLimiter | None = None
_redis: redis.Redis | None = None
_local_sockets: dict[str, OrderedDict[str, float]] = {}


def _limiter() -> MovingWindowRateLimiter:
    global _limiter_cached
    if _limiter_cached is None:
        url = settings.REDIS_URL
        storage: Storage = RedisStorage(url, key_prefix=_prefix(), wrap_exceptions=True, socket_timeout=0.5,
                                        socket_connect_timeout=0.5) if url else MemoryStorage()
        _limiter_cached = MovingWindowRateLimiter(storage)
    return _limiter_cached


def allow(kind: str, address: str | None) -> bool:
    """Count one `kind` from `address`; whether it is within the limit. Sync: call off the event loop."""
    if address is None:
        return True
    return _hit(kind, address)


def message_allow(*, person: str) -> bool:
    """Count one message from `person` (a data subject); whether it is within EMOCHAT_RATE_LIMIT_PER_MINUTE.
    Sync: call off the event loop."""
    return _hit(MESSAGE, person)


def feedback_allow(*, person: str) -> bool:
    """Count one change of feedback on a reply from `person`; whether it is within FEEDBACK_PER_MINUTE. Sync."""
    return _hit(FEEDBACK, person)


def _hit(kind: str, who: str) -> bool:
    try:
        return _limiter().hit(_rates()[kind], kind, _digest(who))
    except StorageError:
        log.warning("admission: the limit store is unreachable; allowing %s", kind)
        return True


def _client() -> redis.Redis | None:
    global _redis
    if _redis is None and settings.REDIS_URL:
        _redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _redis


def socket_open(*, person: str, channel: str) -> list[str]:
    """Count `channel` as one of `person`'s open sockets; the channels over the limit (oldest first), which the
    caller tells to close. Sync: call off the event loop."""
    limit = settings.EMOCHAT_SOCKETS_PER_PERSON
    client = _client()
    if client is None:
        sockets = _local_sockets.setdefault(person, OrderedDict())
        sockets[channel] = time.time()
        over = list(sockets)[: max(0, len(sockets) - limit)]
        for name in over:
            del sockets[name]
        return over
    key = f"{_prefix()}:sockets:{_digest(person)}"
    now = time.time()
    try:
        with client.pipeline() as pipe:
            pipe.zadd(key, {channel: now})
            pipe.zremrangebyscore(key, 0, now - SOCKET_TTL_S)
            pipe.expire(key, SOCKET_TTL_S)
            pipe.zrange(key, 0, -1)
            members = [m.decode() for m in pipe.execute()[-1]]
        over = members[: max(0, len(members) - limit)]
        if over:
            client.zrem(key, *over)
        return over
    except redis.RedisError:
        log.warning("admission: the socket count is unreachable; allowing the socket")
        return []


def socket_closed(*, person: str, channel: str) -> None:
    client = _client()
    if client is None:
        _local_sockets.get(person, {}).pop(channel, None)
        return
    try:
        client.zrem(f"{_prefix()}:sockets:{_digest(person)}", channel)
    except redis.RedisError:
        pass  # the entry expires with its day, or is the first closed when the person opens more


def reset() -> None:
    """Forget the process's stores (settings changed, e.g. in tests)."""
    global _limiter_cached, _redis
    _limiter_cached = _redis = None
    _local_sockets.clear()
