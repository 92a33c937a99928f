"""Logging for every process: Django's, Celery's, Daphne's and emochat's own lines through one handler, as one JSON
object per line (EMOCHAT_LOG_FORMAT=json, production's default) or as readable text (`plain`).

Both formats are structlog's ProcessorFormatter on the standard library's logging, so a line written with
`logging.getLogger(__name__)` and one written with `structlog.get_logger(__name__)` come out alike, with the same
fields: `timestamp` (UTC), `level`, `logger`, `event`, the ids bound with emochat/observability/context.py, the
key-value pairs a structlog call passed, and `exception` (the traceback, as text). Secrets are redacted twice:
by emochat.redaction.RedactSecrets on the handler (the message and the traceback of each record) and by `Redact`
here (every field of the line, the traceback included, and any field named like `text` or `password` whole).

structlog's own loggers hand their events to the standard library (`_to_stdlib`), carrying their fields on the
record, so the redaction filter only ever sees plain records and every line passes through the same chain.
"""

from __future__ import annotations

import logging
import logging.config
from collections.abc import MutableMapping
from datetime import datetime, timezone
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from emochat import redaction

FORMATS = ("json", "plain")
# Fields whose values are dropped whole, whatever they hold: a frame's or a note's words, credentials.
SENSITIVE_KEYS = frozenset({"text", "body", "password", "passphrase", "token", "secret", "api_key", "authorization",
                            "cookie", "cookies", "request"})
# The record attribute that carries a structlog call's fields to the formatter.
FIELDS_ATTR = "emochat_fields"
# `extra=` values of standard-library calls that become fields (Django's request log passes `status_code`).
STDLIB_EXTRAS = ("status_code", "conversation_id", "message_id", "task", "task_id")
_NESTING = 4
# The fields every line starts with, in this order; the rest follow as they came.
FIRST_FIELDS = ("timestamp", "level", "logger", "event", "conversation_id", "message_id", "task", "task_id")


class Redact:
    """A structlog processor: every string in the event redacted as emochat.redaction does for messages, and
    the values of SENSITIVE_KEYS dropped. Values that are not plain data are logged as their redacted `str()`."""

    def __init__(self) -> None:
        self._secrets: list[str] | None = None

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        if self._secrets is None:
            self._secrets = redaction._secrets()
        return {key: self._clean(key, value, 0) for key, value in event_dict.items()}

    def _clean(self, key: str, value: Any, depth: int) -> Any:
        if key.lower() in SENSITIVE_KEYS:
            return redaction.REDACTED
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, dict) and depth < _NESTING:
            return {str(k): self._clean(str(k), v, depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)) and depth < _NESTING:
            return [self._clean("", item, depth + 1) for item in value]
        return redaction.redact(value if isinstance(value, str) else str(value), self._secrets or [])


def _timestamp(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """When the record was made (not when it was formatted), in UTC, to the millisecond."""
    record = event_dict.get("_record")
    created = datetime.fromtimestamp(record.created, tz=timezone.utc) if record else datetime.now(timezone.utc)
    event_dict["timestamp"] = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return event_dict


def _ordered(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    first = {key: event_dict[key] for key in FIRST_FIELDS if key in event_dict}
    return {**first, **{key: value for key, value in event_dict.items() if key not in first}}


def _record_fields(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """The fields a structlog call passed, carried on the record by `_to_stdlib`."""
    fields = getattr(event_dict.get("_record"), FIELDS_ATTR, None)
    if isinstance(fields, MutableMapping):
        for key, value in fields.items():
            event_dict.setdefault(key, value)
    return event_dict


def _to_stdlib(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> dict[str, Any]:
    """structlog's last processor: the keyword arguments of the standard-library call that writes the line."""
    kwargs: dict[str, Any] = {"msg": str(event_dict.pop("event", ""))}
    for key in ("exc_info", "stack_info"):
        if key in event_dict:
            kwargs[key] = event_dict.pop(key)
    kwargs["extra"] = {FIELDS_ATTR: event_dict}
    return kwargs


def _pre_chain() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        _timestamp,
        structlog.stdlib.ExtraAdder(allow=STDLIB_EXTRAS),
        _record_fields,
    ]


def formatter(log_format: str = "json") -> logging.Formatter:
    """The handler's formatter (named in LOGGING by this dotted path, with `log_format`)."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {FORMATS}")
    renderer: Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_pre_chain(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            Redact(),
            _ordered,
            renderer,
        ],
    )


def logging_config(*, log_format: str, level: str) -> dict:
    """settings.LOGGING: one console handler (stderr) that redacts, formats as `log_format`, for every logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {"()": "emochat.observability.logs.formatter", "log_format": log_format},
        },
        "filters": {
            "redact": {"()": "emochat.redaction.RedactSecrets"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured", "filters": ["redact"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # Daphne's access log names paths only; WebSocket frames (message text) are never logged.
            "daphne": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # HTTP clients log each request's URL at INFO; a webhook URL is itself a secret (Slack's are).
            "httpx2": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},
        },
    }


def configure(config: dict) -> None:
    """settings.LOGGING_CONFIG, called by django.setup() (and by Celery's setup_logging signal): apply LOGGING,
    and send structlog's loggers through it."""
    logging.config.dictConfig(config)
    # Warnings (Celery's about running as root, deprecations) become log lines too, not bare text on stderr.
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            _to_stdlib,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
