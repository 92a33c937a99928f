"""The person's interface language, for the parts of emochat that are not a page Django renders: the chat's
socket records it on the conversations it starts, and a reply to a message with no language of its own ("ok",
"😢", "123") is written in it (inference.dialogue.language)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

# The languages replies are written in, by the interface language that chooses them.
REPLY_LANGUAGE = {"en": "en", "zh-hans": "zh"}


def accept_language_tags(header: str) -> list[str]:
    """Accept-Language tags, most preferred first."""
    weighted = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*":
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def interface_language(choice: str | None, accept_language: str | None) -> str:
    """The page's language as LocaleMiddleware picks it: the switch's choice (its cookie), else the first of the
    browser's languages emochat speaks, else English."""
    for tag in [choice or "", *accept_language_tags(accept_language or "")]:
        try:
            supported = translation.get_supported_language_variant(tag.lower())
        except LookupError:
            continue
        if supported in REPLY_LANGUAGE:
            return supported
    return settings.LANGUAGE_CODE


def reply_language(choice: str | None, accept_language: str | None) -> str:
    """"en" or "zh": the language a reply to a message with no language of its own is written in."""
    return REPLY_LANGUAGE[interface_language(choice, accept_language)]
