from __future__ import annotations

import contextlib
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from conversations.chat import services as chat
from conversations.identity import VISITOR_KEY, Owner
from conversations.models import Case, Message
from conversations.moderation import services as moderation
from conversations.privacy import notice
from conversations.privacy import services as privacy
from emochat.asgi import application
from inference.types import Risk


def consent(owner: Owner, *purposes: str) -> None:
    privacy.consent_give(owner=owner, version=notice.VERSION, purposes=["support", *purposes])


def case_at(level: str, categories: tuple[str, ...] = ("self_harm",), text: str = "a quiet words day", *,
            language: str = "en", country: str = "") -> Case:
    """A visitor's conversation whose one message (`text`) the risk model read at `level`: its case."""
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = chat.conversation_open(owner=owner, language=language, country=country)
    submitted = chat.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(),
                                    text=text)
    with transaction.atomic():
        # The message first, then (in risk_record) its conversation: the order a worker reading it takes too.
        message = Message.objects.select_for_update().get(pk=submitted.message["id"])
        moderation.risk_record(message=message, model_read=True,
                               risk=Risk(level=level, score=0.9, categories=categories, source="model"))
    return Case.objects.get(conversation=conversation)


def visitor_session(*, consented: bool = True) -> str:
    """An anonymous visitor's session, as the chat page creates it; by default they accepted the notice."""
    session = SessionStore()
    visitor_id = uuid.uuid4()
    session[VISITOR_KEY] = str(visitor_id)
    session.create()
    if consented:
        consent(Owner(visitor_id=visitor_id))
    return session.session_key


@contextlib.asynccontextmanager
async def chat_socket(session_key: str | None, *, origin: str = "http://localhost", host: str = "localhost",
                      headers: tuple[tuple[bytes, bytes], ...] = (), cookies: str = ""):
    headers = [(b"origin", origin.encode()), (b"host", host.encode()), *headers]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}; {cookies}".strip("; ").encode()))
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    try:
        yield communicator
    finally:
        await communicator.disconnect()


@pytest.fixture
def in_process_tasks(settings):
    """Run reply tasks on the web process's threads, as the embedded default does."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMOCHAT_FAKE_REPLY_DELAY_MS = 5


@pytest.fixture
def no_workers(settings):
    """Queue reply tasks to the broker with no worker to take them."""
    from emochat.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.control.purge()


@pytest.fixture
def session_key(transactional_db) -> str:
    return visitor_session()


@pytest.fixture
def other_session_key(transactional_db) -> str:
    return visitor_session()


@pytest.fixture
def member_session_key(transactional_db, django_user_model) -> tuple[str, int]:
    """A logged-in account's session (no visitor id: the account owns the conversation)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    user = django_user_model.objects.create_user(username="member", password="a long passphrase 123")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    consent(Owner(user_id=user.pk))
    return session.session_key, user.pk
