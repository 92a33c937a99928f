"""Django admin: each domain registers its own pages; admin autodiscovery imports this module."""

from conversations.chat import admin as chat_admin
from conversations.moderation import admin as moderation_admin
from conversations.privacy import admin as privacy_admin

__all__ = ["chat_admin", "moderation_admin", "privacy_admin"]
