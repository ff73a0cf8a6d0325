"""The "DLA administrators" group: Wagtail admin access, and whatever other apps grant it
(certificates: the certificate images collection). Superusers need no group. Trainers and
DLA administrators are marked staff."""

from django.db import migrations

GROUP = "DLA administrators"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")
    group, _created = Group.objects.get_or_create(name=GROUP)
    admin_type, _created = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _created = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group.permissions.add(access)
    for user in User.objects.filter(role="dla_admin", is_superuser=False):
        user.groups.add(group)
    # Only staff enter the admins now (config.security.StaffOnlyAdminMiddleware); trainers
    # and DLA administrators made through Wagtail's user screens were not marked staff.
    User.objects.filter(role__in=["trainer", "dla_admin"], is_staff=False).update(is_staff=True)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_consent_purpose_line"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
