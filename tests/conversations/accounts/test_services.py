"""An account adopting what a visitor wrote anonymously: conversations, consents, check-ins, the record of staff
reading them and the data keys move together, erasing the account shreds the moved keys, and a failure leaves
both databases as they were."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError

from conversations.accounts import services as accounts
from conversations.chat import selectors, services
from conversations.identity import Owner, subject_for
from conversations.models import Consent, Conversation, DataKey, Message, MoodCheckIn, TranscriptAccess
from conversations.mood import services as mood
from conversations.privacy import keys, sealing
from conversations.privacy import services as privacy
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])

PASSWORD = "a quiet harbour at dusk"


def visitor_with_a_conversation(text: str = "I have not slept in three days") -> tuple[Owner, Conversation]:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    return owner, conversation


def texts(conversation_id) -> list[str | None]:
    return [selectors.message_text(message) for message in Message.objects.filter(conversation_id=conversation_id)
            .order_by("seq")]


def test_signing_up_moves_everything_of_the_visitor_to_the_account(django_user_model, no_workers):
    visitor, conversation = visitor_with_a_conversation()
    mood.checkin_create(owner=visitor, conversation_id=conversation.id, value=2)
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="read_transcript"))
    privacy.transcript_open(staff=django_user_model.objects.get(pk=staff.pk), conversation_id=conversation.id,
                            reason="Checking on a risk reading")
    key_ids = set(DataKey.objects.filter(subject=subject_for(visitor)).values_list("id", flat=True))

    user = accounts.account_create(email=" Sam@Example.org ", password=PASSWORD, visitor=visitor)

    account = Owner(user_id=user.pk)
    assert (user.username, user.email) == ("sam@example.org", "sam@example.org")
    assert user.check_password(PASSWORD)
    moved = Conversation.objects.get(pk=conversation.id)
    assert (moved.user_id, moved.visitor_id, moved.status) == (user.pk, None, "open")
    assert list(selectors.owned_conversations(owner=visitor)) == []
    assert texts(conversation.id) == ["I have not slept in three days"]
    assert Consent.objects.filter(subject=subject_for(account)).count() == 1
    assert MoodCheckIn.objects.get().subject == subject_for(account)
    assert TranscriptAccess.objects.get().subject == subject_for(account)
    assert set(DataKey.objects.filter(subject=subject_for(account)).values_list("id", flat=True)) == key_ids
    assert not DataKey.objects.filter(subject=subject_for(visitor)).exists()
    # The moved key still seals the account's next words; no new key is made for either name.
    services.message_submit(owner=account, conversation_id=conversation.id, client_id=uuid.uuid4(), text="later")
    assert set(DataKey.objects.values_list("id", flat=True)) == key_ids
    assert texts(conversation.id) == ["I have not slept in three days", "later"]


def test_erasing_the_account_after_adopting_shreds_the_moved_keys(no_workers):
    visitor, conversation = visitor_with_a_conversation("written anonymously")
    sealed = Message.objects.get(conversation=conversation)
    user = accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=visitor)
    keys.forget_all()

    erased = privacy.subject_erase(owner=Owner(user_id=user.pk))

    assert erased.keys == 1 and erased.conversations == 1
    assert not DataKey.objects.exists()
    # A copy of the row from before the erasure (a backup) no longer opens.
    assert sealing.unsealed(Message, "text_encrypted", sealed.id, sealed.text_encrypted) is None


def test_logging_in_to_an_account_with_its_own_conversation_keeps_its_key_and_its_open_conversation(no_workers):
    user = accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=None)
    account = Owner(user_id=user.pk)
    consent(account)
    own = services.conversation_open(owner=account)
    services.message_submit(owner=account, conversation_id=own.id, client_id=uuid.uuid4(), text="from my phone")
    account_key = DataKey.objects.get(subject=subject_for(account))
    visitor, anonymous = visitor_with_a_conversation("from a library computer")

    adopted = accounts.visitor_adopt(visitor_id=visitor.visitor_id, user=user)

    assert (adopted.conversations, adopted.keys) == (1, 1)
    assert Conversation.objects.get(pk=own.id).status == "open"
    assert Conversation.objects.get(pk=anonymous.id).status == "closed"
    assert set(selectors.owned_conversations(owner=account).values_list("pk", flat=True)) == {own.id, anonymous.id}
    states = dict(DataKey.objects.filter(subject=subject_for(account)).values_list("id", "state"))
    assert states[account_key.id] == "active" and sorted(states.values()) == ["active", "retired"]
    assert texts(anonymous.id) == ["from a library computer"]
    assert texts(own.id) == ["from my phone"]
    services.message_submit(owner=account, conversation_id=own.id, client_id=uuid.uuid4(), text="again")
    assert Message.objects.get(conversation=own, seq=2).data_key_id == account_key.id


def test_a_failure_in_the_conversations_database_leaves_the_keys_with_the_visitor(django_user_model, no_workers,
                                                                                 monkeypatch):
    visitor, conversation = visitor_with_a_conversation()
    user = django_user_model.objects.create_user("sam@example.org", email="sam@example.org")
    move = privacy.subject_keys_move

    def keys_moved_then_a_constraint_breaks(**kwargs):
        moved = move(**kwargs)
        # A second open conversation for the account: refused by the database after the keys were moved.
        Conversation.objects.create(user=user)
        return moved

    monkeypatch.setattr(privacy, "subject_keys_move", keys_moved_then_a_constraint_breaks)

    with pytest.raises(IntegrityError):
        accounts.visitor_adopt(visitor_id=visitor.visitor_id, user=user)

    assert DataKey.objects.filter(subject=subject_for(visitor)).count() == 1
    assert not DataKey.objects.filter(subject=subject_for(Owner(user_id=user.pk))).exists()
    assert Conversation.objects.get(pk=conversation.id).visitor_id == visitor.visitor_id
    assert Consent.objects.get().subject == subject_for(visitor)
    keys.forget_all()
    assert texts(conversation.id) == ["I have not slept in three days"]


@pytest.mark.parametrize("password, reason", [("short", "too short"), ("password123", "too common"),
                                              ("8237461928", "entirely numeric")])
def test_a_password_the_validators_refuse_creates_no_account(django_user_model, password, reason):
    with pytest.raises(accounts.AccountError, match=reason) as refused:
        accounts.account_create(email="sam@example.org", password=password, visitor=None)

    assert refused.value.field == "password"
    assert not django_user_model.objects.exists()


def test_an_email_that_names_an_account_already_is_refused(django_user_model):
    accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=None)

    with pytest.raises(accounts.AccountError) as refused:
        accounts.account_create(email="SAM@example.org", password=PASSWORD, visitor=None)

    assert refused.value.field == "email"
    assert django_user_model.objects.count() == 1
