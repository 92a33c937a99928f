"""Channel layer: Redis when REDIS_URL is set, otherwise in-process (one web process, the embedded default)."""

from emochat import env

from .crypto import INSECURE_DEV_SECRET_KEY

_redis_url = env.string("REDIS_URL")
# Names every key emochat keeps in Redis apart from Celery's: the channel layer's and the admission counters'.
EMOCHAT_CHANNEL_PREFIX = env.string("EMOCHAT_CHANNEL_PREFIX", "emochat")
# Frames carry message text through Redis, so the layer encrypts them (Fernet, in channels-redis). The first
# key encrypts, all decrypt. By default the Django secret key, which production requires to be real.
EMOCHAT_CHANNEL_LAYER_KEYS = env.csv("EMOCHAT_CHANNEL_LAYER_KEYS", []) or [
    env.string("DJANGO_SECRET_KEY", INSECURE_DEV_SECRET_KEY)
]

if _redis_url:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, the same as channels-redis's blocking
                # BZPOPMIN; a quiet socket then fails with TimeoutError. Reads must outlast the 5 s block.
                "hosts": [{"address": _redis_url, "socket_timeout": 30, "socket_connect_timeout": 5}],
                "prefix": EMOCHAT_CHANNEL_PREFIX,
                "symmetric_encryption_keys": EMOCHAT_CHANNEL_LAYER_KEYS,
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
