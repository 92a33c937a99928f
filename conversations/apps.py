from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations and moderation"

    def ready(self) -> None:
        from conversations import crypto

        # Parse the key ring now, so a malformed EMOCHAT_ENCRYPTION_KEYS stops every process at start-up.
        crypto.key_ring()
