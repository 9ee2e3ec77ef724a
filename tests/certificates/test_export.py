"""Bulk ZIP: an association's manager downloads every certificate of one source as one archive, built by
a Celery task with visible progress; other people cannot request, watch or download it."""

import csv
import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from certificates import services, tasks
from certificates.models import CertificateExport
from tests.certificates.factories import issue
from tests.factories import UserFactory


@pytest.fixture
def three_certificates(award):
    return [issue(recipient=UserFactory(), source=award) for _ in range(3)]


def _request(client, association, award, **extra):
    return client.post(
        reverse("certificates:export_request"),
        {
            "association": association.pk,
            "source_type": ContentType.objects.get_for_model(award).pk,
            "source_id": award.pk,
            **extra,
        },
    )


def _archive(client, export) -> zipfile.ZipFile:
    download = client.get(reverse("certificates:export_download", kwargs={"public_id": export.public_id}))
    return zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))


def _manifest(archive) -> list[dict]:
    text = archive.read("manifest.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_zip_has_a_manifest_and_marks_revoked_certificates_when_asked_to(
    client, association, association_admin, award, three_certificates, django_capture_on_commit_callbacks
):
    """Finding 8: the ZIP had revoked PDFs unmarked and no list of recipients. Now: manifest.csv (recipient, code,
    status, awarded, issued, file) and the revoked PDF's name starts with REVOKED."""
    revoked = three_certificates[0]
    services.certificate_revoke(certificate=revoked, actor=association_admin, reason="Did not attend")
    client.force_login(association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, association, award, revoked="mark")
    archive = _archive(client, CertificateExport.objects.get())
    rows = _manifest(archive)
    assert list(rows[0]) == ["recipient", "code", "status", "awarded", "issued", "file"]
    assert {row["code"] for row in rows} == {c.code_grouped for c in three_certificates}
    by_code = {row["code"]: row for row in rows}
    assert by_code[revoked.code_grouped]["status"] == "revoked"
    assert by_code[revoked.code_grouped]["file"].startswith("REVOKED-")
    assert by_code[revoked.code_grouped]["recipient"] == revoked.recipient_name
    assert by_code[revoked.code_grouped]["awarded"] == revoked.awarded_on.isoformat()
    assert sorted(row["file"] for row in rows) == sorted(n for n in archive.namelist() if n != "manifest.csv")


def test_the_officer_may_leave_revoked_certificates_out(
    client, association, association_admin, award, three_certificates, django_capture_on_commit_callbacks
):
    revoked = three_certificates[0]
    services.certificate_revoke(certificate=revoked, actor=association_admin, reason="Did not attend")
    client.force_login(association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, association, award, revoked="omit")
    export = CertificateExport.objects.get()
    assert (export.include_revoked, export.total) == (False, 2)
    archive = _archive(client, export)
    rows = _manifest(archive)
    assert len(rows) == 2 and revoked.code_grouped not in {row["code"] for row in rows}
    assert len(archive.namelist()) == 3
    assert not any("REVOKED" in name for name in archive.namelist())


def test_the_manage_page_offers_the_choice_with_a_label(client, association_admin, three_certificates):
    client.force_login(association_admin)
    page = client.get(reverse("certificates:manage")).content.decode()
    assert '<label for="revoked-1">Revoked certificates<span class="visually-hidden">' in page
    assert 'value="omit"' in page and "manifest.csv" in page


