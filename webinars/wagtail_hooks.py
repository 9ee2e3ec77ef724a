"""Webinars are authored in the Wagtail admin, as snippets with revisions: where presenters and officers already
author courses. Each person sees the webinars of associations they may issue for, and those they present."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import associations_issuable_by, associations_officered_by
from webinars.forms import WebinarAdminForm
from webinars.models import RecordingPolicy, Webinar


class WebinarViewSet(SnippetViewSet):
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
        queryset = Webinar.objects.select_related("association")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(association__in=associations_issuable_by(request.user)) | Q(presenters=request.user)
        ).distinct()


class RecordingPolicyViewSet(SnippetViewSet):
    """How long each association keeps its recordings (the daily retention task deletes older ones on BBB)."""

    model = RecordingPolicy
    icon = "time"
    menu_label = _("Recording retention")
    add_to_admin_menu = False
    list_display = ["association", "retention_days"]
    panels = [FieldPanel("association"), FieldPanel("retention_days")]

    def get_queryset(self, request):
        queryset = RecordingPolicy.objects.select_related("association")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(association__in=associations_officered_by(request.user))


register_snippet(WebinarViewSet)
register_snippet(RecordingPolicyViewSet)
