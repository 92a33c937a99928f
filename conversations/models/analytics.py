"""The team's analytics page (conversations/analytics/): no table of its own.

Django admin lists pages by model, so the page is the changelist of a proxy of Case with no permissions of its
own: who may see it is decided by the moderation lead permission (analytics/admin.py), and nothing is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from conversations.models.moderation import Case


class Analytics(Case):
    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name, verbose_name_plural = _("analytics"), _("analytics")
