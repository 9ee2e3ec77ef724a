"""The learner's side: My certificates with downloads (PDF, credential JSON and JWS), share and LinkedIn
links; only the recipient, staff or the issuing association's managers may download; the CPD transcript
with totals per year, kind and issuer, exported as CSV and PDF."""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pypdf
import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from tests.certificates.factories import issue
from tests.factories import UserFactory


def _url(name, certificate):
    return reverse(f"certificates:{name}", kwargs={"code": certificate.verification_code})


def test_my_certificates_lists_mine_with_every_link(client, certificate, learner):
    client.force_login(learner)
    response = client.get(reverse("certificates:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("download_pdf", "credential_json", "credential_jws", "verify"):
        assert _url(name, certificate) in body
    assert "https://www.linkedin.com/profile/add?" in body


def test_the_linkedin_link_carries_the_certificate_fields(client, certificate, learner):
    from certificates.views import _linkedin_url

    query = parse_qs(urlparse(_linkedin_url(certificate)).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [certificate.achievement_title]
    assert query["organizationName"] == [certificate.issuer_name]
    assert query["certId"] == [certificate.code_grouped]
    assert query["certUrl"][0].endswith(_url("verify", certificate))


def test_my_certificates_shows_nobody_elses(client, certificate, outsider):
    client.force_login(outsider)
    assert certificate.verification_code not in client.get(reverse("certificates:mine")).content.decode()


def test_the_list_costs_the_same_number_of_queries_however_long(client, learner, association):
    issue(recipient=learner, issuer=association)
    client.force_login(learner)
    few = _count_queries(client, reverse("certificates:mine"))
    for _ in range(8):
        issue(recipient=learner, issuer=association)
    assert _count_queries(client, reverse("certificates:mine")) == few
    assert few <= 25  # the layout (site settings, menus, session) takes most of them


def _count_queries(client, url) -> int:
    """Queries of one request, after a first one that lets the layout create its site settings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["mine", "transcript", "transcript_csv", "transcript_pdf"])
def test_anonymous_is_sent_to_log_in(client, db, name):
    response = client.get(reverse(f"certificates:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["download_pdf", "credential_json", "credential_jws"])
def test_anonymous_cannot_download(client, certificate, name):
    assert client.get(_url(name, certificate)).status_code == 302


def test_the_recipient_downloads_the_pdf(client, certificate, learner):
    client.force_login(learner)
    response = client.get(_url("download_pdf", certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", ["download_pdf", "credential_json", "credential_jws"])
def test_another_learner_gets_404(client, certificate, outsider, name):
    client.force_login(outsider)
    assert client.get(_url(name, certificate)).status_code == 404


def test_an_admin_of_another_association_gets_404(client, certificate, other_admin):
    client.force_login(other_admin)
    assert client.get(_url("download_pdf", certificate)).status_code == 404


def test_the_issuing_associations_admin_and_a_site_admin_may_download(client, certificate, association_admin):
    client.force_login(association_admin)
    assert client.get(_url("download_pdf", certificate)).status_code == 200
    site_admin = UserFactory()
    site_admin.is_staff = site_admin.is_superuser = True
    site_admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(site_admin)
    assert client.get(_url("download_pdf", certificate)).status_code == 200


def test_staff_without_a_role_may_not_download(client, certificate):
    """``is_staff`` (the Django admin flag) is no role: accounts.roles decides, and staff is not in it."""
    staff = UserFactory()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    assert client.get(_url("download_pdf", certificate)).status_code == 404


def test_a_missing_pdf_is_rendered_on_download(client, learner, award):
    certificate = issue(recipient=learner, source=award)  # on-commit work not run: no PDF yet
    client.force_login(learner)
    response = client.get(_url("download_pdf", certificate))
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.pdf


def test_the_credential_downloads_as_json_and_jws(client, certificate, learner):
    client.force_login(learner)
    credential = client.get(_url("credential_json", certificate))
    assert credential["Content-Type"].startswith("application/ld+json")
    assert credential.json()["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    jws = client.get(_url("credential_jws", certificate))
    assert jws.content.count(b".") == 2


@pytest.fixture
def history(learner, association, other_association, association_admin):
    """2025: 2 h course (A); 2026: 3.5 h event (A), 1.5 h webinar (B), a revoked 10 h event (A)."""
    old = issue(recipient=learner, issuer=association, hours="2", kind=Certificate.Kind.COURSE)
    Certificate.objects.filter(pk=old.pk).update(issued_at=old.issued_at.replace(year=2025))
    issue(recipient=learner, issuer=association, hours="3.5")
    issue(recipient=learner, issuer=other_association, hours="1.5", kind=Certificate.Kind.WEBINAR)
    revoked = issue(recipient=learner, issuer=association, hours="10")
    services.certificate_revoke(certificate=revoked, actor=association_admin, reason="Error")


def test_the_transcript_totals_hours_per_year_kind_and_issuer_without_revoked(client, learner, history):
    from certificates.selectors import cpd_transcript
    from certificates.transcripts import cpd_hours_per_year

    data = cpd_transcript(user=learner)
    assert data["total"] == 7
    assert [(year, float(h)) for year, h in data["per_year"]] == [(2025, 2.0), (2026, 5.0)]
    assert cpd_hours_per_year(user=learner) == data["per_year"]  # My learning's chart: the same figures
    assert {kind: float(h) for kind, h in data["per_kind"]} == {
        "Course completion": 2.0,
        "Event or workshop": 3.5,
        "Webinar attendance": 1.5,
    }
    assert {issuer: float(h) for issuer, h in data["per_issuer"]} == {
        "Estonian Librarians Association": 5.5,
        "Latvian Library Association": 1.5,
    }
    client.force_login(learner)
    body = client.get(reverse("certificates:transcript")).content.decode()
    assert "<caption>" in body and "Total: 7 CPD hours" in body


def test_the_transcript_exports_as_csv(client, learner, history):
    client.force_login(learner)
    response = client.get(reverse("certificates:transcript_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Date" and len(rows) == 1 + 3 + 1
    assert rows[-1][0] == "Total" and rows[-1][4] == "7.00"


def test_csv_cells_that_look_like_formulas_stay_text(client, learner, association):
    award_title = "=HYPERLINK(1)"
    from tests.certificates.factories import ManualAwardFactory

    issue(recipient=learner, source=ManualAwardFactory(association=association, title=award_title))
    client.force_login(learner)
    body = client.get(reverse("certificates:transcript_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_the_transcript_exports_as_pdf(client, learner, history):
    client.force_login(learner)
    response = client.get(reverse("certificates:transcript_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "CPD transcript" in text and "Latvian Library Association" in text
