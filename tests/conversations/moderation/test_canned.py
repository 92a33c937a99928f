"""Approved replies: the leads keep them in the admin, moderators are offered them on a case page (the
conversation's language first) and insert them into a message; each sending is counted with the message, in its
transaction, and a reply that cannot be counted never costs the message. Real PostgreSQL and Redis."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction

from conversations.models import CannedReply, Case, Conversation, Message
from conversations.moderation import canned
from conversations.moderation import services as moderation
from tests.conversations.moderation.test_admin import QUEUE, act, flagged_case, staff

pytestmark = pytest.mark.django_db(transaction=True)

groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")
seed_migration = importlib.import_module("conversations.migrations.0014_approved_replies_seed")
REPLIES = "/admin/conversations/cannedreply/"
HELLO = "Hi, I'm one of the people on the support team. I'm here with you now."


@pytest.fixture(autouse=True)
def moderation_groups(transactional_db, no_workers):
    # The migrations made them, but a flush between transactional tests removes them (and the starter replies).
    groups_migration.groups_grant(apps)
    CannedReply.objects.all().delete()


@pytest.fixture
def moderator(django_user_model):
    return staff(django_user_model, "Moderators")


@pytest.fixture
def lead(django_user_model):
    return staff(django_user_model, "Moderation leads")


def reply(title: str = "Introduce yourself", *, language: str = "en", text: str = HELLO,
          active: bool = True) -> CannedReply:
    return CannedReply.objects.create(title=title, language=language, text=text, active=active)


def joined_case(moderator_user) -> Case:
    case = flagged_case()
    moderation.conversation_join(case_id=case.pk, moderator=moderator_user)
    return case


def moderator_messages(case: Case) -> int:
    return Message.objects.filter(conversation_id=case.conversation_id, role=Message.Role.MODERATOR).count()


# --- counting ------------------------------------------------------------------------------------------------

def test_a_message_written_from_an_approved_reply_counts_it_once(moderator):
    _, user = moderator
    case, hello = joined_case(user), reply()

    sent = moderation.moderator_message_send(case_id=case.pk, moderator=user, text=HELLO.replace("now", "tonight"),
                                             canned_reply_id=hello.pk)

    hello.refresh_from_db()
    assert sent["role"] == "moderator" and sent["text"].endswith("tonight.")
    assert (hello.uses, hello.last_used_at is not None) == (1, True)
    assert moderator_messages(case) == 1


def test_the_use_is_counted_in_the_messages_transaction_so_a_message_not_stored_is_not_counted(moderator):
    _, user = moderator
    case, hello = joined_case(user), reply()

    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.moderator_message_send(case_id=case.pk, moderator=user, text=HELLO, canned_reply_id=hello.pk)
        raise RuntimeError("the transaction that stores the message fails after it")
    Conversation.objects.filter(pk=case.conversation_id).update(assistant_paused=False)  # handed back meanwhile
    with pytest.raises(moderation.CaseError):
        moderation.moderator_message_send(case_id=case.pk, moderator=user, text=HELLO, canned_reply_id=hello.pk)

    hello.refresh_from_db()
    assert (hello.uses, hello.last_used_at) == (0, None)
    assert moderator_messages(case) == 0


@pytest.mark.parametrize("which", ["deleted", "withdrawn", "zero", "negative", "beyond the column"])
def test_a_reply_that_cannot_be_counted_is_not_and_the_message_is_still_sent(moderator, which):
    _, user = moderator
    case, withdrawn = joined_case(user), reply(active=False)
    gone = reply("Gone")
    gone_id = gone.pk
    gone.delete()
    reply_id = {"deleted": gone_id, "withdrawn": withdrawn.pk, "zero": 0, "negative": -1,
                "beyond the column": 2**70}[which]

    sent = moderation.moderator_message_send(case_id=case.pk, moderator=user, text=HELLO, canned_reply_id=reply_id)

    assert sent["text"] == HELLO and moderator_messages(case) == 1
    assert list(CannedReply.objects.values_list("uses", flat=True)) == [0]


def test_moderators_sending_the_same_reply_each_count():
    hello = reply()

    with transaction.atomic():
        counted = [canned.canned_reply_used(reply_id=hello.pk) for _ in range(3)]
    nothing = canned.canned_reply_used(reply_id=None)

    hello.refresh_from_db()
    assert counted == [True, True, True] and nothing is False
    assert hello.uses == 3


# --- what is offered -----------------------------------------------------------------------------------------

def test_active_replies_are_offered_the_conversations_language_first_each_by_title():
    safe, intro = reply("Are you safe right now?"), reply("Introduce yourself")
    ni_hao = reply("自我介绍", language="zh", text="你好，我是支持团队的一员。")
    reply("Withdrawn", active=False)
    reply("已停用", language="zh", text="你好。", active=False)

    assert canned.canned_offered(language="zh") == [ni_hao, safe, intro]
    assert canned.canned_offered(language="en") == [safe, intro, ni_hao]


def test_the_case_page_offers_them_once_joined_and_shows_no_picker_without_any(moderator):
    client, _ = moderator
    case = flagged_case()
    reply("Introduce yourself", text="Hi.\nI'm here with you & listening.")
    reply("自我介绍", language="zh", text="你好，我在这里陪着你。")

    before = client.get(f"{QUEUE}{case.pk}/change/").content.decode()
    joined = act(client, case, "join").content.decode()
    CannedReply.objects.all().delete()
    none_left = client.get(f"{QUEUE}{case.pk}/change/").content.decode()

    assert 'id="canned-reply"' not in before
    assert '<label for="canned-reply">Approved replies</label>' in joined
    assert joined.index('<optgroup label="English">') < joined.index('<optgroup label="Simplified Chinese">')
    assert 'data-text="Hi.\nI&#x27;m here with you &amp; listening.">Introduce yourself</option>' in joined
    assert 'name="canned_reply" value=""' in joined
    assert "Write to the person" in none_left and 'id="canned-reply"' not in none_left


def test_the_case_pages_message_action_counts_the_inserted_reply_and_ignores_what_is_not_an_id(moderator):
    client, _ = moderator
    case, hello = flagged_case(), reply()
    act(client, case, "join")

    counted = client.post(f"{QUEUE}{case.pk}/act/message/", {"text": HELLO, "canned_reply": str(hello.pk)},
                          HTTP_ACCEPT="application/json")
    not_ids = [client.post(f"{QUEUE}{case.pk}/act/message/", {"text": "my own words", "canned_reply": value},
                           HTTP_ACCEPT="application/json").json() for value in ("", "abc", "1.0", "²", "9" * 5000)]

    hello.refresh_from_db()
    assert counted.json() == {"ok": True} and not_ids == [{"ok": True}] * 5
    assert hello.uses == 1
    assert moderator_messages(case) == 6


# --- the leads keep them ---------------------------------------------------------------------------------------

def test_moderators_read_the_replies_but_only_leads_add_change_and_delete_them(moderator, lead, django_user_model):
    moderator_client, _ = moderator
    lead_client, lead_user = lead
    outsider_client, _ = staff(django_user_model)
    hello = reply()
    form = {"title": "Helplines", "language": "en", "text": "  A crisis line can help at any hour.  \n",
            "active": "on"}

    listed = moderator_client.get(REPLIES)
    read = moderator_client.get(f"{REPLIES}{hello.pk}/change/")
    refused = [moderator_client.get(f"{REPLIES}add/").status_code,
               moderator_client.post(f"{REPLIES}add/", form).status_code,
               moderator_client.post(f"{REPLIES}{hello.pk}/change/", {**form, "title": "Mine"}).status_code,
               moderator_client.post(f"{REPLIES}{hello.pk}/delete/", {"post": "yes"}).status_code,
               outsider_client.get(REPLIES).status_code]
    added = lead_client.post(f"{REPLIES}add/", form)

    assert listed.status_code == 200 and "Introduce yourself" in listed.content.decode()
    assert read.status_code == 200 and 'name="title"' not in read.content.decode()
    assert refused == [403] * 5
    assert added.status_code == 302
    helplines = CannedReply.objects.get(title="Helplines")
    assert (helplines.text, helplines.created_by, helplines.uses) == ("A crisis line can help at any hour.",
                                                                      lead_user, 0)
    assert CannedReply.objects.get(pk=hello.pk).title == "Introduce yourself"


def test_the_list_shows_what_leads_need_and_a_change_keeps_the_count(lead):
    client, _ = lead
    hello = reply()
    CannedReply.objects.filter(pk=hello.pk).update(uses=41)

    listed = client.get(REPLIES).content.decode()
    changed = client.post(f"{REPLIES}{hello.pk}/change/", {"title": "Introduce yourself", "language": "en",
                                                          "text": HELLO.replace("Hi", "Hello")})

    assert all(column in listed for column in ("Title", "Language", "Offered to moderators", "Times sent",
                                                "Last sent", "Changed"))
    assert changed.status_code == 302
    hello.refresh_from_db()
    assert (hello.text.startswith("Hello"), hello.active, hello.uses) == (True, False, 41)


@pytest.mark.parametrize("text", ["", "   \n ", "\u200b\u200d"])
def test_a_reply_must_have_words(lead, text):
    client, _ = lead

    refused = client.post(f"{REPLIES}add/", {"title": "Empty", "language": "en", "text": text, "active": "on"})

    assert refused.status_code == 200 and refused.context["adminform"].form.errors["text"]
    assert not CannedReply.objects.exists()


# --- the starter set -------------------------------------------------------------------------------------------

def test_the_starter_set_has_four_replies_in_each_language_and_undoing_it_removes_them():
    editor = SimpleNamespace(connection=connection)

    seed_migration.replies_add(apps, editor)
    added = list(CannedReply.objects.values_list("language", "text"))
    seed_migration.replies_remove(apps, editor)

    assert sorted(language for language, _ in added) == ["en"] * 4 + ["zh"] * 4
    chinese = [text for language, text in added if language == "zh"]
    assert all("你" in text and "您" not in text for text in chinese)
    assert not CannedReply.objects.exists()
