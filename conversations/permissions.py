"""Permission and group names: who may work the moderation queue, lead it, and read transcripts.

The codenames are declared on the models (Conversation, Case) and the groups are created by migration 0004;
everything else names them through here.
"""

from __future__ import annotations

READ_TRANSCRIPT = "conversations.read_transcript"
WORK_CASE = "conversations.work_case"
LEAD_CASE = "conversations.lead_case"

MODERATORS = "Moderators"
MODERATION_LEADS = "Moderation leads"
# Joining either makes a user staff (conversations/moderation/team.py): a member who could not enter the admin
# could not work the queue at all.
MODERATION_GROUPS = (MODERATORS, MODERATION_LEADS)


def reader_role(user) -> str:
    """How a reader is named to the person whose conversation they read."""
    groups = set(user.groups.values_list("name", flat=True))
    if MODERATION_LEADS in groups:
        return "moderation lead"
    if MODERATORS in groups:
        return "moderator"
    return "administrator" if user.is_superuser else "staff"


def works_cases(user) -> bool:
    """Whether `user` may hold the moderators' socket: what the admin asks of the queue's pages (active, staff,
    the permission), so access withdrawn in any of these three ways ends both."""
    return (user is not None and user.is_authenticated and user.is_active and user.is_staff
            and user.has_perm(WORK_CASE))
