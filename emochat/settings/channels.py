"""Channel layer: Redis when REDIS_URL is set, otherwise in-process (one web process, the embedded default)."""

from emochat import env

_redis_url = env.string("REDIS_URL")

if _redis_url:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, the same as channels-redis's blocking
                # BZPOPMIN; a quiet socket then fails with TimeoutError. Reads must outlast the 5 s block.
                "hosts": [{"address": _redis_url, "socket_timeout": 30, "socket_connect_timeout": 5}],
                "prefix": env.string("EMOCHAT_CHANNEL_PREFIX", "emochat"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
