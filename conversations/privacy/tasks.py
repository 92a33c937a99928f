"""Privacy's Celery task: the daily retention sweep. Its name is fixed; beat schedules it by name."""

from __future__ import annotations

import logging

from celery import shared_task

from conversations.privacy import services

logger = logging.getLogger(__name__)


@shared_task(name="conversations.tasks.retention_purge")
def retention_purge() -> dict:
    """Daily: delete what is older than EMOCHAT_RETENTION_DAYS, and retired data keys nothing uses."""
    purged = services.retention_purge()
    logger.info("retention: deleted %d messages, %d conversations, %d mood check-ins, %d retired data keys",
                purged.messages, purged.conversations, purged.checkins, purged.retired_keys)
    return {"messages": purged.messages, "conversations": purged.conversations, "checkins": purged.checkins,
            "retired_keys": purged.retired_keys}
