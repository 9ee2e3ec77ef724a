"""PDF: it opens, a Russian name renders, the QR code decodes to the public verification URL, the
template's logo, signatures and orientation are used, and nothing a user types becomes markup."""

import io

import pypdf
import pytest
import zxingcpp
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection

from certificates.pdf import certificate_html, verification_url
from tests.certificates.factories import CertificateTemplateFactory, issue


def _pdf(certificate) -> pypdf.PdfReader:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def _wagtail_image(colour: str, name: str) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 40), colour).save(buffer, format="PNG")
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    return Image.objects.create(
        title=name, collection=root, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{name}.png")
    )


@pytest.fixture
def russian_certificate(russian_learner, award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return issue(recipient=russian_learner, source=award)


def test_the_pdf_opens_and_a_russian_name_renders(russian_certificate):
    reader = _pdf(russian_certificate)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Ирина Сергеевна Петрова" in text
    assert "Цифровая грамотность для библиотекарей" in text
    assert russian_certificate.code_grouped in text


def test_the_qr_code_decodes_to_the_public_verification_url(russian_certificate):
    """The QR image is taken out of the PDF and decoded by zxing-cpp, independent of the library that drew it."""
    page = _pdf(russian_certificate).pages[0]
    decoded = [result.text for image in page.images for result in zxingcpp.read_barcodes(image.image)]
    assert decoded == [verification_url(russian_certificate)]
    assert decoded[0].startswith("http://127.0.0.1:8000/ru/certificates/verify/")  # the certificate's language


def test_the_template_supplies_title_body_logo_signatures_and_orientation(
    association, learner, award, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory(
        association=association,
        title="Сертификат повышения квалификации",
        orientation="portrait",
        logo=_wagtail_image("red", "logo"),
        signature_1_name="Maria Tamm",
        signature_1_title="Chair",
        signature_1_image=_wagtail_image("blue", "sig1"),
        signature_2_name="Jaan Kask",
        signature_2_title="Secretary",
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(recipient=learner, source=award, template=template)
    page = _pdf(certificate).pages[0]
    text = " ".join(page.extract_text().split())
    assert "Сертификат повышения квалификации" in text
    assert "Maria Tamm" in text and "Secretary" in text
    assert "3.5 hours" in text  # the body's {cpd_hours}, without trailing zeros
    assert len(page.images) == 3  # logo, one signature image, the QR code
    assert page.mediabox.height > page.mediabox.width  # portrait


def test_the_built_in_template_is_landscape(russian_certificate):
    page = _pdf(russian_certificate).pages[0]
    assert page.mediabox.width > page.mediabox.height


def test_markup_in_names_and_templates_is_printed_as_text(association, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    sneaky = UserFactory(display_name='<img src="http://169.254.169.254/x.png">Eve')
    template = CertificateTemplateFactory(association=association, body="<b>{recipient}</b>")
    certificate = issue(recipient=sneaky, issuer=association, template=template)
    html = certificate_html(certificate)
    assert '<img src="http' not in html
    assert "&lt;b&gt;" in html and "&lt;img" in html


def test_the_renderer_fetches_no_external_resource(monkeypatch):
    """Only data: URIs are fetched: an http image in the HTML is skipped, never requested."""
    from urllib import request

    from certificates.pdf import html_to_pdf

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried the network")

    monkeypatch.setattr(request.OpenerDirector, "open", no_network)
    pdf = html_to_pdf('<p>x</p><img src="http://example.org/a.png"><img src="file:///etc/hostname">')
    assert pdf.startswith(b"%PDF")
