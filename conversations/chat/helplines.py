"""Helplines by country (chat/data/helplines.toml), and which country a person is in.

The country is the person's own choice when they made one (the page sends it), else the region of their
browser's language, else the international fallback. Nothing here looks up an IP address: emochat does not
locate people.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from conversations.languages import accept_language_tags
from inference.types import risk_rank

DATA = Path(__file__).resolve().parent / "data" / "helplines.toml"
FALLBACK = "INTL"
# The emergency number's name where the directory gives none (in the person's language).
EMERGENCY = _("Emergency services")
# A language with no region says little about where someone is, except for these.
LANGUAGE_COUNTRY = {"de": "DE", "fr": "FR", "es": "ES", "zh": "CN", "ga": "IE", "hi": "IN"}
LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?", re.IGNORECASE)


@dataclass(frozen=True)
class Resource:
    name: str
    country: str
    phone: str | None = None
    sms: str | None = None
    sms_body: str | None = None
    url: str | None = None
    hours: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    helplines: tuple[Resource, ...]
    # How the emergency number is named where the country alone does not say which one it is.
    emergency_name: str = EMERGENCY


@lru_cache(maxsize=1)
def directory() -> dict[str, Country]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return {
        code: Country(code=code, name=entry["name"], emergency=entry["emergency"],
                      emergency_name=entry.get("emergency_name", EMERGENCY),
                      helplines=tuple(Resource(country=code, **line) for line in entry["helpline"]))
        for code, entry in data.items()
    }


def countries() -> list[dict]:
    """Every country with helplines, by name, the fallback last: what the page's selector offers."""
    listed = sorted((c for c in directory().values() if c.code != FALLBACK), key=lambda c: c.name)
    return [{"code": c.code, "name": c.name} for c in [*listed, directory()[FALLBACK]]]


def country_code(choice: str | None, accept_language: str | None = None) -> str:
    """The country whose helplines to show: the person's choice when it is one we have, else the first
    language of the browser that names (or implies) one, else the fallback."""
    known = directory()
    if choice and choice.upper() in known:
        return choice.upper()
    for tag in accept_language_tags(accept_language or ""):
        match = LANGUAGE_TAG.match(tag)
        if not match:
            continue
        language, script, region = (part.lower() if part else None for part in match.groups())
        if region and region.upper() in known:
            return region.upper()
        if language == "zh" and script == "hant":
            return "TW"
        if not region and language in LANGUAGE_COUNTRY:
            return LANGUAGE_COUNTRY[language]
    return FALLBACK


def resources(code: str, *, level: str = "none") -> list[dict]:
    """The helplines of a country, with its emergency number: last as a rule, first when someone's life may
    be in danger now."""
    country = directory().get(code) or directory()[FALLBACK]
    found = [line.as_dict() for line in country.helplines]
    if country.emergency:
        emergency = Resource(name=str(country.emergency_name), country=country.code, phone=country.emergency,
                             hours="24/7").as_dict()
        found = [emergency, *found] if risk_rank(level) >= risk_rank("imminent") else [*found, emergency]
    return found
