"""The one place emochat reads its environment.

Every setting comes from an environment variable (or a `.env` file beside manage.py, which never overrides
the real environment). Readers here fail fast: a malformed value raises ImproperlyConfigured naming the
variable, so a typo stops the process at start-up instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.is_file():
    environ.Env.read_env(_env_file, overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def required(name: str, *, why: str) -> str:
    value = string(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} is not set: {why}")
    return value


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = string(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}.")
    return number


def csv(name: str, default: list[str]) -> list[str]:
    value = string(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def networks(name: str, default: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or CIDR ranges, e.g. `10.0.0.0/8,::1`; `none` for no address at all."""
    value = string(name)
    if value is not None and value.strip().lower() == "none":
        return []
    try:
        return [ipaddress.ip_network(item, strict=False) for item in csv(name, default)]
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be IP addresses or CIDR ranges, separated by commas.") from None


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = string(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of: {', '.join(choices)}.")
    return value


def database(name: str, default: str) -> dict:
    url = string(name, default)
    try:
        config = _env.db_url_config(url)
    except Exception:
        # The URL may carry a password: name the variable, never echo the value.
        raise ImproperlyConfigured(f"{name} is not a database URL django-environ understands.") from None
    if config.get("ENGINE") not in set(_env.DB_SCHEMES.values()):
        raise ImproperlyConfigured(f"{name} names an unsupported database scheme.")
    return config


def email(name: str, default: str) -> dict:
    """Django's EMAIL_* settings from a URL: smtp://user:pass@host:587, smtp+tls://…, smtp+ssl://…,
    consolemail://, dummymail://."""
    url = string(name, default)
    try:
        config = _env.email_url_config(url)
    except Exception:
        raise ImproperlyConfigured(f"{name} is not an email URL django-environ understands.") from None
    return config


def seconds_by_level(name: str, default: dict[str, int], levels: tuple[str, ...]) -> dict[str, int]:
    """`level=seconds,…`, e.g. `imminent=120,behavior=300`; levels not given keep their default."""
    value = string(name)
    if value is None:
        return dict(default)
    parsed = dict(default)
    for item in value.split(","):
        level, _, seconds = item.strip().partition("=")
        if level not in levels or not seconds.strip().isdigit() or int(seconds) < 1:
            raise ImproperlyConfigured(f"{name} must be level=seconds pairs, levels among {', '.join(levels)}.")
        parsed[level] = int(seconds)
    return parsed
