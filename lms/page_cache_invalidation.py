"""What drops the anonymous page cache (lms.page_cache): every change that can alter a page anonymous readers see.

Connected once from ``LmsConfig.ready()``. Editors' changes are rare next to reads, so each one drops every page
(a new generation) rather than working out which pages it touches. Per-learner writes (enrolments, progress,
attempts, ballots, registrations) are not listed: no cached page shows them, and they would empty the cache all day.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.page_cache import pages_invalidate

# Names on course pages come from the trainers' accounts: get_full_name() is the display name or the e-mail.
TRAINER_NAME_FIELDS = {"display_name", "email"}


def _models_shown_on_pages():
    """Models outside the page tree whose rows anonymous pages print."""
    from wagtail.contrib.redirects.models import Redirect

    from accounts.models import Association
    from cms.models import FooterLink, FooterText, MenuLink, NavigationSettings
    from courses.models import Skill

    return [
        PageViewRestriction,  # a page that becomes restricted must stop being served from the cache at once
        Site,
        Locale,
        Redirect,
        NavigationSettings,  # menus, footer links, contact address (site settings)
        MenuLink,
        FooterLink,
        FooterText,
        get_image_model(),  # course covers and images in page bodies
        get_document_model(),  # document links in page bodies
        Skill,  # skill tags on course cards and course pages
        Association,  # "Issued by" on course cards and course pages
    ]


def _any_change(**kwargs):
    pages_invalidate()


def _page_saved_or_deleted(sender, instance, **kwargs):
    # Publishing saves the page (and sends page_published); so do moves within Wagtail, edits by services and
    # pages created live (copies, fixtures).
    if isinstance(instance, Page):
        pages_invalidate()


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    """A trainer's new name shows on their courses' pages; logins (last_login) and new accounts change no page."""
    if created or (update_fields is not None and not TRAINER_NAME_FIELDS & set(update_fields)):
        return
    from courses.models import CoursePage

    if CoursePage.objects.filter(trainers=instance).exists():
        pages_invalidate()


def page_cache_connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_any_change, dispatch_uid="page_cache")
    post_save.connect(_page_saved_or_deleted, dispatch_uid="page_cache_page_saved")
    post_delete.connect(_page_saved_or_deleted, dispatch_uid="page_cache_page_deleted")
    for model in _models_shown_on_pages():
        post_save.connect(_any_change, sender=model, dispatch_uid=f"page_cache_{model._meta.label_lower}")
        post_delete.connect(_any_change, sender=model, dispatch_uid=f"page_cache_{model._meta.label_lower}")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="page_cache_user")
    # A deleted trainer leaves their courses' pages: rare enough to drop every page.
    post_delete.connect(_any_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="page_cache_user")
