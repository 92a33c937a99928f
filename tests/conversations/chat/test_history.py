"""Past conversations: the owner's list (titles from their first words, mood) and going back to one of them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from conversations.chat import events, selectors, services, store
from conversations.identity import Owner
from conversations.models import Conversation, Message
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner() -> Owner:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    return owner


def write(conversation: Conversation, text: str, *, role: str = Message.Role.USER, group: str | None = None,
          minutes_ago: int = 0) -> Message:
    with transaction.atomic():
        message = store.message_insert(message_id=uuid.uuid4(), conversation_id=conversation.id, role=role,
                                       text=text, client_id=uuid.uuid4() if role == Message.Role.USER else None)
    emotion = {"labels": [], "group": group, "sentiment": "neutral"} if group else None
    Message.objects.filter(pk=message.pk).update(emotion=emotion,
                                                 created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return message


def restart(owner: Owner) -> Conversation:
    current = services.conversation_open(owner=owner)
    return services.conversation_restart(owner=owner, conversation_id=current.id)


def open_ids(owner: Owner) -> list[uuid.UUID]:
    return list(selectors.owned_conversations(owner=owner).filter(status="open").values_list("id", flat=True))


def test_the_list_is_newest_first_titled_by_the_first_words_with_count_and_mood(owner):
    first = services.conversation_open(owner=owner)
    write(first, "I could not sleep again last night because of the exam tomorrow", group="fear", minutes_ago=30)
    write(first, "Anyone would be worried.", role=Message.Role.ASSISTANT, minutes_ago=29)
    write(first, "I am scared", group="fear", minutes_ago=28)
    write(first, "but also a bit proud", group="joy", minutes_ago=27)
    second = restart(owner)
    write(second, "  Work   was fine ", group="joy", minutes_ago=5)

    listed = selectors.conversation_list(owner=owner)

    assert [summary.id for summary in listed] == [second.id, first.id]
    assert listed[0].title == "Work was fine" and listed[0].open
    assert listed[1].title == "I could not sleep again last night because…" and not listed[1].open
    assert [summary.message_count for summary in listed] == [1, 4]
    assert [summary.mood for summary in listed] == ["joy", "fear"]
    assert listed[1].last_activity_at == Message.objects.filter(conversation=first).latest("created_at").created_at


def test_a_tie_goes_to_the_latest_group_and_readings_that_are_no_emotion_never_count(owner):
    conversation = services.conversation_open(owner=owner)
    write(conversation, "one", group="sadness")
    write(conversation, "two", group="anger")
    write(conversation, "three", group="not_read")
    write(conversation, "four", group="not_read")
    write(conversation, "five", group="none")

    [summary] = selectors.conversation_list(owner=owner)

    assert summary.mood == "anger"


def test_a_long_first_word_is_cut_and_a_conversation_without_words_has_no_title_or_mood(owner):
    conversation = services.conversation_open(owner=owner)
    assert selectors.conversation_list(owner=owner)[0].title is None
    write(conversation, "a" * 200)

    [summary] = selectors.conversation_list(owner=owner)

    assert summary.title == "a" * selectors.TITLE_CHARS + "…"
    assert summary.mood is None


def test_only_the_owners_conversations_are_listed_and_empty_closed_ones_are_left_out(owner):
    stranger = Owner(visitor_id=uuid.uuid4())
    consent(stranger)
    write(services.conversation_open(owner=stranger), "not yours to read")
    # An empty conversation closed by going back to another one is nothing to go back to.
    empty = services.conversation_open(owner=owner)
    Conversation.objects.filter(pk=empty.pk).update(status="closed", closed_at=timezone.now())
    kept = services.conversation_open(owner=owner)
    write(kept, "mine")
    fresh = restart(owner)

    listed = selectors.conversation_list(owner=owner)

    assert [summary.id for summary in listed] == [fresh.id, kept.id]
    assert all(summary.title != "not yours to read" for summary in listed)


def test_reopening_closes_the_current_one_and_tells_its_sockets(owner, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    old = services.conversation_open(owner=owner)
    write(old, "the first one")
    current = restart(owner)
    write(current, "the second one")
    sent = []
    monkeypatch.setattr(events, "broadcast", lambda conversation_id, frame: sent.append((conversation_id, frame)))

    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.conversation_reopen(owner=owner, conversation_id=old.id)

    assert reopened.id == old.id
    assert open_ids(owner) == [old.id]
    current.refresh_from_db()
    old.refresh_from_db()
    assert current.status == "closed" and current.closed_at is not None
    assert old.status == "open" and old.closed_at is None
    assert sent == [(current.id, events.hello(conversation_id=old.id, last_seq=old.last_seq))]
    # And the person carries on writing in it.
    write(old, "back again")
    assert selectors.conversation_list(owner=owner)[0].id == old.id


def test_reopening_the_open_one_changes_nothing(owner, django_capture_on_commit_callbacks):
    current = services.conversation_open(owner=owner)

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.conversation_reopen(owner=owner, conversation_id=current.id).id == current.id

    assert callbacks == []
    assert open_ids(owner) == [current.id]


@pytest.mark.parametrize("whose", ["someone_else", "nobody"])
def test_a_conversation_that_is_not_the_owners_is_refused_and_nothing_changes(owner, whose):
    stranger = Owner(visitor_id=uuid.uuid4())
    theirs = services.conversation_open(owner=stranger)
    write(theirs, "their words")
    Conversation.objects.filter(pk=theirs.pk).update(status="closed", closed_at=timezone.now())
    mine = services.conversation_open(owner=owner)
    target = theirs.id if whose == "someone_else" else uuid.uuid4()

    with pytest.raises(services.ConversationNotFound):
        services.conversation_reopen(owner=owner, conversation_id=target)

    assert open_ids(owner) == [mine.id]
    assert Conversation.objects.get(pk=theirs.pk).status == "closed"


def test_an_accounts_conversations_are_not_a_visitors(django_user_model):
    user = django_user_model.objects.create_user(username="member", password="a long passphrase 123")
    member, visitor = Owner(user_id=user.pk), Owner(visitor_id=uuid.uuid4())
    consent(member)
    consent(visitor)
    write(services.conversation_open(owner=visitor), "visitor words")
    mine = services.conversation_open(owner=member)
    write(mine, "member words")

    assert [summary.title for summary in selectors.conversation_list(owner=member)] == ["member words"]
    with pytest.raises(services.ConversationNotFound):
        services.conversation_reopen(owner=visitor, conversation_id=mine.id)
