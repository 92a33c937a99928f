"""Local development and `make run`: safe defaults so a fresh clone runs with nothing configured."""

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY
from .crypto import EMOCHAT_ENCRYPTION_KEYS, INSECURE_DEV_ENCRYPTION_KEYS, INSECURE_DEV_SECRET_KEY

SECRET_KEY = SECRET_KEY or INSECURE_DEV_SECRET_KEY
EMOCHAT_ENCRYPTION_KEYS = EMOCHAT_ENCRYPTION_KEYS or INSECURE_DEV_ENCRYPTION_KEYS

# Serve the bundle straight from frontend/dist, so no collectstatic step is needed locally.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
