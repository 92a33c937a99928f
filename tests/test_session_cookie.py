"""The visitor's session cookie: by default it ends with the browser, so a shared device keeps nothing."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_session_cookie_ends_when_the_browser_closes():
    cookie = Client().get("/").cookies["sessionid"]

    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

