from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations and moderation")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which the app registry is not ready for above.
        from conversations.moderation import team
        from conversations.privacy import crypto, services

        # Parse the key ring now, so a malformed EMOCHAT_ENCRYPTION_KEYS stops every process at start-up.
        crypto.key_ring()
        # Deleting an account shreds its data keys before the cascade deletes its rows.
        pre_delete.connect(services.user_keys_destroy, sender=settings.AUTH_USER_MODEL,
                           dispatch_uid="conversations.user_keys_destroy")
        # Joining a moderation group makes a user staff; losing access closes their moderation sockets.
        team.signals_connect()
