"""Field-encryption keys. Parsed and validated by conversations/crypto.py, the only module that uses them."""

from emochat import env

# A public key for local development only; production.py refuses to start with it.
# Format: comma-separated `<key id>:<urlsafe base64 of 32 bytes>`; the first key encrypts, all decrypt.
INSECURE_DEV_ENCRYPTION_KEYS = "dev:ZW1vY2hhdC1pbnNlY3VyZS1kZXZlbG9wbWVudC1rZXk="

EMOCHAT_ENCRYPTION_KEYS = env.string("EMOCHAT_ENCRYPTION_KEYS")
