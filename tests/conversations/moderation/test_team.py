"""Setting up the moderation team (docs/moderation.md, "The team"): `createmoderator` and the admin's "Add moderator"
page, the groups' permissions as the docs list them, joining a group making a user staff, and access withdrawn in
any way closing that user's open moderators' sockets. Real PostgreSQL and Redis; the real ASGI application."""

from __future__ import annotations

import importlib
import io
import re
import uuid
from pathlib import Path

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client

from conversations import permissions
from conversations.moderation import consumers
from emochat.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "moderation.md"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def moderation_groups(transactional_db):
    # The migration made them, but a flush between transactional tests removes them.
    groups_migration.groups_grant(apps)


def create_moderator(*args: str, stdin: str | None = PASSWORD) -> str:
    out = io.StringIO()
    if stdin is not None:
        args = (*args, "--password-from-stdin")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(f"{stdin}\n" if stdin is not None else ""))
        call_command("createmoderator", *args, stdout=out)
    return out.getvalue()


def sign_in(email: str, password: str = PASSWORD) -> Client:
    client = Client()
    answer = client.post("/admin/login/?next=/admin/", {"username": email, "password": password},
                         REMOTE_ADDR="203.0.113.9")
    assert answer.status_code == 302, "the sign-in was refused"
    return client


def group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


# --- createmoderator ------------------------------------------------------------------------------------------

def test_createmoderator_makes_a_staff_moderator_who_can_work_the_queue(django_user_model):
    out = create_moderator("Night.Shift@Example.org")

    user = django_user_model.objects.get()
    assert (user.username, user.email) == ("night.shift@example.org", "night.shift@example.org")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert group_names(user) == ["Moderators"]
    assert user.has_perm(permissions.WORK_CASE) and not user.has_perm(permissions.LEAD_CASE)
    assert PASSWORD not in out and "Created night.shift@example.org" in out
    client = sign_in("night.shift@example.org")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/conversations/case/").status_code == 200


def test_createmoderator_lead_puts_them_in_the_leads_group():
    create_moderator("lead@example.org", "--lead")

    client = sign_in("lead@example.org")
    user = client.get("/admin/").wsgi_request.user
    assert group_names(user) == ["Moderation leads"]
    assert user.has_perm(permissions.LEAD_CASE) and permissions.reader_role(user) == "moderation lead"


def test_running_it_again_changes_nothing_and_an_existing_account_keeps_its_password(django_user_model):
    create_moderator("again@example.org")
    hashed = django_user_model.objects.get().password

    out = create_moderator("AGAIN@example.org", stdin=None)  # an existing account: no password asked

    user = django_user_model.objects.get()
    assert "nothing changed" in out and user.password == hashed and group_names(user) == ["Moderators"]
    assert sign_in("again@example.org").get("/admin/").status_code == 200


def test_an_existing_account_is_made_staff_and_a_moderator(django_user_model):
    member = django_user_model.objects.create_user("member@example.org", email="member@example.org",
                                                   password=PASSWORD)

    out = create_moderator("member@example.org", stdin=None)

    member.refresh_from_db()
    assert "Updated member@example.org" in out
    assert member.is_staff and group_names(member) == ["Moderators"] and django_user_model.objects.count() == 1


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.org", ""])
def test_a_bad_email_is_refused_and_nothing_is_created(email, django_user_model):
    with pytest.raises(CommandError, match="not a usable email address"):
        create_moderator(email)

    assert not django_user_model.objects.exists()


@pytest.mark.parametrize(("password", "rule"), [("short1", "too short"), ("password123", "too common"),
                                                ("12345678901", "entirely numeric")])
def test_a_weak_password_is_refused_without_echoing_it_and_nothing_is_created(password, rule, django_user_model):
    with pytest.raises(CommandError, match=rule) as refused:
        create_moderator("weak@example.org", stdin=password)

    assert password not in str(refused.value)
    assert not django_user_model.objects.exists()


