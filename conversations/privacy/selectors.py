"""Every privacy read: the person's consent, who read their conversations, and their export (docs/privacy.md)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from conversations.chat import selectors as chat
from conversations.identity import Owner, subject_for
from conversations.models import Consent, TranscriptAccess
from conversations.mood import selectors as mood
from conversations.privacy import notice


def consent_current(*, owner: Owner) -> Consent | None:
    """The owner's consent to the current notice, if given and not withdrawn."""
    return Consent.objects.filter(subject=subject_for(owner), notice_version=notice.VERSION,
                                  withdrawn_at__isnull=True).first()


def consent_allows(*, owner: Owner, purpose: str) -> bool:
    consent = consent_current(owner=owner)
    return consent is not None and purpose in consent.purposes


# Readings of one conversation by one reader this close together are one visit: joining, then "show the
# conversation so far", are two records in the audit but one time someone read it, as the person sees it.
VISIT = timedelta(minutes=30)


def access_records(*, owner: Owner) -> list[dict]:
    """When, and by which role, staff read any of the owner's conversations, one line a visit; newest first.
    `at` is when the visit began, `last_at` its last reading, `times` how many readings it holds."""
    visits: list[dict] = []
    latest: dict[tuple, dict] = {}
    rows = (TranscriptAccess.objects.filter(subject=subject_for(owner)).order_by("at")
            .values_list("at", "role", "reader_id", "conversation_id"))
    for at, role, reader, conversation in rows:
        visit = latest.get((reader, conversation, role))
        if visit is not None and at - visit["last"] <= VISIT:
            visit["last"], visit["times"] = at, visit["times"] + 1
            continue
        latest[(reader, conversation, role)] = visit = {"first": at, "last": at, "role": role, "times": 1}
        visits.append(visit)
    return [{"at": v["first"].isoformat(), "last_at": v["last"].isoformat(), "role": v["role"], "times": v["times"]}
            for v in reversed(visits)]


def privacy_state(*, owner: Owner) -> dict:
    """GET /privacy/ (docs/privacy.md)."""
    consent = consent_current(owner=owner)
    return {
        "notice": notice.as_dict(),
        "consent": None if consent is None else {
            "version": consent.notice_version, "purposes": consent.purposes, "given_at": consent.given_at.isoformat(),
        },
        "access": access_records(owner=owner),
        # Whether the person is signed in, so the panel offers an account or says whose it is; never a prompt.
        "account": _account(owner),
    }


def _account(owner: Owner) -> dict | None:
    if owner.user_id is None:
        return None
    email = get_user_model().objects.filter(pk=owner.user_id).values_list("email", flat=True).first()
    return {"email": email or ""}


def export_for(*, owner: Owner) -> dict:
    """Everything kept about the owner, decrypted, as GET /privacy/export returns it."""
    conversations = []
    for conversation in (chat.owned_conversations(owner=owner).order_by("created_at")
                         .prefetch_related("messages", "messages__feedback")):
        messages = []
        for message in conversation.messages.all():
            text = chat.message_text(message)
            exported = {"seq": message.seq, "role": message.role, "text": text or "",
                        "created_at": message.created_at.isoformat(), "emotion": message.emotion,
                        "unreadable": text is None}
            if message.role == "assistant":
                # What the person said of the reply, their reason opened.
                exported["feedback"] = chat.reply_feedback(message)
            messages.append(exported)
        conversations.append({
            "id": str(conversation.id), "status": conversation.status,
            "created_at": conversation.created_at.isoformat(),
            "closed_at": conversation.closed_at.isoformat() if conversation.closed_at else None,
            "messages": messages,
            # What the assistant keeps of the conversation's course (docs/replies.md); not its fingerprints.
            "dialogue": _dialogue(chat.dialogue_state(conversation_id=conversation.id)),
        })
    consents = [{"version": c.notice_version, "purposes": c.purposes, "given_at": c.given_at.isoformat(),
                 "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None}
                for c in Consent.objects.filter(subject=subject_for(owner))]
    return {"exported_at": timezone.now().isoformat(), "notice_version": notice.VERSION, "consents": consents,
            "conversations": conversations, "checkins": mood.checkins_export(owner=owner),
            "access": access_records(owner=owner)}


def _dialogue(state) -> dict:
    kept = state.as_dict()
    return {key: kept[key] for key in ("language", "phase", "people", "topics", "feelings", "strategies")}


def notice_version() -> str:
    """The version of the privacy notice a person agrees to now."""
    return notice.VERSION
