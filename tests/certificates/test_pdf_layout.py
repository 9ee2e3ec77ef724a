"""The certificate PDF's layout: the QR code stays clear of the frame, and the issuer, date and hours are printed
once (in the body when it names them, else in the footer)."""

import pytest
from weasyprint import HTML

from certificates.pdf import certificate_html
from tests.certificates.factories import CertificateTemplateFactory, issue

pytestmark = pytest.mark.django_db

MM_PER_PX = 25.4 / 96


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _qr_clearance_mm(html: str) -> tuple[float, float]:
    """Space between the QR code and the frame's inner border, to the right and below, in millimetres."""
    page = HTML(string=html).render().pages[0]
    frame = qr = None
    for box in _boxes(page._page_box):
        element = getattr(box, "element", None)
        if element is None:
            continue
        if frame is None and element.tag == "div" and "frame" in (element.get("class") or ""):
            frame = box
        if element.tag == "img" and "QR" in (element.get("alt") or ""):
            qr = box
    inner_right = frame.position_x + frame.margin_width() - frame.border_right_width
    inner_bottom = frame.position_y + frame.margin_height() - frame.border_bottom_width
    right = inner_right - (qr.position_x + qr.margin_width())
    bottom = inner_bottom - (qr.position_y + qr.margin_height())
    return right * MM_PER_PX, bottom * MM_PER_PX


def test_the_qr_code_keeps_clear_of_the_frame(learner, association):
    certificate = issue(recipient=learner, issuer=association)

    right, bottom = _qr_clearance_mm(certificate_html(certificate))

    assert right >= 5 and bottom >= 5, (right, bottom)


def test_the_built_in_body_names_issuer_date_and_hours_so_the_footer_does_not(learner, association):
    certificate = issue(recipient=learner, issuer=association, hours="3.5")

    html = certificate_html(certificate)

    assert html.count(association.name) == 1
    assert "3.5 CPD hours" not in html


def test_a_template_without_them_gets_them_in_the_footer(learner, association):
    template = CertificateTemplateFactory(association=association, body="This certifies that\n\n{recipient}")
    certificate = issue(recipient=learner, issuer=association, hours="3.5", template=template)

    html = certificate_html(certificate)

    assert "3.5 CPD hours" in html
