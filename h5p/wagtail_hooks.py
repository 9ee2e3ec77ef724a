from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from h5p.forms import H5PPackageForm
from h5p.models import H5PPackage


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "pick"
    menu_label = _("H5P packages")
    add_to_admin_menu = True
    list_display = ["title", "main_library", "file_count", "created_at"]
    search_fields = ["title", "main_library"]
    edit_handler = ObjectList([FieldPanel("title"), FieldPanel("upload")], base_form_class=H5PPackageForm)


register_snippet(H5PPackageViewSet)
