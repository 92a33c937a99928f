"""Channel layer: Redis when REDIS_URL is set, otherwise in-process (one web process, the embedded default)."""

from emochat import env

_redis_url = env.string("REDIS_URL")

if _redis_url:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [_redis_url],
                "prefix": env.string("EMOCHAT_CHANNEL_PREFIX", "emochat"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
