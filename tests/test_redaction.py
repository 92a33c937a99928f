"""Logs never carry keys, tokens or message text (emochat/redaction.py, docs/privacy.md "Logs")."""

from __future__ import annotations

import io
import json
import logging

from django.conf import settings

from emochat.redaction import REDACTED, RedactSecrets


def captured(*records: tuple) -> str:
    """Log through a handler configured as settings.LOGGING configures the console one."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("emochat.test_redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for level, message, args, exc in records:
            if exc is not None:
                try:
                    raise exc
                except Exception:
                    logger.exception(message, *args)
            else:
                logger.log(level, message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_every_console_handler_redacts():
    assert settings.LOGGING["filters"]["redact"]["()"] == "emochat.redaction.RedactSecrets"
    assert all("redact" in handler.get("filters", []) for handler in settings.LOGGING["handlers"].values())


def test_keys_tokens_and_frame_text_are_redacted_from_messages_and_tracebacks():
    master = settings.EMOCHAT_ENCRYPTION_KEYS.split(",")[0].partition(":")[2]
    frame = {"type": "message.send", "client_id": "c1", "text": "I want to disappear, don't tell anyone"}
    output = captured(
        (logging.INFO, "settings loaded with %s", (settings.SECRET_KEY,), None),
        (logging.INFO, "ring %s", (settings.EMOCHAT_ENCRYPTION_KEYS,), None),
        (logging.INFO, "layer %s", (settings.EMOCHAT_CHANNEL_LAYER_KEYS[0],), None),
        (logging.WARNING, "bad frame %r", (frame,), None),
        (logging.WARNING, "raw %s", (json.dumps(frame),), None),
        (logging.WARNING, 'quoted "text": "she said \\"stop\\" twice" end', (), None),
        (logging.INFO, "headers Cookie: sessionid=abcdef123456; csrftoken=zyx987", (), None),
        (logging.INFO, "Authorization: Bearer sk-live.abc123_XYZ", (), None),
        (logging.ERROR, "failed", (), ValueError(f"could not use {master} for {frame}")),
    )

    for secret in [settings.SECRET_KEY, master, settings.EMOCHAT_CHANNEL_LAYER_KEYS[0], "disappear", "stop",
                   "abcdef123456", "zyx987", "sk-live.abc123_XYZ"]:
        assert secret not in output
    assert output.count(REDACTED) >= 9
    assert "client_id" in output and "ValueError" in output  # the rest of each line survives
