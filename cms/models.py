from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from cms.blocks import BaseStreamBlock
from cms.tracks import Track, track_listings
from cms.visibility import KnownViewRestrictionsMixin, not_view_restricted


class HomePage(KnownViewRestrictionsMixin, Page):
    """The site root: what LIS Commons offers, and the tracks."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """A child page in one query, its specific type joined (Wagtail asks for the child, then for its type); a
        child of a type not joined here is routed as Wagtail does."""
        if path_components:
            joined = [
                model._meta.model_name
                for model in self.specific_class.allowed_subpage_models()
                if model._meta.get_parent_list() == [Page]
            ]
            child = Page.objects.child_of(self).filter(slug=path_components[0]).select_related(*joined).first()
            if child is not None and child.specific_class is not None:
                name = child.specific_class._meta.model_name
                specific = getattr(child, name, None) if name in joined else None
                if specific is not None:
                    specific._cached_parent_obj = self
                    return specific.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Public as Wagtail's public() has it, read inside this query (cms.visibility): one query, not two.
        context["tracks"] = TrackPage.objects.child_of(self).live().filter(not_view_restricted()).order_by("path")
        return context


class StandardPage(KnownViewRestrictionsMixin, Page):
    """A plain content page (about, help, policies)."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.TrackPage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class TrackPage(KnownViewRestrictionsMixin, Page):
    """A training track: what it is for, who it serves, and its courses."""

    track = models.CharField(_("track"), max_length=32, choices=Track.choices)
    intro = models.CharField(_("introduction"), max_length=300)
    audience = models.CharField(_("who it is for"), max_length=300, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("track"),
        FieldPanel("intro"),
        FieldPanel("audience"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("audience"),
        index.SearchField("body"),
        index.FilterField("track"),
    ]

    parent_page_types = ["cms.HomePage"]
    # No subpage_types: the children name TrackPage in their parent_page_types (StandardPage here,
    # courses' CoursePage above us), since cms sits below courses and must not name its page types.

    class Meta:
        verbose_name = _("track page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listings = track_listings(request=request, page=self)
        context["track_listings"] = listings
        sheets = (sheet for listing in listings for sheet in listing.stylesheets)
        context["track_stylesheets"] = list(dict.fromkeys(sheets))
        return context


class LinkBase(Orderable):
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("external link"), blank=True)
    label = models.CharField(
        _("label"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to show the page title in the reader's language."),
    )

    panels = [PageChooserPanel("page"), FieldPanel("url"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        abstract = True


class MenuLink(LinkBase):
    setting = ParentalKey("cms.NavigationSettings", related_name="menu_links", on_delete=models.CASCADE)


class FooterLink(LinkBase):
    setting = ParentalKey("cms.NavigationSettings", related_name="footer_links", on_delete=models.CASCADE)


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting, ClusterableModel):
    """Main menu and footer links, edited in Settings; only site administrators may change them.

    Links point at pages of the default language and are shown in the reader's language; the footer's
    words live in the translatable ``FooterText`` snippet.
    """

    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    panels = [
        InlinePanel("menu_links", label=_("Main menu")),
        MultiFieldPanel(
            [FieldPanel("contact_email"), InlinePanel("footer_links", label=_("Links"))],
            heading=_("Footer"),
        ),
    ]

    class Meta:
        verbose_name = _("navigation and footer")


class FooterText(TranslatableMixin, models.Model):
    """The words at the foot of every page, one per language (a snippet, translated like pages)."""

    body = RichTextField(_("footer text"), features=["bold", "italic", "link"])

    panels = [FieldPanel("body")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("footer text")
        verbose_name_plural = _("footer texts")

    def __str__(self):
        return str(_("Footer text (%(language)s)") % {"language": self.locale.get_display_name()})
