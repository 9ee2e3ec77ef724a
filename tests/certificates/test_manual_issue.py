"""Manual issue: officers of an association award certificates by hand in its name for any other source
(a workshop, a conference session); recipients must be registered users; one certificate each."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from certificates.models import Certificate, CertificateEvent, ManualAward
from tests.certificates.factories import CertificateTemplateFactory, issue
from tests.factories import MembershipFactory, UserFactory

URL = "/certificates/manage/issue/"


def _form(association, recipients, **extra):
    return {
        "association": association.pk,
        "title": "Open data in libraries (workshop)",
        "description": "Half-day workshop in Tartu.",
        "kind": "event",
        "date": "2026-11-20",
        "cpd_hours": "4",
        "recipients": recipients,
        **extra,
    }


def test_the_url_is_the_named_one():
    assert reverse("certificates:manual_issue") == URL


def test_an_admin_issues_to_several_registered_users_by_email(
    client, association, association_admin, django_capture_on_commit_callbacks, mailoutbox
):
    ann, ben = UserFactory(email="ann@example.org"), UserFactory(email="ben@example.org")
    client.force_login(association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(association, "ANN@example.org,\nben@example.org ann@example.org"))
    assert response.status_code == 302
    award = ManualAward.objects.get()
    assert award.created_by == association_admin and award.association == association
    certificates = Certificate.objects.filter(source_id=str(award.pk))
    assert {c.recipient for c in certificates} == {ann, ben}
    assert all(c.kind == "event" and c.cpd_hours == 4 and c.pdf for c in certificates)
    assert CertificateEvent.objects.filter(action="issued", actor=association_admin).count() == 2
    assert len(mailoutbox) == 2


def test_an_unknown_email_is_named_in_a_clear_error_and_nothing_is_issued(client, association, association_admin):
    UserFactory(email="ann@example.org")
    client.force_login(association_admin)
    response = client.post(URL, _form(association, "ann@example.org, nobody@example.org"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No registered user has the address: nobody@example.org" in body
    assert not ManualAward.objects.exists() and not Certificate.objects.exists()


def test_a_board_member_may_issue(client, association, board_member, learner):
    client.force_login(board_member)
    assert client.post(URL, _form(association, learner.email)).status_code == 302
    assert Certificate.objects.filter(recipient=learner, issuer=association).exists()


@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.TRAINER])
def test_a_trainer_who_is_a_member_or_trainer_of_the_association_cannot_issue_in_its_name(
    client, association, trainer, learner, role
):
    """Hand-issuing in an association's name is its officers' (the audit: a plain member in Trainers did)."""
    MembershipFactory(user=trainer, association=association, role=role)
    client.force_login(trainer)
    assert client.post(URL, _form(association, learner.email)).status_code == 404
    assert not Certificate.objects.exists() and not ManualAward.objects.exists()


def test_an_admin_of_another_association_cannot_issue_in_its_name(client, association, other_admin, learner):
    client.force_login(other_admin)
    response = client.post(URL, _form(association, learner.email))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_template_of_another_association_is_refused(
    client, association, other_association, association_admin, learner
):
    foreign = CertificateTemplateFactory(association=other_association)
    client.force_login(association_admin)
    response = client.post(URL, _form(association, learner.email, template=foreign.pk))
    assert response.status_code == 200
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("persona", ["member", "learner", "trainer"])
def test_people_who_manage_no_certificates_get_404(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("certificates:manage")).status_code == 404


def test_anonymous_is_sent_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_the_form_page_labels_every_field(client, association_admin):
    client.force_login(association_admin)
    body = client.get(URL).content.decode()
    for name in ("association", "title", "description", "kind", "date", "cpd_hours", "template", "recipients"):
        assert f'<label for="id_{name}">' in body


def test_the_manage_page_lists_only_the_managed_associations_certificates(
    client, association, other_association, association_admin, learner
):
    from tests.certificates.test_learner import _count_queries

    mine = issue(recipient=learner, issuer=association)
    theirs = issue(recipient=learner, issuer=other_association)
    client.force_login(association_admin)
    few = _count_queries(client, reverse("certificates:manage"))
    for _ in range(5):
        issue(recipient=UserFactory(), issuer=association)
    assert _count_queries(client, reverse("certificates:manage")) == few  # no query per row
    body = client.get(reverse("certificates:manage")).content.decode()
    assert reverse("certificates:revoke", kwargs={"code": mine.verification_code}) in body
    assert theirs.verification_code not in body
