"""The two staff groups that work the moderation queue. Nobody else sees cases, notes, alerts or transcripts: a
permission is granted by joining a group, never one user at a time."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ["work_case", "view_case", "read_transcript", "view_conversation"]
GROUPS = {
    "Moderators": MODERATOR_PERMISSIONS,
    "Moderation leads": [*MODERATOR_PERMISSIONS, "lead_case", "change_case"],
}


def groups_create(apps, schema_editor) -> None:
    using = schema_editor.connection.alias
    # Permissions are normally created after the last migration (post_migrate); on a fresh database this one
    # runs first, so create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None
    groups_grant(apps, using)


def groups_grant(apps, using: str = "default") -> None:
    """The groups and their permissions, once the permissions exist. Also called by tests: a flush between
    transactional tests removes what migrations wrote."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label="conversations",
                                                                      codename__in=codenames))


def groups_delete(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_delete)]
