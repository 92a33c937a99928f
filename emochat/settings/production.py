"""Production: everything that protects people's data is mandatory, and the process refuses to start without it."""

from django.core.exceptions import ImproperlyConfigured

from emochat import env
from emochat.observability import logs

from .base import *  # noqa: F401,F403
from .base import DATABASES, DEBUG
from .crypto import INSECURE_DEV_ENCRYPTION_KEYS, INSECURE_DEV_SECRET_KEY
from .observability import LOG_LEVEL
from .security import STAFF_TWO_FACTOR_MODES

# Logs go to a collector: one JSON object per line, unless EMOCHAT_LOG_FORMAT asks for plain text.
EMOCHAT_LOG_FORMAT = env.choice("EMOCHAT_LOG_FORMAT", "json", logs.FORMATS)
LOGGING = logs.logging_config(log_format=EMOCHAT_LOG_FORMAT, level=LOG_LEVEL)

SECRET_KEY = env.required("DJANGO_SECRET_KEY", why="production needs its own secret key (50+ random characters).")
if SECRET_KEY == INSECURE_DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is the development default or too short: generate 50+ random characters.")

EMOCHAT_ENCRYPTION_KEYS = env.required(
    "EMOCHAT_ENCRYPTION_KEYS", why="production needs its own field-encryption key ring (see README)."
)
if INSECURE_DEV_ENCRYPTION_KEYS.split(":", 1)[1] in EMOCHAT_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("EMOCHAT_ENCRYPTION_KEYS contains the public development key: generate a new key.")

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production: debug pages can show conversation data.")

env.required("DATABASE_URL", why="production stores conversations in PostgreSQL.")
env.required("EMOCHAT_KEYS_DATABASE_URL",
             why="production keeps data keys in their own PostgreSQL database, backed up apart (docs/privacy.md).")
if [DATABASES["keys"].get(part) for part in ("HOST", "PORT", "NAME")] == [
    DATABASES["default"].get(part) for part in ("HOST", "PORT", "NAME")
]:
    raise ImproperlyConfigured("EMOCHAT_KEYS_DATABASE_URL must name another database than DATABASE_URL: "
                               "a backup of the conversations must not hold the keys that open them.")
env.required("REDIS_URL", why="production needs Redis for the channel layer (and as the broker unless "
                             "CELERY_BROKER_URL names RabbitMQ).")
ALLOWED_HOSTS = env.csv("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is not set: list the host names emochat is served on.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Staff sign in with a code from an authenticator app (conversations/moderation/two_factor.py).
EMOCHAT_STAFF_TWO_FACTOR = env.choice("EMOCHAT_STAFF_TWO_FACTOR", "required", STAFF_TWO_FACTOR_MODES)

# TLS ends at a proxy in front of Daphne, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes from inside the cluster speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.integer("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
