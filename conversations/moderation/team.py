"""Setting up the moderation team: making someone a moderator or a lead, and ending access the moment it is
withdrawn (docs/moderation.md, "The team").

`moderator_create` is the one way in, for `python manage.py createmoderator` and the admin's "Add moderator" page
alike. Joining a moderation group by any other path (the user's page in the admin, a script) makes the user staff
too: a member who cannot enter the admin cannot work the queue, which is how the Moderators group used to fail.

Access ends in four ways: leaving the groups (or a group losing the permission), losing a permission granted
directly, losing `is_staff` or `is_active`, or the account being deleted. Each is a database write that a signal
below sees; after it commits, the user's moderation sockets are asked to check again (events.staff_access_changed),
and each one that no longer passes closes within a second or so. A change made where no signal fires (SQL, a
queryset `update()`) is caught by the sockets' own re-check every 30 s (consumers.RECHECK_SECONDS).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from conversations import permissions
from conversations.moderation import events, selectors

# The fields whose change can withdraw access; a save that names none of them (a sign-in's `last_login`) cannot.
ACCESS_FIELDS = frozenset({"is_active", "is_staff", "is_superuser"})


@dataclass(frozen=True)
class ModeratorSetUp:
    user_id: int
    username: str
    group: str
    created: bool  # a new account, rather than an existing one made a moderator
    changed: bool  # False when the account already was staff, active and in the group (a repeated run)


def moderator_email_clean(email: str) -> str:
    """The email as the account's username: trimmed and lower-cased, so one person cannot get two accounts by
    typing their address twice differently."""
    email = (email or "").strip().lower()
    validate_email(email)
    if len(email) > get_user_model()._meta.get_field("username").max_length:
        raise ValidationError("This email address is too long to be a username.", code="invalid")
    return email


def moderator_create(*, email: str, lead: bool = False, password: str | None = None) -> ModeratorSetUp:
    """Make the person with `email` a moderator (a lead with `lead`): an active staff account in the group,
    created when there is none. An existing account keeps its password unless one is given; a new one needs one.
    Repeating it changes nothing. Only adds: it never takes anyone out of a group (that is done on the user's
    page in the admin). Raises ValidationError, before writing anything, for a bad email or a password the
    validators in AUTH_PASSWORD_VALIDATORS refuse."""
    email = moderator_email_clean(email)
    group_name = permissions.MODERATION_LEADS if lead else permissions.MODERATORS
    with transaction.atomic():
        matches = list(selectors.moderator_accounts(email=email).select_for_update()[:2])
        if len(matches) > 1:
            raise ValidationError(f"Several accounts use {email}; make one of them a moderator in the admin.",
                                  code="ambiguous")
        user = matches[0] if matches else get_user_model()(username=email, email=email)
        created = user.pk is None
        if password is None and created:
            raise ValidationError("A new account needs a password.", code="password_required")
        if password is not None:
            password_validation.validate_password(password, user)
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            raise ValidationError(f'The group "{group_name}" is missing: run `python manage.py migrate`.',
                                  code="no_group")
        changed = created or password is not None or not (user.is_staff and user.is_active)
        user.is_staff = user.is_active = True
        if not user.email:
            user.email = email
        if password is not None:
            user.set_password(password)
        user.save()
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            changed = True
    return ModeratorSetUp(user_id=user.pk, username=user.get_username(), group=group_name, created=created,
                          changed=changed)


# --- signals: joining makes staff, leaving closes the sockets --------------------------------------------------

def moderation_group_ids() -> set[int]:
    return set(Group.objects.filter(name__in=permissions.MODERATION_GROUPS).values_list("pk", flat=True))


def user_groups_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """user.groups.add/remove/clear, and the same from the group's side (group.user_set)."""
    if action == "pre_clear":
        # After a clear there is no saying who was in the group; remember them now.
        instance._team_cleared = ({instance.pk} if not reverse
                                  else set(instance.user_set.values_list("pk", flat=True)))
        return
    if action == "post_add":
        group_ids = pk_set if not reverse else {instance.pk}
        user_ids = {instance.pk} if not reverse else pk_set
        if group_ids & moderation_group_ids():
            get_user_model().objects.filter(pk__in=user_ids, is_staff=False).update(is_staff=True)
            if not reverse:
                instance.is_staff = True  # so that a later save of this same object keeps it
    elif action == "post_remove":
        events.staff_access_changed_on_commit({instance.pk} if not reverse else pk_set)
    elif action == "post_clear":
        events.staff_access_changed_on_commit(getattr(instance, "_team_cleared", ()))


def user_permissions_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """A permission granted to a user directly and taken away (user.user_permissions, permission.user_set)."""
    if action == "pre_clear" and reverse:
        instance._team_cleared = set(instance.user_set.values_list("pk", flat=True))
    elif action == "post_remove":
        events.staff_access_changed_on_commit({instance.pk} if not reverse else pk_set)
    elif action == "post_clear":
        events.staff_access_changed_on_commit({instance.pk} if not reverse else getattr(instance, "_team_cleared", ()))


def group_permissions_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """A group losing a permission (group.permissions, permission.group_set): every member checks again."""
    if action not in ("post_remove", "post_clear"):
        return
    if not reverse:
        group_ids = {instance.pk}
    else:
        group_ids = pk_set if action == "post_remove" else None  # a permission cleared from every group
    members = get_user_model().objects.filter(is_staff=True)
    members = members.filter(groups__in=group_ids) if group_ids is not None else members
    events.staff_access_changed_on_commit(members.values_list("pk", flat=True).distinct())


def user_saved(sender, instance, created: bool, update_fields, **kwargs) -> None:
    if created or (update_fields is not None and not ACCESS_FIELDS & set(update_fields)):
        return
    if not (instance.is_active and instance.is_staff and instance.is_superuser):
        # Asking the user's sockets (none, for most people) is cheaper than reading what the save changed.
        events.staff_access_changed_on_commit([instance.pk])


def user_deleted(sender, instance, **kwargs) -> None:
    events.staff_access_changed_on_commit([instance.pk])


def group_deleting(sender, instance, **kwargs) -> None:
    # The cascade removes the memberships without m2m signals: read the members while they are there.
    events.staff_access_changed_on_commit(list(instance.user_set.values_list("pk", flat=True)))


def signals_connect() -> None:
    user_model = get_user_model()
    for receiver, through in ((user_groups_changed, user_model.groups.through),
                              (user_permissions_changed, user_model.user_permissions.through),
                              (group_permissions_changed, Group.permissions.through)):
        m2m_changed.connect(receiver, sender=through, dispatch_uid=f"conversations.team.{receiver.__name__}")
    post_save.connect(user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="conversations.team.user_saved")
    post_delete.connect(user_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="conversations.team.user_deleted")
    pre_delete.connect(group_deleting, sender=Group, dispatch_uid="conversations.team.group_deleting")
