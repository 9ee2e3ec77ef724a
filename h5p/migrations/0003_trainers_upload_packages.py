"""Trainers upload H5P content: add, change, view and choose packages. Installing library code stays with
site administrators (``h5p.install_library`` is granted to nobody here)."""

from django.db import migrations

TRAINERS = "Trainers"  # accounts.roles.TRAINERS_GROUP (a migration keeps its own copy)
CODENAMES = {
    "add_h5ppackage": "Can add H5P package",
    "change_h5ppackage": "Can change H5P package",
    "view_h5ppackage": "Can view H5P package",
    "choose_h5ppackage": "Can choose H5P packages",
}


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="h5p", model="h5ppackage")
    return [
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in CODENAMES.items()
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=TRAINERS)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=TRAINERS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0002_libraries_and_choose_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
