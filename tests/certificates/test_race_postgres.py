"""Real concurrency on PostgreSQL: eight requests issuing the same certificate at once get one certificate,
one PDF and one e-mail (the unique constraint and the conditional UPDATEs decide, not luck)."""

import os
import threading

import pytest
from django.db import connections

from certificates.models import Certificate, CertificateEvent
from certificates.services import certificate_issue

# Skipped without PostgreSQL (a failure under REQUIRE_SERVICES=true): tests/conftest.py handles the marker.
pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_issues_give_one_certificate_one_pdf_one_email(learner, award, mailoutbox):
    barrier = threading.Barrier(8)
    results, errors = [], []

    def attempt():
        try:
            barrier.wait()
            results.append(
                certificate_issue(
                    recipient=learner,
                    achievement_title=award.title,
                    kind=Certificate.Kind.EVENT,
                    cpd_hours=award.cpd_hours,
                    issuer=award.association,
                    source=award,
                ).pk
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def render():
        try:
            barrier.wait()
            outcomes.append(certificate_pdf_render(certificate_id=certificate.pk))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count(True) == 1
    certificate.refresh_from_db()
    directory = os.path.dirname(certificate.pdf.path)
    assert os.listdir(directory) == [os.path.basename(certificate.pdf.name)]