def test_an_admin_gets_a_zip_of_every_certificate_of_the_source(
    client, association, association_admin, award, three_certificates, django_capture_on_commit_callbacks
):
    issue(recipient=UserFactory(), issuer=association)  # another source: not in the archive
    client.force_login(association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client, association, award)
    export = CertificateExport.objects.get()
    assert response["Location"] == reverse("certificates:export_detail", kwargs={"public_id": export.public_id})
    assert (export.status, export.done, export.total, export.percent) == ("done", 3, 3, 100)
    page = client.get(response["Location"]).content.decode()
    assert "3 of 3 certificates" in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("certificates:export_download", kwargs={"public_id": export.public_id}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = [name for name in archive.namelist() if name != "manifest.csv"]
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
    assert all(archive.read(name).startswith(b"%PDF") for name in names)


def test_a_pending_export_page_refreshes_itself_and_shows_progress(
    client, association, association_admin, award, three_certificates
):
    client.force_login(association_admin)
    response = _request(client, association, award)  # on-commit work not run: still pending
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "0 of 3 certificates" in page and "<progress" in page
    export = CertificateExport.objects.get()
    assert (
        client.get(reverse("certificates:export_download", kwargs={"public_id": export.public_id})).status_code == 404
    )


def test_the_build_task_run_twice_builds_once(association, association_admin, award, three_certificates):
    export = services.certificate_export_request(
        actor=association_admin,
        association=association,
        source_type=ContentType.objects.get_for_model(award),
        source_id=str(award.pk),
    )
    assert tasks.certificate_export_build.delay(export.pk).get() is True
    assert tasks.certificate_export_build.delay(export.pk).get() is False


def test_an_admin_of_another_association_cannot_request_or_watch(
    client, association, association_admin, other_admin, award, three_certificates
):
    client.force_login(other_admin)
    assert _request(client, association, award).status_code == 404
    client.force_login(association_admin)
    _request(client, association, award)
    export = CertificateExport.objects.get()
    client.force_login(other_admin)
    assert client.get(reverse("certificates:export_detail", kwargs={"public_id": export.public_id})).status_code == 404


def test_a_member_gets_404(client, association, member, award, three_certificates):
    client.force_login(member)
    assert _request(client, association, award).status_code == 404
    assert not CertificateExport.objects.exists()


def test_anonymous_is_sent_to_log_in(client, association, award):
    assert _request(client, association, award).status_code == 302


def test_a_source_without_certificates_is_refused_clearly(client, association, association_admin, award):
    client.force_login(association_admin)
    response = _request(client, association, award)
    assert response.status_code == 302
    assert not CertificateExport.objects.exists()
    assert "There are no certificates" in client.get(response["Location"]).content.decode()


def test_garbage_ids_are_404_not_500(client, association_admin):
    client.force_login(association_admin)
    response = client.post(reverse("certificates:export_request"), {"association": "x", "source_type": "1;drop"})
    assert response.status_code == 404


def test_a_failing_build_is_marked_failed_and_says_so(
    client, association, association_admin, award, three_certificates, django_capture_on_commit_callbacks
):
    from unittest import mock

    client.force_login(association_admin)
    with (
        mock.patch("certificates.services.certificate_pdf_render", side_effect=OSError("disk full")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _request(client, association, award)
    export = CertificateExport.objects.get()
    assert export.status == CertificateExport.Status.FAILED and "disk full" in export.error
    assert "The export failed" in client.get(response["Location"]).content.decode()


def test_another_admin_cannot_download_a_finished_export(
    client, association, association_admin, other_admin, award, three_certificates, django_capture_on_commit_callbacks
):
    client.force_login(association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, association, award)
    export = CertificateExport.objects.get()
    client.force_login(other_admin)
    url = reverse("certificates:export_download", kwargs={"public_id": export.public_id})
    assert client.get(url).status_code == 404


def test_an_export_of_rendered_certificates_reads_none_of_them_again(
    association, association_admin, award, three_certificates, django_assert_max_num_queries
):
    """PDFs that exist go straight into the archive: per certificate only the progress counter is written."""
    for certificate in three_certificates:
        services.certificate_pdf_render(certificate_id=certificate.pk)
    export = services.certificate_export_request(
        actor=association_admin,
        association=association,
        source_type=ContentType.objects.get_for_model(award),
        source_id=str(award.pk),
    )
    # Claim, export, its association and source type, the certificates, the total, the result: 7 fixed.
    with django_assert_max_num_queries(7 + len(three_certificates)):
        assert services.certificate_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.done, export.total) == ("done", 3, 3)
