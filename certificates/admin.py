from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certificates import services
from certificates.models import Certificate, CertificateEvent, CertificateExport, ManualAward, PendingCertificate


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change only through services (issue, revoke, regenerate)."""

    list_display = ["achievement_title", "recipient_name", "issuer_name", "issued_at", "status", "pdf_rendered_at"]
    list_filter = ["status", "kind", "issuer"]
    search_fields = ["recipient_name", "achievement_title", "recipient__email"]
    inlines = [CertificateEventInline]
    actions = ["regenerate_pdf"]
    exclude = ["verification_code", "code_digest"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("verification_code", "code_digest")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Regenerate the PDF of the selected certificates"))
    def regenerate_pdf(self, request, queryset):
        count = 0
        for certificate in queryset:
            services.certificate_pdf_regenerate(certificate=certificate)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d PDF queued for rendering.", "%(count)d PDFs queued for rendering.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(PendingCertificate)
class PendingCertificateAdmin(admin.ModelAdmin):
    """Read-only: what waits for its recipient's name; issued by ``certificate_pending_issue`` when it is given."""

    list_display = ["achievement_title", "recipient", "issuer", "created_at", "notified_at"]
    list_filter = ["issuer"]
    search_fields = ["achievement_title", "recipient__email"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ManualAward)
class ManualAwardAdmin(admin.ModelAdmin):
    list_display = ["title", "association", "date", "cpd_hours", "created_by"]
    list_filter = ["association"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(CertificateExport)
class CertificateExportAdmin(admin.ModelAdmin):
    list_display = ["title", "association", "requested_by", "status", "done", "total", "created_at"]
    readonly_fields = [
        "public_id",
        "association",
        "source_type",
        "source_id",
        "title",
        "requested_by",
        "status",
        "total",
        "done",
        "file",
        "error",
        "created_at",
        "finished_at",
    ]
