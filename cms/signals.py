"""What bumps ``cms.cache``'s generation: every change to what the site chrome shows (menu and footer links, the
footer text, the catalogue link, a page's translations), to which pages carry view restrictions (cms.visibility) and to
what routing a request finds (cms.routing: pages, sites, locales and the issuers loaded with courses).
Page saves cover publishing, unpublishing, moves, new translations and title or slug changes; a draft saved in the
admin bumps too, which costs one rebuild, never a stale link."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move

from accounts.models import Association
from cms import cache
from cms.models import FooterLink, FooterText, MenuLink, NavigationSettings

# PageViewRestriction: cms.visibility keeps the restricted pages' paths in the generation. Association: a course's
# issuer is loaded with its route (cms.routing keeps routes); a new association is no course's issuer yet.
CHROME_MODELS = (
    Page,
    Locale,
    Site,
    PageViewRestriction,
    NavigationSettings,
    MenuLink,
    FooterLink,
    FooterText,
    Association,
)


def _model_changed(sender, instance, created=False, **kwargs):
    if not isinstance(instance, CHROME_MODELS):
        return
    if created and isinstance(instance, NavigationSettings) and not instance.contact_email:
        # Wagtail creates a site's settings row, empty, the first time a page reads it: nothing shown changes
        # (its links are rows of their own, which bump when saved).
        return
    if created and isinstance(instance, Association):
        return
    cache.bump()


def _page_changed(sender, **kwargs):
    cache.bump()


def connect() -> None:
    """Called once from ``CmsConfig.ready``."""
    post_save.connect(_model_changed, dispatch_uid="cms.cache.post_save")
    post_delete.connect(_model_changed, dispatch_uid="cms.cache.post_delete")
    page_unpublished.connect(_page_changed, dispatch_uid="cms.cache.page_unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="cms.cache.post_page_move")
