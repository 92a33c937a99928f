"""Settings shared by every environment. Environment-specific modules star-import this one."""

from emochat import env

BASE_DIR = env.BASE_DIR
DATA_DIR = BASE_DIR / ".data"

SECRET_KEY = env.string("DJANGO_SECRET_KEY")
DEBUG = env.flag("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.csv("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.csv("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "conversations.moderation.admin_config.StaffAdminConfig",  # django.contrib.admin, two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "emochat",
    "conversations",
    "inference",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: the person's choice, else the browser's
    "emochat.timezones.StaffTimeZoneMiddleware",  # times on the admin's pages in the moderator's own zone
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # whether the session was signed in with a code
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login (emochat/settings/security.py)
]

ROOT_URLCONF = "emochat.urls"
ASGI_APPLICATION = "emochat.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Without DATABASE_URL emochat runs on an SQLite file, so `make run` needs no database server.
# Data keys live in a database of their own, so a backup of the conversations never carries the keys that
# open them and erasing a person (destroying their key) reaches old backups too (docs/privacy.md).
DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'emochat.sqlite3'}"),
    "keys": env.database("EMOCHAT_KEYS_DATABASE_URL", f"sqlite:///{DATA_DIR / 'keys.sqlite3'}"),
}
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        # Kept open between requests (a fresh connection costs more than most of emochat's queries), checked
        # before reuse.
        _db["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 300, minimum=0)
        _db["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["conversations.privacy.routers.KeysRouter"]
# Threads a web process gives its sockets' database work (conversations/database.py), each with a connection.
EMOCHAT_DATABASE_THREADS = env.integer("EMOCHAT_DATABASE_THREADS", 8, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The optional account's pages (conversations/accounts/); staff sign in through the admin's own page.
LOGIN_URL = "conversations:login"

LANGUAGE_CODE = "en"
# The page, the notice, the account pages, e-mails and the admin, in each of these (locale/, `make messages`).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switch on the page remembers the choice for a year; it is the only thing the cookie holds.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The page's compiled bundle (`make frontend`) is served from here by WhiteNoise.
STATICFILES_DIRS = [("app", BASE_DIR / "frontend" / "dist")]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The session ends when the browser closes, by default: a person on a shared or watched device leaves nothing
# that reopens their conversation. EMOCHAT_SESSION_REMEMBER_DAYS > 0 keeps it that many days instead. Either way
# the server forgets a session after 30 days at most.
EMOCHAT_SESSION_REMEMBER_DAYS = env.integer("EMOCHAT_SESSION_REMEMBER_DAYS", 0, minimum=0)
SESSION_EXPIRE_AT_BROWSER_CLOSE = EMOCHAT_SESSION_REMEMBER_DAYS == 0
SESSION_COOKIE_AGE = 60 * 60 * 24 * (EMOCHAT_SESSION_REMEMBER_DAYS or 30)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Where "Quick exit" (and Esc pressed twice) takes someone who must leave the chat at once: a neutral page.
EMOCHAT_QUICK_EXIT_URL = env.string("EMOCHAT_QUICK_EXIT_URL", "https://www.google.com/")

# Messages one person may send per minute; the next is refused with `rate_limited` and not stored.
EMOCHAT_RATE_LIMIT_PER_MINUTE = env.integer("EMOCHAT_RATE_LIMIT_PER_MINUTE", 20, minimum=1)
# New conversations one person may start in an hour ("New conversation"; each is a row kept for retention).
EMOCHAT_CONVERSATIONS_PER_HOUR = env.integer("EMOCHAT_CONVERSATIONS_PER_HOUR", 20, minimum=1)
# Per network address (an IPv6 /64): new sessions and consents an hour, socket connects a minute. Many people can
# share one address (a campus, a carrier's NAT): raise these behind large ones (conversations/admission.py).
EMOCHAT_SESSIONS_PER_HOUR_PER_ADDRESS = env.integer("EMOCHAT_SESSIONS_PER_HOUR_PER_ADDRESS", 120, minimum=1)
EMOCHAT_CONSENTS_PER_HOUR_PER_ADDRESS = env.integer("EMOCHAT_CONSENTS_PER_HOUR_PER_ADDRESS", 120, minimum=1)
EMOCHAT_CONNECTS_PER_MINUTE_PER_ADDRESS = env.integer("EMOCHAT_CONNECTS_PER_MINUTE_PER_ADDRESS", 60, minimum=1)
# message.send frames one socket may send a minute (each is also counted against the person's limit above).
EMOCHAT_SOCKET_MESSAGES_PER_MINUTE = env.integer("EMOCHAT_SOCKET_MESSAGES_PER_MINUTE", 30, minimum=1)
# Sockets one person may hold open (tabs, devices); the newest gets in and the oldest is closed.
EMOCHAT_SOCKETS_PER_PERSON = env.integer("EMOCHAT_SOCKETS_PER_PERSON", 5, minimum=1)

from .celery import *  # noqa: E402,F401,F403
from .channels import *  # noqa: E402,F401,F403
from .crypto import *  # noqa: E402,F401,F403
from .inference import *  # noqa: E402,F401,F403
from .moderation import *  # noqa: E402,F401,F403
from .observability import *  # noqa: E402,F401,F403
from .security import *  # noqa: E402,F401,F403
