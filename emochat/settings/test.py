"""The test suite: real PostgreSQL and Redis on localhost (see tests/conftest.py for the checks)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/emochat")
os.environ.setdefault("EMOCHAT_KEYS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/emochat_keys")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("EMOCHAT_CHANNEL_PREFIX", "emochat-test")
# The chat's own tests time their streams on the deterministic fake; tests/inference run every real backend.
os.environ.setdefault("EMOCHAT_REPLY_BACKEND", "fake")
# Connections closed after each request, so no test leaves one open on the test database it then drops.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
# Every test client comes from 127.0.0.1: per-address limits are tested on their own (tests/conversations/chat/
# test_admission.py), not by the suite's hundreds of connects a minute.
for _name in ("SESSIONS_PER_HOUR", "CONSENTS_PER_HOUR", "CONNECTS_PER_MINUTE"):
    os.environ.setdefault(f"EMOCHAT_{_name}_PER_ADDRESS", "1000000")

from .local import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The pseudo-locale "en-xa" (tests/pseudo_locale.py): the suite writes its catalogue here before any server
# starts, and renders pages in it to find text that skipped the translations.
LANGUAGES = [*LANGUAGES, ("en-xa", "Pseudo-English")]  # noqa: F405
LOCALE_PATHS = [*LOCALE_PATHS, BASE_DIR / ".data" / "pseudo-locale"]  # noqa: F405
