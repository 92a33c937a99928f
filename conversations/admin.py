"""Django admin: each domain registers its own pages; admin autodiscovery imports this module."""

from conversations.analytics import admin as analytics_admin
from conversations.chat import admin as chat_admin
from conversations.moderation import admin as moderation_admin
from conversations.moderation import canned_admin
from conversations.privacy import admin as privacy_admin

__all__ = ["analytics_admin", "canned_admin", "chat_admin", "moderation_admin", "privacy_admin"]
