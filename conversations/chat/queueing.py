"""Asking the workers to read a person's message and answer it, by task name (dispatch.py).

The chat asks when the message is stored, and again for replies that were lost; moderation asks when a moderator
hands the conversation back and the person's last message is still waiting for an answer.
"""

from __future__ import annotations

import uuid

from django.conf import settings

from conversations import dispatch

# Fixed task names (the tasks live in chat/tasks.py; settings route them by these names).
RESPOND_TASK = "conversations.tasks.message_respond"
RISK_ASSESS_TASK = "conversations.tasks.message_risk_assess"


def message_respond_enqueue(message_id: uuid.UUID, *, urgent: bool = False) -> None:
    """Queue the model's risk reading of a message on the priority lane, and its reply; an urgent reply (the
    safety net read some risk) goes on the priority lane too."""
    if not dispatch.in_process():
        # In-process the reply task reads the risk itself first: a second thread would only wait on its row.
        dispatch.enqueue(RISK_ASSESS_TASK, str(message_id), queue=settings.PRIORITY_QUEUE)
    dispatch.enqueue(RESPOND_TASK, str(message_id), queue=settings.PRIORITY_QUEUE if urgent else None)
