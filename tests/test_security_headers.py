"""What every page tells the browser to allow: a strict Content-Security-Policy and a Permissions-Policy."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, set[str]]:
    return {name: set(values) for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/privacy/"])
def test_pages_carry_a_strict_content_security_policy(path):
    response = Client().get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == {"'self'"}
    assert policy["connect-src"] == {"'self'"}
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == {"'none'"}
    assert not any("unsafe" in value or value in ("*", "http:", "https:") for values in policy.values()
                   for value in values)


def test_no_device_feature_may_be_asked_for():
    header = Client().get("/")["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header
