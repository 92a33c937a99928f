"""Django admin: each domain registers its own pages; admin autodiscovery imports this module."""

from conversations.moderation import admin as moderation_admin
from conversations.privacy import admin as privacy_admin

__all__ = ["moderation_admin", "privacy_admin"]
