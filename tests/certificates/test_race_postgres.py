"""Real concurrency on PostgreSQL: eight requests issuing the same certificate at once get one certificate,
one PDF and one e-mail (the unique constraint and the conditional UPDATEs decide, not luck)."""

import os

import pytest

from certificates.models import Certificate, CertificateEvent
from certificates.services import certificate_issue
from tests.races import race

# Skipped without PostgreSQL (a failure under REQUIRE_SERVICES=true): tests/conftest.py handles the marker.
pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_issues_give_one_certificate_one_pdf_one_email(learner, award, mailoutbox):
    def attempt(_index):
        return certificate_issue(
            recipient=learner,
            achievement_title=award.title,
            kind=Certificate.Kind.EVENT,
            cpd_hours=award.cpd_hours,
            issuer=award.association,
            source=award,
        ).pk

    results, errors = race(8, attempt)
    assert errors == []
    assert len(set(results)) == 1
    certificate = Certificate.objects.get()
    assert certificate.pdf
    assert certificate.events.filter(action=CertificateEvent.Action.ISSUED).count() == 1
    assert certificate.events.filter(action=CertificateEvent.Action.PDF_RENDERED).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_renders_attach_one_pdf_and_leave_no_stray_file(learner, award):
    """Four workers render the same certificate at once: the conditional UPDATE lets one attach its file; the
    others delete theirs (what the ORM-patching unit test used to fake, now on real connections)."""
    from certificates.services import certificate_pdf_render

    certificate = certificate_issue(
        recipient=learner,
        achievement_title=award.title,
        kind=Certificate.Kind.EVENT,
        cpd_hours=award.cpd_hours,
        issuer=award.association,
        source=award,
    )
    certificate.refresh_from_db()
    certificate.pdf.storage.delete(certificate.pdf.name)  # the render queued at issue: start with no PDF at all
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    outcomes, errors = race(4, lambda _index: certificate_pdf_render(certificate_id=certificate.pk))
    assert errors == []
    assert outcomes.count(True) == 1
    certificate.refresh_from_db()
    directory = os.path.dirname(certificate.pdf.path)
    assert os.listdir(directory) == [os.path.basename(certificate.pdf.name)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_issues_of_one_issuer_get_distinct_status_indexes(association, monkeypatch):
    """Eight certificates at once, drawing from only ten indexes: collisions happen, the constraint settles them."""
    import secrets

    from certificates import services
    from tests.certificates.factories import ManualAwardFactory
    from tests.factories import UserFactory

    monkeypatch.setattr(services, "status_index_draw", lambda used: secrets.randbelow(10))
    people = [UserFactory() for _ in range(8)]
    awards = [ManualAwardFactory(association=association) for _ in range(8)]

    def work(n):
        return certificate_issue(
            recipient=people[n],
            achievement_title=awards[n].title,
            kind=Certificate.Kind.EVENT,
            cpd_hours=1,
            issuer=association,
            source=awards[n],
        ).status_index

    results, errors = race(8, work)
    assert errors == []
    assert sorted(results) == sorted(Certificate.objects.values_list("status_index", flat=True))
    assert len(set(results)) == 8 and all(0 <= index < 10 for index in results)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_holds_and_releases_give_one_request_one_e_mail_and_one_certificate(award, mailoutbox):
    from accounts.services import display_name_set
    from certificates import services
    from certificates.models import PendingCertificate
    from tests.factories import UserFactory

    nameless = UserFactory(display_name="")

    def hold(_n):
        return certificate_issue(
            recipient=nameless,
            achievement_title=award.title,
            kind=Certificate.Kind.EVENT,
            cpd_hours=award.cpd_hours,
            issuer=award.association,
            source=award,
        )

    results, errors = race(6, hold)
    assert errors == [] and results == [None] * 6
    assert PendingCertificate.objects.count() == 1
    assert len(mailoutbox) == 1

    display_name_set(user=nameless, display_name="Nora Nameless")
    results, errors = race(6, lambda _n: len(services.certificate_pending_issue(recipient=nameless)))
    assert errors == []
    assert Certificate.objects.filter(recipient=nameless).count() == 1
    assert not PendingCertificate.objects.exists()
