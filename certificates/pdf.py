"""Certificate PDFs: HTML from a template snippet (or the built-in one), a QR code, WeasyPrint.

Rendering never reaches the network or the file system for resources: images are inlined as data URIs and
the fetcher refuses every other scheme. Fonts come from the system (DejaVu Sans and Noto Sans cover Latin
and Cyrillic; install ``fonts-dejavu-core`` or ``fonts-noto-core`` in production).
"""

import base64
import io
import mimetypes

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.templatetags.figures import number_display
from certificates.models import Certificate, CertificateTemplate

BUILTIN_BODY_PARAGRAPHS = (
    # Each paragraph may use the placeholders; a paragraph that is a placeholder alone is printed large.
    gettext_noop("This is to certify that"),
    "{recipient}",
    gettext_noop("has successfully completed"),
    "{achievement}",
    gettext_noop("Awarded by {issuer} on {date} for {cpd_hours} hours of continuing professional development."),
)


def verification_url(certificate: Certificate) -> str:
    """The public page a stranger opens (printed on the PDF, in the QR code), in the certificate's language."""
    with translation.override(certificate.language or settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("certificates:verify", kwargs={"code": certificate.verification_code})


def qr_png(data: str) -> bytes:
    """A QR code as PNG: medium error correction (never raised), the best of the eight masks by the standard's
    penalty rules, the standard quiet zone of 4 modules.

    One pixel per module: the template scales it with ``image-rendering: pixelated``, so the printed code is as
    sharp as at any scale. segno with 1-pixel modules takes about 11 ms where ``qrcode`` with 8-pixel ones took
    15 (most of what is left is the mask search: eight masks scored in pure Python)."""
    code = segno.make_qr(data, error="m", boost_error=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=1, border=4)
    return buffer.getvalue()


def _data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _image_data_uri(image) -> str:
    """A Wagtail image inlined (works with any storage backend, no fetch at render time)."""
    if image is None:
        return ""
    try:
        with image.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(image.file.name)[0] or "image/png"
    return _data_uri(content, mime)


def placeholder_values(certificate: Certificate) -> dict[str, str]:
    return {
        "recipient": certificate.public_recipient_name,
        "achievement": certificate.achievement_title,
        # The day the achievement was awarded (the hand-issue form's date), not the day the certificate was made.
        "date": formats.date_format(certificate.awarded_on or timezone.localdate(), "DATE_FORMAT"),
        "cpd_hours": number_display(certificate.cpd_hours),
        "issuer": certificate.issuer_name,
        "code": certificate.code_grouped,
    }


def body_paragraphs(text_paragraphs, values: dict[str, str]) -> list[dict]:
    """Escape the text, then fill the (escaped) values: nothing a learner types can inject markup."""
    escaped = {key: escape(value) for key, value in values.items()}
    paragraphs = []
    for raw in text_paragraphs:
        raw = raw.strip()
        if not raw:
            continue
        prominent = raw in {"{recipient}", "{achievement}"}
        html = escape(raw).format_map(escaped).replace("\n", "<br>")
        paragraphs.append({"html": mark_safe(html), "prominent": prominent})  # noqa: S308 (escaped above)
    return paragraphs


def facts_in_body(text_paragraphs) -> bool:
    """Does the body name the issuer, the date and the hours? Then the footer does not print them again."""
    text = "\n".join(text_paragraphs)
    return all(f"{{{key}}}" in text for key in ("issuer", "date", "cpd_hours"))


def certificate_html(certificate: Certificate) -> str:
    """The certificate as HTML, in the certificate's language (its template's, else the recipient's)."""
    template: CertificateTemplate | None = certificate.template
    language = certificate.language or settings.LANGUAGE_CODE
    with translation.override(language):
        values = placeholder_values(certificate)
        if template is not None:
            title = template.title
            texts = template.body.replace("\r\n", "\n").split("\n\n")
            orientation = template.orientation
            signatures = [{**sig, "image_uri": _image_data_uri(sig["image"])} for sig in template.signatures()]
            logo_uri = _image_data_uri(template.logo)
        else:
            title = _("Certificate")
            texts = [_(paragraph) if paragraph[0] != "{" else paragraph for paragraph in BUILTIN_BODY_PARAGRAPHS]
            orientation = CertificateTemplate.Orientation.LANDSCAPE
            signatures = []
            logo_uri = ""
        url = verification_url(certificate)
        return render_to_string(
            "certificates/pdf/certificate.html",
            {
                "certificate": certificate,
                "language": language,
                "title": title,
                "paragraphs": body_paragraphs(texts, values),
                "facts_in_body": facts_in_body(texts),
                "values": values,
                "orientation": orientation,
                "signatures": signatures,
                "logo_uri": logo_uri,
                "verification_url": url,
                "qr_uri": _data_uri(qr_png(url), "image/png"),
            },
        )


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint with a fetcher that accepts inline data only."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    return html_to_pdf(certificate_html(certificate))


def certificate_pdf_filename(certificate: Certificate) -> str:
    stem = slugify(f"{certificate.achievement_title} {certificate.public_recipient_name}", allow_unicode=True)[:80]
    return f"certificate-{stem or certificate.verification_code[:8].lower()}.pdf"
