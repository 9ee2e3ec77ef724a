from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certificates import selectors
from certificates.models import CertificateTemplate


class CertificateTemplateAdminForm(WagtailAdminModelForm):
    """Editors who are not superusers may only make templates for associations they manage."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not user.is_superuser and "association" in self.fields:
            self.fields["association"].queryset = selectors.associations_managed_by(user)


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    add_to_admin_menu = True
    list_display = ["name", "association", "language", "orientation", "is_default"]
    list_filter = ["association", "language", "is_default"]
    search_fields = ["name", "title"]
    edit_handler = ObjectList(CertificateTemplate.panels, base_form_class=CertificateTemplateAdminForm)

    def get_queryset(self, request):
        queryset = CertificateTemplate.objects.select_related("association")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(association__in=selectors.associations_managed_by(request.user))


register_snippet(CertificateTemplateViewSet)
