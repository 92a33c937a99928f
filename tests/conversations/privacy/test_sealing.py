"""Where a sealed value may live: every sealed column is listed once, each value is bound to its table and
column by name, and values sealed before the code moved between modules read exactly as before."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import models

from conversations.chat import selectors, services
from conversations.identity import Owner, subject_for, subject_of_conversation
from conversations.models import CaseNote, Dialogue, Message, ReplyFeedback, TranscriptAccess
from conversations.privacy import crypto, keys, notice, sealing
from conversations.privacy import services as privacy

# What every stored value's associated data says. Changing any of these makes every value in that column
# unreadable: a table name comes from the app label and the model, never from the module a model lives in.
BOUND_TO = {
    (Message, "text_encrypted"): "emochat:conversations_message:text_encrypted:",
    (TranscriptAccess, "reason_encrypted"): "emochat:conversations_transcriptaccess:reason_encrypted:",
    (CaseNote, "text_encrypted"): "emochat:conversations_casenote:text_encrypted:",
    (Dialogue, "state_encrypted"): "emochat:conversations_dialogue:state_encrypted:",
    (ReplyFeedback, "reason_encrypted"): "emochat:conversations_replyfeedback:reason_encrypted:",
}


def test_the_sealed_columns_are_the_app_s_encrypted_columns_and_each_is_listed_once():
    encrypted = {(model, field.name) for model in apps.get_app_config("conversations").get_models()
                 for field in model._meta.get_fields()
                 if isinstance(field, models.BinaryField) and field.name.endswith("_encrypted")}
    listed = [(sealed.model, sealed.column) for sealed in sealing.SEALED_COLUMNS]

    assert sorted(listed, key=str) == sorted(set(listed), key=str)
    assert set(listed) == encrypted == set(BOUND_TO)


@pytest.mark.parametrize(("model", "column"), list(BOUND_TO))
def test_a_value_is_bound_to_its_table_column_and_row_by_name(model, column):
    row_id = uuid.UUID("0b9c5a4e-3f5d-4c61-9d0a-6a51f3f4f1a2")

    assert sealing.associated_data(model, column, row_id) == f"{BOUND_TO[model, column]}{row_id}".encode()


def test_sealing_a_column_that_is_not_listed_is_refused():
    with pytest.raises(LookupError, match="not a sealed column"):
        sealing.seal("words", model=Message, column="emotion", row_id=uuid.uuid4(), subject="visitor:x")


@pytest.mark.django_db(transaction=True)
def test_values_sealed_by_the_code_before_it_moved_still_read(settings):
    """Rows as the flat `conversations` modules wrote them: the associated data spelled out by hand, as
    `crypto.associated_data(model._meta.db_table, …)` produced it then."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    owner = Owner(visitor_id=uuid.uuid4())
    privacy.consent_give(owner=owner, version=notice.VERSION, purposes=["support"])
    conversation = services.conversation_open(owner=owner)
    message = Message.objects.create(id=uuid.uuid4(), conversation=conversation, seq=1, role="user",
                                     text_encrypted=b"", data_key_id=None)
    key = keys.active_key(subject_of_conversation(conversation.id))
    written_then = crypto.encrypt_text("written before the move", key=key,
                                       aad=f"{BOUND_TO[Message, 'text_encrypted']}{message.id}".encode())
    Message.objects.filter(pk=message.pk).update(text_encrypted=written_then, data_key_id=key.id)
    access_id = uuid.uuid4()
    reason_then = crypto.encrypt_text("checking on the person", key=key,
                                      aad=f"{BOUND_TO[TranscriptAccess, 'reason_encrypted']}{access_id}".encode())
    TranscriptAccess.objects.create(id=access_id, conversation_id=conversation.id, subject=subject_for(owner),
                                    role="moderator", reason_encrypted=reason_then, data_key_id=key.id)

    assert selectors.message_text(Message.objects.get(pk=message.pk)) == "written before the move"
    assert sealing.unsealed(TranscriptAccess, "reason_encrypted", access_id,
                            TranscriptAccess.objects.get(pk=access_id).reason_encrypted) == "checking on the person"