def test_a_new_account_without_a_terminal_or_stdin_password_is_refused(django_user_model):
    with pytest.raises(CommandError, match="--password-from-stdin"):
        create_moderator("quiet@example.org", stdin=None)

    assert not django_user_model.objects.exists()


def test_the_password_is_asked_twice_and_must_match(monkeypatch, django_user_model):
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    monkeypatch.setattr("sys.stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())

    with pytest.raises(CommandError, match="differ"):
        call_command("createmoderator", "asked@example.org", stdout=io.StringIO())
    assert not django_user_model.objects.exists()

    answers = iter([PASSWORD, PASSWORD])
    call_command("createmoderator", "asked@example.org", stdout=io.StringIO())
    assert sign_in("asked@example.org").get("/admin/").status_code == 200


# --- the admin's "Add moderator" ------------------------------------------------------------------------------

@pytest.fixture
def superuser_client(django_user_model) -> Client:
    admin = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(admin)
    return client


def test_the_admin_adds_a_moderator_as_the_command_does(superuser_client, django_user_model):
    assert "add-moderator/" in superuser_client.get("/admin/auth/user/").content.decode()

    answer = superuser_client.post("/admin/auth/user/add-moderator/", {
        "email": "Admin.Made@example.org", "lead": "on", "password1": PASSWORD, "password2": PASSWORD})

    user = django_user_model.objects.get(username="admin.made@example.org")
    assert answer.status_code == 302 and answer["Location"] == f"/admin/auth/user/{user.pk}/change/"
    assert user.is_staff and group_names(user) == ["Moderation leads"]
    assert sign_in("admin.made@example.org").get("/admin/conversations/case/").status_code == 200


def test_the_admin_page_refuses_a_weak_password_and_creates_nothing(superuser_client, django_user_model):
    answer = superuser_client.post("/admin/auth/user/add-moderator/", {
        "email": "weak@example.org", "password1": "password123", "password2": "password123"})

    assert answer.status_code == 200 and "too common" in answer.content.decode()
    assert not django_user_model.objects.filter(username="weak@example.org").exists()


def test_only_those_who_may_add_users_reach_the_admin_page(django_user_model):
    create_moderator("plain@example.org")

    assert sign_in("plain@example.org").get("/admin/auth/user/add-moderator/").status_code == 403


# --- the groups, as the docs list them ------------------------------------------------------------------------

def documented_permissions() -> dict[str, list[str]]:
    """The table under "## The team" in docs/moderation.md: a permission per row, a column per group."""
    section = DOCS.read_text().split("## The team", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("|")]
    header, body = rows[0], rows[2:]
    groups = header[1:3]
    listed = {group: [] for group in groups}
    for row in body:
        codename = re.fullmatch(r"`conversations\.(\w+)`", row[0]).group(1)
        for group, cell in zip(groups, row[1:3], strict=True):
            assert cell in ("yes", "—"), row
            if cell == "yes":
                listed[group].append(codename)
    return {group: sorted(codenames) for group, codenames in listed.items()}


def test_the_groups_carry_exactly_the_permissions_the_docs_list():
    granted = {group.name: sorted(group.permissions.values_list("codename", flat=True))
               for group in Group.objects.filter(name__in=permissions.MODERATION_GROUPS)}

    assert set(granted) == set(permissions.MODERATION_GROUPS)
    assert granted == documented_permissions()
    assert "work_case" in granted[permissions.MODERATORS]


def test_joining_a_moderation_group_from_either_side_makes_the_user_staff(django_user_model):
    first = django_user_model.objects.create_user("first", password=PASSWORD)
    second = django_user_model.objects.create_user("second", password=PASSWORD)
    other = Group.objects.create(name="Newsletter")

    first.groups.add(Group.objects.get(name=permissions.MODERATORS))
    Group.objects.get(name=permissions.MODERATION_LEADS).user_set.add(second)
    first.save()  # the object the signal also updated: saving it again keeps is_staff
    bystander = django_user_model.objects.create_user("bystander", password=PASSWORD)
    bystander.groups.add(other)

    assert [u.is_staff for u in django_user_model.objects.order_by("username")] == [False, True, True]


# --- access withdrawn closes the sockets ----------------------------------------------------------------------

def moderator_signed_in(django_user_model, name: str) -> tuple[Client, object]:
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    user.groups.add(Group.objects.get(name=permissions.MODERATORS))
    client = Client()
    client.force_login(user)
    return client, user


async def open_socket(client: Client) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/moderation/", headers=[
        (b"origin", b"http://localhost"), (b"host", b"localhost"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())])
    connected, _ = await socket.connect()
    assert connected
    assert await socket.receive_nothing(timeout=0.2), "the moderator's socket was refused"
    return socket


