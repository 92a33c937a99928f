"""`{{ value|staff_time }}`: every time on the moderators' pages in one format, in their own time zone
(emochat/timezones.py), with the zone written: "30 Nov 03:05 CET". The live page writes the same
(frontend/src/moderation/main.ts)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()

FORMAT = "j M H:i T"


@register.filter
def staff_time(value: datetime | str | None) -> str:
    """`value`: an aware datetime, or one in ISO 8601 (as message payloads carry it)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not value:
        return "—"
    return date_format(timezone.localtime(value), FORMAT)
