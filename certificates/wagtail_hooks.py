from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certificates.models import CertificateTemplate


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    add_to_admin_menu = True
    list_display = ["name", "association", "language", "orientation", "is_default"]
    list_filter = ["association", "language", "is_default"]
    search_fields = ["name", "title"]


register_snippet(CertificateTemplateViewSet)
