"""The demo Wagtail site: home page at the site root, the three tracks and About, each in English and Russian."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import FooterLink, FooterText, HomePage, MenuLink, NavigationSettings, StandardPage, TrackPage
from lms.demo import Login
from lms.demo.pages import page_upsert_child, page_upsert_translation
from lms.demo.site_texts import ABOUT, FOOTER, HOME, TRACKS

HOSTNAME = "127.0.0.1"
PORT = 8000
SITE_NAME = "LIS Commons"
CONTACT_EMAIL = "hello@lis-commons.local"


@transaction.atomic
def build_site() -> list[Login]:
    """Pages in both languages, the default Site pointing at the home page, navigation, footer.

    Trainers get no rights on these pages: they author in the course catalogue (lms.demo.courses grants it)."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    russian, _created = Locale.objects.get_or_create(language_code="ru")

    home = _home_page(english)
    site = _default_site(home)
    page_upsert_translation(page=home, locale=russian, fields=HOME["ru"])

    tracks = []
    for track, texts in TRACKS.items():
        page = page_upsert_child(
            parent=home, model=TrackPage, slug=track.value, fields={"track": track.value, **texts["en"]}
        )
        page_upsert_translation(page=page, locale=russian, fields={"track": track.value, **texts["ru"]})
        tracks.append(page)

    about = page_upsert_child(parent=home, model=StandardPage, slug="about", fields=ABOUT["en"])
    page_upsert_translation(page=about, locale=russian, fields=ABOUT["ru"])

    _navigation(site, menu=[*tracks, about], footer=[about])
    _footer_text(english, russian)
    return []


def _home_page(english: Locale) -> HomePage:
    """Our HomePage directly under the tree root, replacing Wagtail's "Welcome" placeholder page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(depth=2, locale=english).first()
    if home is None:
        # Wagtail's own migration leaves a plain Page ("Welcome to your new Wagtail site!") as the site root.
        placeholders = list(Page.objects.child_of(root).filter(content_type=ContentType.objects.get_for_model(Page)))
        if placeholders:
            # A Site's root page cascades: point sites at the tree root while the placeholder goes.
            Site.objects.filter(root_page__in=placeholders).update(root_page=root)
            for placeholder in placeholders:
                placeholder.delete()
            root.refresh_from_db()
    return page_upsert_child(parent=root, model=HomePage, slug="home", fields=HOME["en"])


def _default_site(home: HomePage) -> Site:
    """The one default Site (any host name, e.g. testserver, falls back to it) rooted at ``home``."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        site = Site(hostname=HOSTNAME, port=PORT, site_name=SITE_NAME, root_page=home, is_default_site=True)
        site.save()
        return site
    Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
    site.hostname, site.port, site.site_name = HOSTNAME, PORT, SITE_NAME
    site.root_page, site.is_default_site = home, True
    site.save(update_fields=["hostname", "port", "site_name", "root_page", "is_default_site"])
    Site.clear_site_root_paths_cache()
    return site


def _navigation(site: Site, *, menu: list[Page], footer: list[Page]) -> None:
    """Menu and footer links to the English pages; readers see each link's translation.

    Menu links that later steps added (the course catalogue) are kept after these."""
    nav = NavigationSettings.for_site(site)
    changed = False
    existing = [link.page_id for link in nav.menu_links.all()]
    wanted = [page.pk for page in menu]
    wanted += [page_id for page_id in existing if page_id not in wanted]
    if existing != wanted:
        nav.menu_links = [MenuLink(page_id=page_id) for page_id in wanted]
        changed = True
    if [link.page_id for link in nav.footer_links.all()] != [page.pk for page in footer]:
        nav.footer_links = [FooterLink(page=page) for page in footer]
        changed = True
    if nav.contact_email != CONTACT_EMAIL:
        nav.contact_email = CONTACT_EMAIL
        changed = True
    if changed:
        nav.save()


def _footer_text(english: Locale, russian: Locale) -> None:
    source = FooterText.objects.filter(locale=english).first()
    if source is None:
        source = FooterText.objects.create(locale=english, body=FOOTER["en"])
    elif source.body != FOOTER["en"]:
        source.body = FOOTER["en"]
        source.save(update_fields=["body"])
    translation = source.get_translation_or_none(russian)
    if translation is None:
        FooterText.objects.create(locale=russian, translation_key=source.translation_key, body=FOOTER["ru"])
    elif translation.body != FOOTER["ru"]:
        translation.body = FOOTER["ru"]
        translation.save(update_fields=["body"])
