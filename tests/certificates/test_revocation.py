"""Revocation: by an officer of the issuing association (or a trainer of the certificate's course:
test_management_roles.py) only, with a reason, once, audited. Nobody of association A revokes one of association B."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from accounts.refusals import Refusal
from certificates import services
from certificates.models import Certificate, CertificateEvent
from tests.factories import MembershipFactory


def _revoke_url(certificate):
    return reverse("certificates:revoke", kwargs={"code": certificate.verification_code})


@pytest.fixture
def trainer_of_association(trainer, association):
    MembershipFactory(user=trainer, association=association)
    return trainer


def test_an_admin_of_the_issuing_association_revokes_with_a_reason(client, certificate, association_admin):
    client.force_login(association_admin)
    response = client.post(_revoke_url(certificate), {"reason": "Attendance was not confirmed"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == association_admin and certificate.revoked_at is not None
    event = certificate.events.get(action=CertificateEvent.Action.REVOKED)
    assert (event.actor, event.note) == (association_admin, "Attendance was not confirmed")


def test_a_trainer_who_is_a_plain_member_of_the_association_cannot_revoke(client, certificate, trainer_of_association):
    """The audit: a plain member in the Trainers group revoked a certificate an officer had issued."""
    client.force_login(trainer_of_association)
    assert client.get(_revoke_url(certificate)).status_code == 404
    assert client.post(_revoke_url(certificate), {"reason": "Duplicate"}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_an_admin_of_another_association_gets_404_and_nothing_changes(client, certificate, other_admin):
    client.force_login(other_admin)
    assert client.get(_revoke_url(certificate)).status_code == 404
    assert client.post(_revoke_url(certificate), {"reason": "Mine now"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_a_trainer_of_another_association_cannot_revoke(client, certificate, trainer, other_association):
    MembershipFactory(user=trainer, association=other_association)
    client.force_login(trainer)
    assert client.post(_revoke_url(certificate), {"reason": "x"}).status_code == 404
    with pytest.raises(Refusal) as refused:
        services.certificate_revoke(certificate=certificate, actor=trainer, reason="x")
    assert refused.value.status == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_trainer_without_membership_of_the_issuer_cannot_revoke(client, certificate, trainer):
    client.force_login(trainer)
    assert client.post(_revoke_url(certificate), {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["member", "learner", "outsider"])
def test_plain_members_and_learners_get_404(client, certificate, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_revoke_url(certificate), {"reason": "x"}).status_code == 404


def test_a_lapsed_admin_cannot_revoke(client, certificate, association_admin):
    Membership.objects.filter(user=association_admin).update(status=Membership.Status.LAPSED)
    client.force_login(association_admin)
    assert client.post(_revoke_url(certificate), {"reason": "x"}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, certificate):
    response = client.get(_revoke_url(certificate))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_reason_is_required(client, certificate, association_admin):
    client.force_login(association_admin)
    response = client.post(_revoke_url(certificate), {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, actor=association_admin, reason="")


def test_revoking_twice_is_refused_clearly_and_keeps_the_first_reason(certificate, association_admin, board_member):
    services.certificate_revoke(certificate=certificate, actor=association_admin, reason="First")
    with pytest.raises(ValidationError, match="already revoked"):
        services.certificate_revoke(certificate=certificate, actor=board_member, reason="Second")
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "First"
    assert certificate.events.filter(action=CertificateEvent.Action.REVOKED).count() == 1


def test_revoking_an_already_revoked_certificate_in_the_form_says_so(client, certificate, association_admin):
    services.certificate_revoke(certificate=certificate, actor=association_admin, reason="First")
    client.force_login(association_admin)
    response = client.post(_revoke_url(certificate), {"reason": "Again"})
    assert response.status_code == 200
    assert "already revoked" in response.content.decode()


def test_the_reason_field_is_tied_to_its_help_text_and_its_error(client, certificate, association_admin):
    """Screen readers announce the help and the error: aria-describedby names both, and both ids exist."""
    client.force_login(association_admin)
    content = client.post(_revoke_url(certificate), {"reason": ""}).content.decode()
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in content
    assert 'id="id_reason_helptext"' in content
    assert 'id="id_reason_error"' in content


def test_revoke_first_says_what_will_happen_and_changes_nothing(client, certificate, association_admin):
    """Deliver 7: revoking asks for confirmation on a page that says what will happen."""
    client.force_login(association_admin)
    page = client.get(reverse("certificates:revoke", args=[certificate.verification_code])).content.decode()
    assert "Revocation cannot be undone" in page and "will say the certificate is revoked" in page
    assert 'method="post"' in page and "Cancel" in page
    certificate.refresh_from_db()
    assert certificate.status == "valid" and not certificate.events.filter(action="revoked").exists()
