"""The page's language on the chat's socket: conversations started from a Chinese page answer a first message
with no language of its own ("ok", "😢") in Chinese; a message in a language answers in that language."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async

from conversations.chat import selectors
from conversations.languages import interface_language, reply_language
from conversations.models import Conversation
from inference import handles
from inference.dialogue import manager
from tests.conversations.conftest import chat_socket, visitor_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("choice", "accept", "expected"), [
    (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
    (None, "en-GB,zh;q=0.5", "en"),
    (None, "fr-FR,zh-TW;q=0.7", "zh-hans"),  # the first language emochat speaks, by the browser's order
    (None, "de-DE, fr;q=0.5", "en"),
    ("en", "zh-CN", "en"),  # the switch's choice beats the browser
    ("zh-hans", "en-US", "zh-hans"),
    ("tlh", "zh-CN", "zh-hans"),  # a choice emochat cannot honour is no choice
    (None, None, "en"),
])
def test_the_interface_language_is_the_choice_else_the_browsers(choice, accept, expected):
    assert interface_language(choice, accept) == expected


async def test_a_conversation_started_from_a_chinese_page_is_chinese(session_key):
    async with chat_socket(session_key, headers=((b"accept-language", b"en-US"),),
                           cookies="django_language=zh-hans") as socket:
        connected, _ = await socket.connect()
        assert connected
        hello = await socket.receive_json_from(timeout=5)

    conversation = await Conversation.objects.aget(pk=hello["conversation_id"])
    assert conversation.language == "zh"


async def test_a_browser_in_english_starts_english_conversations(session_key):
    async with chat_socket(session_key, headers=((b"accept-language", b"en-US,zh;q=0.3"),)) as socket:
        await socket.connect()
        hello = await socket.receive_json_from(timeout=5)

    assert (await Conversation.objects.aget(pk=hello["conversation_id"])).language == "en"


@pytest.mark.parametrize(("page", "text", "answered_in"), [
    ("zh", "ok", "zh"), ("zh", "😢", "zh"), ("en", "ok", "en"),
    ("zh", "I lost my job today", "en"), ("en", "我今天丢了工作", "zh"),
])
def test_the_first_reply_is_in_the_messages_language_else_the_pages(page, text, answered_in):
    conversation = Conversation.objects.create(visitor_id=uuid.uuid4(), language=page)

    state = selectors.dialogue_state(conversation_id=conversation.id)
    prepared = manager.prepare(text, emotion=None, state=state, library_of=handles.reply_library)

    assert state.language == page and prepared.understanding.language == answered_in
    assert reply_language(None, "zh-CN") == "zh" and reply_language(None, "en") == "en"



async def test_what_the_socket_tells_the_person_is_in_the_pages_language(transactional_db):
    session_key = await database_sync_to_async(visitor_session)(consented=False)
    async with chat_socket(session_key, cookies="django_language=zh-hans") as socket:
        await socket.connect()
        await socket.receive_json_from(timeout=5)  # hello
        await socket.send_json_to({"type": "message.send", "client_id": str(uuid.uuid4()), "text": "你好"})
        refused = await socket.receive_json_from(timeout=5)

    assert refused["type"] == "error" and refused["code"] == "consent_required"
    assert refused["detail"] == "请先阅读并同意隐私说明，然后再写。"
