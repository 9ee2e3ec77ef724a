import csv
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from accounts.models import Association
from accounts.names import display_name_is_printable
from accounts.refusals import Refusal, refusal_respond
from accounts.throttle import throttle_hit
from accounts.validators import spreadsheet_text
from certificates import badges, selectors, services
from certificates.forms import CertificateNameForm, ManualIssueForm, RevokeForm, SourceIssueForm, VerifyForm
from certificates.models import Certificate, CertificateExport
from certificates.pdf import certificate_pdf_filename, html_to_pdf, verification_url

JSON_LD = "application/ld+json"


def _client_ip(request) -> str:
    # REMOTE_ADDR only: a forwarded header is the client's to forge. Behind a proxy, have the proxy set it.
    return request.META.get("REMOTE_ADDR", "unknown")


def _verify_rate_limited(request) -> bool:
    """Per IP: CERTIFICATES_VERIFY_RATE_LIMIT lookups a CERTIFICATES_VERIFY_RATE_WINDOW."""
    return throttle_hit(
        scope="certificates-verify",
        who=_client_ip(request),
        limit=settings.CERTIFICATES_VERIFY_RATE_LIMIT,
        window=settings.CERTIFICATES_VERIFY_RATE_WINDOW,
    )


def _verify_refusal(request, *, status: int, form=None):
    return render(
        request,
        "certificates/verify_form.html",
        {"form": form or VerifyForm(), "not_found": status == 404, "rate_limited": status == 429},
        status=status,
    )


