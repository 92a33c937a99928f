"""Staff two-factor sign-in (EMOCHAT_STAFF_TWO_FACTOR, conversations/moderation/two_factor.py): the admin's sign-in,
every admin page, the setup page and the moderators' socket, in each mode. Real PostgreSQL and Redis; the Django
test client and the real ASGI application. Codes are made from each device's key by django-otp's own TOTP."""

from __future__ import annotations

import importlib
import re
import uuid

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from emochat.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")
PASSWORD = "a long right password"
QUEUE = "/admin/conversations/case/"
SETUP = "/admin/two-factor/"


@pytest.fixture(autouse=True)
def moderation_groups(transactional_db):
    # The migration made them, but a flush between transactional tests removes them.
    groups_migration.groups_grant(apps)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(f"mod-{uuid.uuid4().hex[:6]}", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def device(moderator) -> TOTPDevice:
    return TOTPDevice.objects.create(user=moderator, name="phone", confirmed=True)


def mode(settings, value: str) -> None:
    settings.EMOCHAT_STAFF_TWO_FACTOR = value


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def sign_in(client: Client, user, code: str | None = None, password: str = PASSWORD, address: str = "203.0.113.7"):
    data = {"username": user.get_username(), "password": password}
    if code is not None:
        data["otp_token"] = code
    return client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def reaches(client: Client, url: str) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def errors(response) -> str:
    return " ".join(re.findall(r'class="errornote">\s*([^<]+)', response.content.decode())) + " ".join(
        re.findall(r'class="errorlist[^"]*"[^>]*><li>([^<]+)', response.content.decode()))


async def moderation_socket(client: Client) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if "sessionid" in client.cookies:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/moderation/", headers=headers)


async def socket_answer(client: Client) -> tuple[dict, dict | None]:
    """The first frame the socket sends after a frame no open queue page would ignore, and its close if any."""
    socket = await moderation_socket(client)
    try:
        connected, _ = await socket.connect()
        assert connected
        await socket.send_json_to({"type": "typing", "case_id": str(uuid.uuid4()), "state": True})
        frame = await socket.receive_json_from()
        closed = None if await socket.receive_nothing(timeout=0.3) else await socket.receive_output()
    finally:
        await socket.disconnect()
    return frame, closed


# --- required ---------------------------------------------------------------------------------------------------

def test_required_a_password_alone_does_not_reach_the_admin(settings, moderator, device):
    mode(settings, "required")
    client = Client()

    answer = sign_in(client, moderator)

    assert answer.status_code == 200
    assert "Enter the code your authenticator app shows" in errors(answer)
    assert not signed_in(client)
    assert not reaches(client, "/admin/") and not reaches(client, QUEUE)


def test_required_a_password_and_the_code_reach_every_admin_page(settings, moderator, device):
    mode(settings, "required")
    client = Client()

    answer = sign_in(client, moderator, code_now(device))

    assert (answer.status_code, answer["Location"]) == (302, "/admin/")
    assert reaches(client, "/admin/") and reaches(client, QUEUE)


def test_required_a_wrong_code_is_refused(settings, moderator, device):
    mode(settings, "required")
    client = Client()

    answer = sign_in(client, moderator, wrong(code_now(device)))

    assert answer.status_code == 200
    assert "That code is not right" in errors(answer)
    assert not signed_in(client) and not reaches(client, "/admin/")


def test_wrong_codes_count_as_failed_sign_ins_and_lock_the_username_out(settings, moderator, device):
    mode(settings, "required")
    client = Client()
    answers = [sign_in(client, moderator, wrong(code_now(device))).status_code
               for _ in range(settings.AXES_FAILURE_LIMIT)]

    locked = sign_in(client, moderator, code_now(device))

    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == locked.status_code == 429
    assert not signed_in(client)


def test_required_a_session_signed_in_without_a_code_reaches_no_admin_page(settings, moderator, device):
    mode(settings, "required")
    client = Client()
    client.force_login(moderator)  # as a session from before two-factor was required would be

    assert not reaches(client, "/admin/") and not reaches(client, QUEUE)
    assert not reaches(client, SETUP)  # replacing an authenticator needs the current one
    assert "not with an authentication code" in client.get("/admin/login/").content.decode()


def test_required_staff_without_an_authenticator_are_led_to_set_one_up_and_nowhere_else(settings, moderator):
    mode(settings, "required")
    client = Client()

    landed = client.get(sign_in(client, moderator)["Location"], follow=True)

    assert landed.redirect_chain[-1][0] == "/admin/two-factor/"
    assert not reaches(client, "/admin/") and not reaches(client, QUEUE)
    page = landed.content.decode()
    qr = re.search(r'<img src="(data:image/svg\+xml;base64,[A-Za-z0-9+/=]+)"', page)
    assert qr and "otpauth://totp/emochat%3A" in page
    assert "img-src 'self' data:" in landed["Content-Security-Policy"]
    assert "unsafe-inline" not in landed["Content-Security-Policy"]

    pending = TOTPDevice.objects.get(user=moderator, confirmed=False)
    refused = client.post(SETUP, {"code": wrong(code_now(pending))})
    pending.refresh_from_db()
    pending.throttle_reset()  # django-otp takes no code for a moment after a wrong one
    confirmed = client.post(SETUP, {"code": code_now(pending)})

    assert refused.status_code == 200 and "That code is not right" in errors(refused)
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/admin/")
    assert TOTPDevice.objects.get(user=moderator).confirmed
    assert reaches(client, "/admin/") and reaches(client, QUEUE)  # this session was signed in with a code now


async def test_required_the_moderation_socket_refuses_a_session_signed_in_without_a_code(settings, moderator,
                                                                                       device):
    mode(settings, "required")
    client = Client()
    await sync_to_async(client.force_login)(moderator)

    frame, closed = await socket_answer(client)

    assert (frame["type"], frame["code"]) == ("error", "forbidden")
    assert "authentication code" in frame["detail"]
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_required_the_moderation_socket_accepts_a_session_signed_in_with_a_code(settings, moderator, device):
    mode(settings, "required")
    client = Client()
    answer = await sync_to_async(sign_in)(client, moderator, await sync_to_async(code_now)(device))
    assert answer.status_code == 302

    frame, closed = await socket_answer(client)

    # Open: the frame was read, and answered as on any queue page.
    assert (frame["code"], frame["detail"]) == ("forbidden", "Follow the case before typing in it.")
    assert closed is None


# --- optional ---------------------------------------------------------------------------------------------------

def test_optional_staff_with_an_authenticator_must_give_its_code(settings, moderator, device):
    mode(settings, "optional")
    client = Client()

    assert sign_in(client, moderator).status_code == 200 and not signed_in(client)
    assert sign_in(client, moderator, code_now(device)).status_code == 302
    assert reaches(client, QUEUE)


def test_optional_staff_without_one_sign_in_with_the_password_alone(settings, moderator):
    mode(settings, "optional")
    client = Client()

    assert sign_in(client, moderator).status_code == 302
    assert reaches(client, "/admin/") and reaches(client, QUEUE) and reaches(client, SETUP)


async def test_optional_the_socket_refuses_a_password_session_only_of_staff_with_an_authenticator(settings,
                                                                                               moderator,
                                                                                               django_user_model):
    mode(settings, "optional")
    with_device, without = Client(), Client()
    await sync_to_async(TOTPDevice.objects.create)(user=moderator, name="phone", confirmed=True)
    other = await sync_to_async(django_user_model.objects.create_user)("other-mod", password=PASSWORD, is_staff=True)
    await sync_to_async(other.groups.add)(await sync_to_async(Group.objects.get)(name="Moderators"))
    await sync_to_async(with_device.force_login)(moderator)
    await sync_to_async(without.force_login)(other)

    refused, refused_close = await socket_answer(with_device)
    accepted, accepted_close = await socket_answer(without)

    assert refused_close == {"type": "websocket.close", "code": 4403}
    assert accepted["detail"] == "Follow the case before typing in it." and accepted_close is None


# --- off --------------------------------------------------------------------------------------------------------

def test_off_the_password_alone_signs_in_as_before_even_with_an_authenticator(settings, moderator, device):
    mode(settings, "off")
    client = Client()

    form = client.get("/admin/login/").content.decode()
    answer = sign_in(client, moderator)

    assert 'name="otp_token"' not in form
    assert answer.status_code == 302 and reaches(client, QUEUE)


async def test_off_the_socket_accepts_a_password_session(settings, moderator, device):
    mode(settings, "off")
    client = Client()
    await sync_to_async(client.force_login)(moderator)

    frame, closed = await socket_answer(client)

    assert frame["detail"] == "Follow the case before typing in it." and closed is None
