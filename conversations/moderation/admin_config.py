"""Django admin with emochat's own default site (two-factor sign-in for staff, conversations/moderation/two_factor.py).

Kept apart from the site itself: INSTALLED_APPS imports this module before any model is loaded, and the site's
module imports django-otp's models.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "conversations.moderation.two_factor.StaffAdminSite"
