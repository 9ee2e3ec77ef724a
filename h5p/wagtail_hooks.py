from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet, SnippetCreateView
from wagtail.snippets.views.snippets import SnippetViewSet

from h5p import selectors, services
from h5p.forms import H5PPackageForm
from h5p.models import H5PPackage

CHOOSE_PERMISSION = "h5p.choose_h5ppackage"


class _PackageChooserMixin:
    """The chooser is for people allowed to pick packages; its upload tab knows who uploads (library rights)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CHOOSE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_creation_form_kwargs(self):
        return {**super().get_creation_form_kwargs(), "for_user": self.request.user}


class PackageChooseView(_PackageChooserMixin, ChooseView):
    pass


class PackageChooseResultsView(_PackageChooserMixin, ChooseResultsView):
    pass


class PackageCreateView(_PackageChooserMixin, SnippetCreateView):
    pass


class H5PPackageChooserViewSet(SnippetChooserViewSet):
    choose_view_class = PackageChooseView
    choose_results_view_class = PackageChooseResultsView
    create_view_class = PackageCreateView
    creation_form_class = H5PPackageForm
    create_action_label = gettext_lazy("Upload")
    create_action_clicked_label = gettext_lazy("Uploading…")
    creation_tab_label = gettext_lazy("Upload")


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "pick"
    menu_label = gettext_lazy("H5P packages")
    add_to_admin_menu = True
    list_display = ["title", "main_library", "file_count", "created_at"]
    search_fields = ["title", "main_library"]
    edit_handler = ObjectList([FieldPanel("title"), FieldPanel("upload")], base_form_class=H5PPackageForm)
    chooser_viewset_class = H5PPackageChooserViewSet


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
