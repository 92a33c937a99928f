"""The staff's own time zone for the pages Django renders: the moderators' script (frontend/src/moderation/main.ts)
leaves the browser's zone in a cookie, and every time on the admin's pages is then written in it. A zone the
server does not know, or no cookie, leaves TIME_ZONE (UTC); either way the pages write the zone next to the time."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

COOKIE = "emochat_tz"


def _zone(name: str) -> ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class StaffTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = _zone(request.COOKIES.get(COOKIE, ""))
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
