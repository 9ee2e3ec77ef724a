from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from h5p import selectors, services
from h5p.forms import H5PPackageForm
from h5p.models import H5PPackage


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "pick"
    menu_label = gettext_lazy("H5P packages")
    add_to_admin_menu = True
    list_display = ["title", "main_library", "file_count", "created_at"]
    search_fields = ["title", "main_library"]
    edit_handler = ObjectList([FieldPanel("title"), FieldPanel("upload")], base_form_class=H5PPackageForm)


register_snippet(H5PPackageViewSet)


@hooks.register("before_delete_snippet")
def refuse_deleting_played_packages(request, instances):
    """Learners' results protect a package; say so instead of failing on the protected foreign key."""
    packages = [instance for instance in instances if isinstance(instance, H5PPackage)]
    played = selectors.packages_with_results(packages=packages)
    if not played:
        return None
    messages.error(
        request,
        _("“%(title)s” has learners' results, so it cannot be deleted.") % {"title": played[0].title},
    )
    return redirect("wagtailsnippets_h5p_h5ppackage:list")


@hooks.register("after_delete_snippet")
def forget_deleted_package_files(request, instances):
    for instance in instances:
        if isinstance(instance, H5PPackage):
            services.package_files_forget(content_hash=instance.content_hash)
