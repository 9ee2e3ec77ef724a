from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet, SnippetCreateView
from wagtail.snippets.views.snippets import SnippetViewSet

from h5p import selectors, services
from h5p.forms import H5PPackageForm
from h5p.models import H5PLibrary, H5PPackage

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


class LibraryPermissionPolicy(ModelPermissionPolicy):
    """Library records are written only by uploads (``services.package_upload``); people who may install
    library code may look at them, nobody may add, edit or delete them here."""

    def user_has_permission(self, user, action):
        return action == "view" and services.library_may_install(user) and getattr(user, "is_authenticated", False)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


register_permission_policy(H5PLibrary, LibraryPermissionPolicy(H5PLibrary), exact_class=True)


class H5PLibraryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("updated_by")


class H5PLibraryViewSet(ModelViewSet):
    model = H5PLibrary
    index_view_class = H5PLibraryIndexView
    icon = "code"
    menu_label = gettext_lazy("H5P libraries")
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ["machine_name", "version", "title", "updated_by", "updated_at"]
    search_fields = ["machine_name", "title"]
    inspect_view_fields = [
        "machine_name",
        "major_version",
        "minor_version",
        "patch_version",
        "title",
        "digest",
        "installed_by",
        "installed_at",
        "updated_by",
        "updated_at",
        "files",
    ]
    form_fields = []  # never used: the permission policy allows no add or edit


@hooks.register("register_admin_viewset")
def register_library_viewset():
    return H5PLibraryViewSet("h5p_libraries")
