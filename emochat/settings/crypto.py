"""Keys: field encryption (parsed and used only by conversations/crypto.py) and the public development
placeholders that production.py refuses."""

from emochat import env

INSECURE_DEV_SECRET_KEY = "django-insecure-emochat-development-only-never-use-in-production"

# A public key for local development only; production.py refuses to start with it.
# Format: comma-separated `<key id>:<urlsafe base64 of 32 bytes>`; the first key encrypts, all decrypt.
INSECURE_DEV_ENCRYPTION_KEYS = "dev:ZW1vY2hhdC1pbnNlY3VyZS1kZXZlbG9wbWVudC1rZXk="

EMOCHAT_ENCRYPTION_KEYS = env.string("EMOCHAT_ENCRYPTION_KEYS")

# How long a process keeps an unwrapped data key in memory, and how many at most. A key destroyed elsewhere (an
# erased person) seals nothing more anywhere, and leaves other processes' memory within this time; retired keys
# are deleted only after it has passed.
EMOCHAT_DATA_KEY_CACHE_SECONDS = env.integer("EMOCHAT_DATA_KEY_CACHE_SECONDS", 60, minimum=0)
EMOCHAT_DATA_KEY_CACHE_SIZE = env.integer("EMOCHAT_DATA_KEY_CACHE_SIZE", 10_000, minimum=1)

# Messages older than this many days are deleted by the daily retention task.
EMOCHAT_RETENTION_DAYS = env.integer("EMOCHAT_RETENTION_DAYS", 365, minimum=1)