async def closed_within(socket: WebsocketCommunicator, seconds: float) -> tuple[dict, dict]:
    error = await socket.receive_json_from(timeout=seconds)
    closed = await socket.receive_output(timeout=seconds)
    return error, closed


def group_left(user) -> None:
    user.groups.remove(Group.objects.get(name=permissions.MODERATORS))


def deactivated(user) -> None:
    user.is_active = False
    user.save()


def staff_unticked(user) -> None:
    user.is_staff = False
    user.save(update_fields=["is_staff"])


def permission_taken_from_the_group(user) -> None:
    Group.objects.get(name=permissions.MODERATORS).permissions.remove(Permission.objects.get(codename="work_case"))


def account_deleted(user) -> None:
    user.delete()


@pytest.mark.parametrize("withdraw", [group_left, deactivated, staff_unticked, permission_taken_from_the_group,
                                      account_deleted])
async def test_withdrawing_access_closes_that_moderators_socket_within_seconds_and_no_one_elses(
        withdraw, django_user_model):
    client, user = await sync_to_async(moderator_signed_in)(django_user_model, f"m-{uuid.uuid4().hex[:6]}")
    other_client, other = await sync_to_async(moderator_signed_in)(django_user_model, "colleague")
    if withdraw is permission_taken_from_the_group:
        # The colleague keeps work_case through the leads' group, so they keep their socket.
        leads = await sync_to_async(Group.objects.get)(name=permissions.MODERATION_LEADS)
        await sync_to_async(other.groups.add)(leads)
    socket, colleague = await open_socket(client), await open_socket(other_client)
    try:
        await sync_to_async(withdraw)(user)
        error, closed = await closed_within(socket, 3)
        colleague_untouched = await colleague.receive_nothing(timeout=0.5)
    finally:
        await socket.disconnect()
        await colleague.disconnect()

    assert (error["type"], error["code"]) == ("error", "forbidden")
    assert closed == {"type": "websocket.close", "code": 4403}
    assert colleague_untouched


async def test_a_change_that_keeps_access_keeps_the_socket(django_user_model):
    client, user = await sync_to_async(moderator_signed_in)(django_user_model, "keeps")
    socket = await open_socket(client)
    try:
        user.first_name = "Renamed"
        await sync_to_async(user.save)()
        leads = await sync_to_async(Group.objects.get)(name=permissions.MODERATION_LEADS)
        await sync_to_async(user.groups.add)(leads)
        await sync_to_async(user.groups.remove)(leads)  # still in Moderators
        still_open = await socket.receive_nothing(timeout=1)
    finally:
        await socket.disconnect()

    assert still_open


async def test_a_change_no_signal_sees_is_caught_by_the_periodic_recheck(django_user_model, monkeypatch):
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.3)
    client, user = await sync_to_async(moderator_signed_in)(django_user_model, "behind-the-back")
    socket = await open_socket(client)
    try:
        await sync_to_async(django_user_model.objects.filter(pk=user.pk).update)(is_active=False)
        error, closed = await closed_within(socket, 3)
    finally:
        await socket.disconnect()

    assert error["code"] == "forbidden" and closed == {"type": "websocket.close", "code": 4403}
