"""Trainers translate the courses they train (Wagtail's simple_translation "Translate" action).

The permission opens the action; which pages a trainer may translate is decided page by page: the action asks the
page's ``permissions_for_user(...).can_edit()``, which ``courses.authoring`` grants to a course's trainers only.
"""

from django.db import migrations

TRAINERS = "Trainers"  # accounts.roles.TRAINERS_GROUP (a migration keeps its own copy)


def _permission(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="simple_translation", model="simpletranslation"
    )
    return Permission.objects.get_or_create(
        content_type=content_type, codename="submit_translation", defaults={"name": "Can submit translations"}
    )[0]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=TRAINERS)
    group.permissions.add(_permission(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=TRAINERS).first()
    if group is not None:
        group.permissions.remove(_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_enrolment_left_by"),
        ("simple_translation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
