"""The account pages through Django's test client: sign up, log in (which adopts the visitor's conversations),
log out, and a password reset by email whose link works."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from conversations.accounts import services as accounts
from conversations.chat import services
from conversations.identity import VISITOR_KEY, Owner, subject_for
from conversations.models import Conversation, DataKey
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])

PASSWORD = "a quiet harbour at dusk"


@pytest.fixture
def browser() -> Client:
    """A visitor who opened the chat page and wrote one message."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/").status_code == 200
    owner = Owner(visitor_id=uuid.UUID(client.session[VISITOR_KEY]))
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="hello")
    client.owner, client.conversation = owner, conversation
    return client


def submit(client: Client, path: str, data: dict):
    """GETs the form first, as a browser does, then POSTs it with the CSRF token."""
    page = client.get(path)
    assert page.status_code == 200
    assert b"<main" in page.content and b"<label" in page.content
    return client.post(path, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_signing_up_adopts_the_conversation_and_signs_in(browser, no_workers, django_user_model):
    old_session = browser.cookies["sessionid"].value

    response = submit(browser, "/account/signup", {"email": "sam@example.org", "password1": PASSWORD,
                                                  "password2": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    user = django_user_model.objects.get(username="sam@example.org")
    assert browser.session["_auth_user_id"] == str(user.pk)
    assert VISITOR_KEY not in browser.session
    assert browser.cookies["sessionid"].value != old_session
    assert Conversation.objects.get(pk=browser.conversation.id).user_id == user.pk
    assert DataKey.objects.filter(subject=f"user:{user.pk}").count() == 1
    state = browser.get("/privacy/").json()
    assert state["account"] == {"email": "sam@example.org"}
    assert state["consent"] is not None


@pytest.mark.parametrize("data, field, message", [
    ({"email": "not an email", "password1": PASSWORD, "password2": PASSWORD}, "email", "valid email"),
    ({"email": "sam@example.org", "password1": "short", "password2": "short"}, "password1", "too short"),
    ({"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD + "!"}, "password2", "not the same"),
])
def test_a_refused_sign_up_says_why_beside_the_field_and_keeps_the_visitor(browser, no_workers, django_user_model,
                                                                           data, field, message):
    response = submit(browser, "/account/signup", data)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert b'role="alert"' in response.content and b'aria-invalid="true"' in response.content
    assert not django_user_model.objects.exists()
    assert Conversation.objects.get(pk=browser.conversation.id).visitor_id == browser.owner.visitor_id


def test_an_email_already_taken_is_refused(browser, no_workers):
    accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=None)

    response = submit(browser, "/account/signup", {"email": "sam@example.org", "password1": PASSWORD,
                                                  "password2": PASSWORD})

    assert response.status_code == 400
    assert "already an account" in response.context["form"].errors["email"][0]


def test_logging_in_from_an_anonymous_browser_adopts_its_conversation(browser, no_workers):
    user = accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=None)

    response = submit(browser, "/account/login", {"username": "Sam@Example.org", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert VISITOR_KEY not in browser.session
    assert Conversation.objects.get(pk=browser.conversation.id).user_id == user.pk
    assert not DataKey.objects.filter(subject=subject_for(browser.owner)).exists()


def test_a_wrong_password_is_a_clear_error_and_adopts_nothing(browser, no_workers):
    accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=None)

    response = submit(browser, "/account/login", {"username": "sam@example.org", "password": "wrong"})

    assert response.status_code == 200
    assert b"don&#x27;t match an account" in response.content
    assert Conversation.objects.get(pk=browser.conversation.id).visitor_id == browser.owner.visitor_id


def test_logging_out_takes_a_post_and_leaves_a_fresh_anonymous_session(browser, no_workers):
    submit(browser, "/account/signup", {"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD})

    assert browser.get("/account/logout").status_code == 405
    refused = browser.post("/account/logout")  # no CSRF token
    assert refused.status_code == 403
    response = browser.post("/account/logout", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert browser.get("/").status_code == 200
    assert "_auth_user_id" not in browser.session
    assert uuid.UUID(browser.session[VISITOR_KEY]) != browser.owner.visitor_id
    assert browser.get("/privacy/").json()["account"] is None


def test_a_password_reset_email_carries_a_link_that_sets_a_new_password(no_workers, mailoutbox):
    accounts.account_create(email="sam@example.org", password=PASSWORD, visitor=None)
    client = Client(enforce_csrf_checks=True)

    response = submit(client, "/account/password-reset", {"email": "SAM@example.org"})

    assert (response.status_code, response["Location"]) == (302, "/account/password-reset/sent")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sam@example.org"]
    link = re.search(r"http://testserver(/account/reset/\S+)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    new = "another quiet harbour"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new,
                                                   "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert (done.status_code, done["Location"]) == (302, "/account/reset/done")
    assert submit(Client(enforce_csrf_checks=True), "/account/login",
                  {"username": "sam@example.org", "password": new}).status_code == 302
    assert b"This link doesn't work any more" in client.get(link, follow=True).content


def test_no_account_email_goes_to_an_unknown_address(no_workers, mailoutbox):
    response = submit(Client(enforce_csrf_checks=True), "/account/password-reset", {"email": "nobody@example.org"})

    assert response.status_code == 302 and mailoutbox == []


def test_the_account_pages_keep_the_strict_content_security_policy():
    response = Client().get("/account/signup")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert b"<script" not in response.content and b"style=" not in response.content
