"""A logging filter that keeps secrets and people's words out of every log line (docs/privacy.md, "Logs").

Message text is never passed to a logger in the first place; this filter is the second line: it redacts the
configured secrets (the Django secret key, master keys, channel-layer keys, alert webhook and SMTP secrets), session and CSRF cookies, bearer
tokens and any `text` field of a frame, in the formatted message and in the traceback.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    # "text": "..." (JSON) and 'text': '...' (a dict's repr), escaped quotes included.
    re.compile(r"""(?P<key>(["'])text\2\s*:\s*)(?P<q>["'])(?:\\.|(?!(?P=q)).)*(?P=q)"""),
    re.compile(r"(?P<key>\b(?:sessionid|csrftoken|csrfmiddlewaretoken)=)[^;&\s\"']+"),
    re.compile(r"(?P<key>\bBearer\s+)[A-Za-z0-9._~+/=-]+"),
)


def _secrets() -> list[str]:
    from django.conf import settings

    found = [settings.SECRET_KEY, *getattr(settings, "EMOCHAT_CHANNEL_LAYER_KEYS", [])]
    # Alert delivery: the webhook's URL (Slack's carry their token in the path), its signing secret, SMTP's password.
    found += [getattr(settings, name, None)
              for name in ("EMOCHAT_ALERT_WEBHOOK_URL", "EMOCHAT_ALERT_WEBHOOK_SECRET", "EMAIL_HOST_PASSWORD")]
    for entry in (getattr(settings, "EMOCHAT_ENCRYPTION_KEYS", "") or "").split(","):
        found.append(entry.strip().partition(":")[2])
    return sorted({s for s in found if s and len(s) >= 16}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """Attach to a handler: rewrites the record's message (and traceback) before it is formatted."""

    def __init__(self, name: str = ""):
        super().__init__(name)
        self._secrets: list[str] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets is None:
            self._secrets = _secrets()
        message = record.getMessage()
        cleaned = redact(message, self._secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        return True