@require_safe
def verify_form(request):
    """Type a code: a known one redirects to its page; any other answers 'not found' (404), no hints."""
    if "code" not in request.GET:
        return render(request, "certificates/verify_form.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, "certificates/verify_form.html", {"form": form}, status=400)
    if _verify_rate_limited(request):
        return _verify_refusal(request, status=429, form=form)
    certificate = selectors.certificate_by_code(form.cleaned_data["code"])
    if certificate is None:
        return _verify_refusal(request, status=404, form=form)
    return redirect("certificates:verify", code=certificate.verification_code)


@require_safe
def verify(request, code):
    """Public: valid or revoked, plainly, with only the name, achievement, hours, date and issuer."""
    if _verify_rate_limited(request):
        return _verify_refusal(request, status=429)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return _verify_refusal(request, status=404)
    response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def mine(request):
    certificates = selectors.certificates_of_recipient_list(user=request.user)
    rows = [
        {"certificate": c, "verify_url": verification_url(c), "linkedin_url": _linkedin_url(c)} for c in certificates
    ]
    context = {
        "rows": rows,
        "waiting": selectors.certificates_waiting_for_name(user=request.user, certificates=certificates),
        "has_name": display_name_is_printable(request.user.display_name),
        "manages": selectors.user_manages_any(request.user),
    }
    return render(request, "certificates/mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_name(request):
    """The page "Your name on certificates": certificates waiting for the name are issued once it is given."""
    current = request.user.display_name
    initial = {"display_name": current if display_name_is_printable(current) else ""}
    form = CertificateNameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.recipient_name_set(user=request.user, display_name=form.cleaned_data["display_name"])
        except Refusal as error:
            form.add_error("display_name", error)
        else:
            messages.success(request, _("Your name on certificates is saved."))
            if issued:
                messages.success(request, _("%(count)d certificate(s) issued.") % {"count": len(issued)})
            return redirect("certificates:mine")
    context = {"form": form, "waiting": selectors.certificates_waiting_for_name(user=request.user)}
    return render(request, "certificates/name.html", context, status=400 if form.errors else 200)


def _linkedin_url(certificate: Certificate) -> str:
    issued = timezone.localtime(certificate.issued_at)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.achievement_title,
        "organizationName": certificate.issuer_name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verification_url(certificate),
        "certId": certificate.code_grouped,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def _downloadable(request, code) -> Certificate:
    certificate = selectors.certificate_for_download(user=request.user, code=code)
    if certificate is None:
        raise Http404
    return certificate


@login_required
@require_GET
def download_pdf(request, code):
    """The recipient, staff and the issuing association's managers only; anyone else gets 404."""
    certificate = _downloadable(request, code)
    if not certificate.pdf:
        services.certificate_pdf_render(certificate_id=certificate.pk)
        certificate.refresh_from_db(fields=["pdf"])
    if not certificate.pdf:
        # A legacy certificate without a name is never printed with the e-mail address instead.
        if certificate.recipient_id == request.user.pk:
            messages.info(request, _("Tell us the name to print on your certificates first."))
            return redirect("certificates:name")
        refusal = Refusal.conflict(
            _("The recipient has not given the name to print on this certificate yet."), code="name_missing"
        )
        return refusal_respond(request, refusal)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=certificate_pdf_filename(certificate),
        content_type="application/pdf",
    )


@login_required
@require_GET
def credential_json(request, code):
    certificate = _downloadable(request, code)
    body = json.dumps(badges.credential(certificate), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=f"{JSON_LD}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credential-{certificate.verification_code[:8]}.json"'
    return response


@login_required
@require_GET
def credential_jws(request, code):
    certificate = _downloadable(request, code)
    response = HttpResponse(badges.credential_jws(certificate), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="credential-{certificate.verification_code[:8]}.jwt"'
    return response


@login_required
@require_GET
def transcript(request):
    return render(request, "certificates/transcript.html", {"transcript": selectors.cpd_transcript(user=request.user)})


@login_required
@require_GET
def transcript_csv(request):
    data = selectors.cpd_transcript(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cpd-transcript.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Cyrillic names and titles)
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Achievement"), _("Kind"), _("Issuer"), _("CPD hours"), _("Verification URL")])
    for cert in data["rows"]:
        writer.writerow(
            [
                timezone.localtime(cert.issued_at).date().isoformat(),
                spreadsheet_text(cert.achievement_title),
                cert.get_kind_display(),
                spreadsheet_text(cert.issuer_name),
                cert.cpd_hours,
                verification_url(cert),
            ]
        )
    writer.writerow([_("Total"), "", "", "", data["total"], ""])
    return response


@login_required
@require_GET
def transcript_pdf(request):
    html = render_to_string(
        "certificates/pdf/transcript.html",
        {
            "transcript": selectors.cpd_transcript(user=request.user),
            # The name as certificates print it; never the e-mail address (get_full_name's fallback).
            "person_name": request.user.display_name if display_name_is_printable(request.user.display_name) else "",
            "today": timezone.now(),
        },
        request=request,
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="cpd-transcript.pdf"'
    return response


# --- Management: officers of an association manage all of its certificates; a course's trainers those of their
# own courses (certificates.access); everyone else gets 404, as if the pages did not exist.


def _manager_or_404(request) -> None:
    if not selectors.user_manages_any(request.user):
        raise Http404


@login_required
@require_GET
def manage(request):
    """Officers: every certificate of their associations; course trainers: those of the courses they train."""
    _manager_or_404(request)
    context = {
        "certificates": selectors.certificates_managed_by(user=request.user),
        "sources": selectors.certificate_sources_managed_by(user=request.user),
        "exports": selectors.exports_of(user=request.user),
        "may_award": selectors.associations_managed_by(request.user).exists(),
        "may_issue_sources": bool(selectors.sources_issuable_by(request.user)),
    }
    return render(request, "certificates/manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def manual_issue(request):
    """Officers award an achievement by hand in their association's name."""
    associations = selectors.associations_managed_by(request.user)
    if not associations.exists():
        raise Http404
    form = ManualIssueForm(request.POST or None, associations=associations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _award, issued = services.manual_award_issue(
                actor=request.user,
                association=data["association"],
                title=data["title"],
                description=data["description"],
                date=data["date"],
                cpd_hours=data["cpd_hours"],
                recipients=data["recipients"],
                kind=data["kind"],
                template=data["template"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal)
        else:
            _issued_message(request, issued=len(issued), asked=len(data["recipients"]))
            return redirect("certificates:manage")
    return render(request, "certificates/issue.html", {"form": form})


def _issued_message(request, *, issued: int, asked: int) -> None:
    messages.success(request, _("%(count)d certificate(s) issued.") % {"count": issued})
    if held := asked - issued:
        messages.info(
            request,
            _(
                "%(count)d recipient(s) have not given their name yet: "
                "they were asked, and get the certificate once they do."
            )
            % {"count": held},
        )


@login_required
@require_http_methods(["GET", "POST"])
def source_issue(request):
    """A course's trainers hand its certificate to people by hand."""
    sources = selectors.sources_issuable_by(request.user)
    if not sources:
        raise Http404
    form = SourceIssueForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.source_certificates_issue(
                actor=request.user,
                source=form.cleaned_data["source"],
                recipients=form.cleaned_data["recipients"],
                awarded_on=form.cleaned_data["awarded_on"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal)
        else:
            _issued_message(request, issued=len(issued), asked=len(form.cleaned_data["recipients"]))
            return redirect("certificates:manage")
    return render(request, "certificates/source_issue.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, code):
    """Its managers only (an officer of the issuer, a trainer of its course); anyone else gets 404."""
    certificate = selectors.certificate_for_manager(user=request.user, code=code)
    if certificate is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"])
        except Refusal as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect("certificates:manage")
    return render(request, "certificates/revoke.html", {"form": form, "certificate": certificate})


@login_required
@require_POST
def export_request(request):
    association = get_object_or_404(Association, pk=_int(request.POST.get("association")))
    source_type = get_object_or_404(ContentType, pk=_int(request.POST.get("source_type")))
    try:
        export = services.certificate_export_request(
            actor=request.user,
            association=association,
            source_type=source_type,
            source_id=request.POST.get("source_id", "")[:64],
            include_revoked=request.POST.get("revoked", "mark") != "omit",
        )
    except Refusal as refusal:
        return refusal_respond(request, refusal, redirect_to=reverse("certificates:manage"))
    return redirect("certificates:export_detail", public_id=export.public_id)


def _int(value) -> int:
    return int(value) if value and str(value).isdigit() else 0


def _export_for(request, public_id) -> CertificateExport:
    """The person's own export, while they still manage its certificates (else 404)."""
    export = get_object_or_404(CertificateExport.objects.select_related("association"), public_id=public_id)
    if export.requested_by_id != request.user.pk or not selectors.user_manages_source(
        user=request.user,
        issuer=export.association_id,
        source_type=export.source_type_id,
        source_id=export.source_id,
    ):
        raise Http404
    return export


@login_required
@require_GET
def export_detail(request, public_id):
    """Progress of a bulk ZIP; the page refreshes itself until the archive is ready."""
    export = _export_for(request, public_id)
    return render(request, "certificates/export.html", {"export": export})


@login_required
@require_GET
def export_download(request, public_id):
    export = _export_for(request, public_id)
    if export.status != CertificateExport.Status.DONE or not export.file:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=f"certificates-{export.public_id}.zip")


def _public_json(data: dict, content_type: str) -> JsonResponse:
    # Verifiers and wallets fetch these from other origins (browser apps included): public by design.
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response


@require_safe
def issuer_profile(request, slug):
    association = get_object_or_404(Association, slug=slug)
    return _public_json(badges.issuer_profile(association), JSON_LD)


@require_safe
def issuer_jwks(request, slug):
    association = get_object_or_404(Association, slug=slug)
    return _public_json(badges.jwks(association), "application/jwk-set+json")


@require_safe
def issuer_status_list(request, slug):
    """The issuer's signed W3C Bitstring Status List (revocation) as VC-JWT: bits only, no reasons, no names."""
    association = get_object_or_404(Association, slug=slug)
    response = HttpResponse(badges.status_list_jws(association), content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response


@require_safe
def issuer_revocations(request, slug):
    """Retired: the 1EdTech list named credentials by their verification URL. Gone, pointing at the status list."""
    association = get_object_or_404(Association, slug=slug)
    response = _public_json(
        {
            "error": "This revocation list is retired. Credentials carry a BitstringStatusListEntry instead.",
            "statusListCredential": badges.status_list_url(association),
        },
        "application/json",
    )
    response.status_code = 410
    return response
