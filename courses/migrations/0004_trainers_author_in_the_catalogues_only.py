"""Trainers hold add, change and publish on each course catalogue and nowhere else.

Earlier sites also granted them the track pages (and anything ``cms.services.trainers_grant_section`` was called
on): those grants go. Within a catalogue, ``courses.authoring`` narrows the grant to the courses each person trains.
A catalogue made later is granted by ``trainers_grant_section`` (the demo does it).
"""

from django.db import migrations

TRAINERS = "Trainers"
CODENAMES = ("add_page", "change_page", "publish_page")


def grant_catalogues_only(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    CourseIndexPage = apps.get_model("courses", "CourseIndexPage")

    group = Group.objects.filter(name=TRAINERS).first()
    if group is None:
        return
    catalogues = list(CourseIndexPage.objects.values_list("pk", flat=True))
    GroupPagePermission.objects.filter(group=group).exclude(page_id__in=catalogues).delete()
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    for codename in CODENAMES:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_type, codename=codename, defaults={"name": f"Can {codename.split('_')[0]} page"}
        )
        for page_id in catalogues:
            GroupPagePermission.objects.get_or_create(group=group, page_id=page_id, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_learner_records_protect_their_pages"),
        ("cms", "0004_paragraph_block"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant_catalogues_only, migrations.RunPython.noop)]
