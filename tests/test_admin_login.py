"""Staff sign-in under password guessing (django-axes): a username guessed from one address is locked out."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user("night-shift", password="a long right password", is_staff=True)


def sign_in(client: Client, password: str, address: str = "203.0.113.7"):
    return client.post("/admin/login/?next=/admin/", {"username": "night-shift", "password": password},
                       REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_username_out_even_with_the_right_one(moderator, settings):
    client = Client()
    answers = [sign_in(client, f"guess {i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    locked = sign_in(client, "a long right password")

    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with its error
    assert answers[-1] == locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_for_that_address_and_a_success_clears_the_count(moderator, settings):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), f"guess {i}")

    elsewhere = sign_in(Client(), "a long right password", address="198.51.100.4")
    here = Client()
    assert sign_in(here, "a long right password").status_code == 302
    assert sign_in(Client(), "one more guess").status_code == 200  # counted afresh after the success

    assert elsewhere.status_code == 302
    assert "_auth_user_id" in here.session
