"""Webinars are authored in the Wagtail admin, as snippets with revisions: where presenters and officers already
author courses. Each person sees the webinars of associations they may issue for, and those they present
(``webinars.permissions``: officers need not be in the Trainers group)."""

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from webinars.forms import RecordingPolicyAdminForm, WebinarAdminForm
from webinars.models import RecordingPolicy, Webinar
from webinars.permissions import ScopedPermissionPolicy, recording_policy_scope, webinar_scope

WEBINAR_POLICY = ScopedPermissionPolicy(Webinar, webinar_scope)
RECORDING_POLICY_POLICY = ScopedPermissionPolicy(RecordingPolicy, recording_policy_scope)
register_permission_policy(Webinar, WEBINAR_POLICY)
register_permission_policy(RecordingPolicy, RECORDING_POLICY_POLICY)


class ScopedSnippetViewSet(SnippetViewSet):
    """Every view of one object (edit, delete, history, usage, revisions, preview, copy...) first asks the permission
    policy whether the person may act on that object: Wagtail's generic views check the model permission only."""

    def construct_view(self, view_class, **kwargs):
        view = super().construct_view(view_class, **kwargs)
        policy = self.permission_policy

        @functools.wraps(view)
        def scoped(request, *args, **view_kwargs):
            pk = view_kwargs.get("pk")
            if pk is not None and not request.user.is_superuser:
                allowed = policy.instances_user_has_any_permission_for(request.user, ["change", "view", "delete"])
                if not allowed.filter(pk=unquote(str(pk))).exists():
                    raise PermissionDenied
            return view(request, *args, **view_kwargs)

        return scoped


class WebinarViewSet(ScopedSnippetViewSet):
    model = Webinar
    icon = "date"
    menu_label = _("Webinars")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["title", "kind", "association", "starts_at"]
    list_filter = ["kind", "track", "association"]
    search_fields = ["title", "description"]
    edit_handler_panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("track"), FieldPanel("association")]),
        FieldPanel("presenters"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("time_zone")])],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("audience"), FieldPanel("capacity")]),
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
                FieldPanel("invitees"),
            ],
            heading=_("Who takes part"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("cpd_hours"), FieldPanel("attendance_threshold")]),
                FieldPanel("recording_visibility"),
                FieldPanel("course"),
            ],
            heading=_("Attendance, certificate and recording"),
        ),
    ]
    edit_handler = ObjectList(edit_handler_panels, base_form_class=WebinarAdminForm)

    def get_queryset(self, request):
        return WEBINAR_POLICY.instances_user_has_any_permission_for(request.user, ["change", "view"]).select_related(
            "association"
        )


class RecordingPolicyViewSet(ScopedSnippetViewSet):
    """How long each association keeps its recordings (the daily retention task deletes older ones on BBB)."""

    model = RecordingPolicy
    icon = "time"
    menu_label = _("Recording retention")
    add_to_admin_menu = False
    list_display = ["association", "retention_days"]
    edit_handler = ObjectList(
        [FieldPanel("association"), FieldPanel("retention_days")], base_form_class=RecordingPolicyAdminForm
    )

    def get_queryset(self, request):
        return RECORDING_POLICY_POLICY.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).select_related("association")


register_snippet(WebinarViewSet)
register_snippet(RecordingPolicyViewSet)
