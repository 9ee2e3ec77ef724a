"""Writes for the site pages: who may edit which section.

Trainers are granted the course catalogues only (the course pages there narrow it to the courses each person
trains); the site's own pages (home, tracks, standard pages) are the site administrators'.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from accounts.roles import TRAINERS_GROUP

TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


@transaction.atomic
def trainers_grant_section(*, page: Page) -> int:
    """Idempotent: lets Trainers add, change and publish pages under ``page`` and under each of its translations.

    Meant for a course catalogue: the pages below it decide, page by page, what each trainer may do there.

    Returns how many permissions were newly granted (0 when the section was already granted).
    """
    group, _created = Group.objects.get_or_create(name=TRAINERS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page", codename__in=TRAINER_PAGE_PERMISSIONS
    )
    granted = 0
    for section in page.get_translations(inclusive=True):
        for permission in permissions:
            _grant, created = GroupPagePermission.objects.get_or_create(
                group=group, page=section, permission=permission
            )
            granted += created
    return granted
