"""An invitation never hands a membership to someone who merely typed another person's address.

The rule (accounts.services._accounts_unclaim): a membership is attached only to an account that the owner of the
address controls (address verified) or that nobody controls yet (no usable password). When the invited address
belongs to an account whose address was never verified, its password is dropped: only the invitation link, sent to
the address (allauth's password-reset key: signed, single-use), opens the account, and using it verifies the address.

Personas: ``eve`` signed up first with Nia's address and never verified it; Nia owns the mailbox.
"""

import re
import smtplib

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services, tasks
from accounts.models import Membership, MembershipEvent, User
from accounts.refusals import Refusal

pytestmark = pytest.mark.django_db

ADDRESS = "nia@example.org"
EVE_PASSWORD = "eve chose this password 2026"
NIA_PASSWORD = "a quiet library at dawn 1987"
LOGIN_URL = reverse("account_login")


def set_password_path(body):
    return re.search(r"https?://[^/\s]+(/\S*accounts/password/reset/key/\S+)", body).group(1)


@pytest.fixture
def eve(client):
    """Eve signs up with Nia's address through the site and never confirms it."""
    client.post(
        reverse("account_signup"),
        {
            "display_name": "Eve Mallory",
            "email": ADDRESS,
            "password1": EVE_PASSWORD,
            "password2": EVE_PASSWORD,
        },
    )
    mail.outbox.clear()
    user = User.objects.get(email=ADDRESS)
    assert user.check_password(EVE_PASSWORD)
    assert not EmailAddress.objects.get(user=user).verified
    return user


def invite_as_admin(association, association_admin, capture, role="admin"):
    with capture(execute=True):
        return services.membership_invite(association=association, email=ADDRESS, actor=association_admin, role=role)


def test_eve_who_signed_up_first_with_nias_address_gets_nothing(
    client, eve, association, association_admin, django_capture_on_commit_callbacks
):
    """Invited as administrator and even approved: Eve's password no longer opens the account at any door."""
    invite_as_admin(association, association_admin, django_capture_on_commit_callbacks)
    membership = services.membership_approve(membership=Membership.objects.get(user=eve), actor=association_admin)
    assert membership.status == Membership.Status.ACTIVE
    eve.refresh_from_db()
    assert not eve.has_usable_password()
    for door in (LOGIN_URL, LOGIN_URL + "?next=/admin/", LOGIN_URL + "?next=/django-admin/"):
        response = client.post(door, {"login": ADDRESS, "password": EVE_PASSWORD})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("accounts:my_associations")).status_code == 302


def test_a_session_eve_already_had_ends_with_the_invitation(
    client, eve, association, association_admin, django_capture_on_commit_callbacks
):
    """Had Eve got a session somehow (before logins were unified), dropping the password ends it."""
    client.force_login(eve)
    assert client.get(reverse("accounts:my_associations")).status_code == 200
    invite_as_admin(association, association_admin, django_capture_on_commit_callbacks)
    assert client.get(reverse("accounts:my_associations")).status_code == 302


def test_nia_opens_the_account_with_the_invitation_link_and_has_the_membership(
    client, eve, association, association_admin, django_capture_on_commit_callbacks
):
    """The invitation goes to the address: its set-password link proves it, verifies it and opens the account."""
    invite_as_admin(association, association_admin, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [ADDRESS]
    form_url = client.get(set_password_path(mail.outbox[0].body))["Location"]
    response = client.post(form_url, {"password1": NIA_PASSWORD, "password2": NIA_PASSWORD})
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=ADDRESS).verified
    response = client.post(LOGIN_URL, {"login": ADDRESS, "password": NIA_PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("accounts:my_associations")).content.decode()
    assert association.name in page


def test_the_invitation_link_works_once(
    client, eve, association, association_admin, django_capture_on_commit_callbacks
):
    invite_as_admin(association, association_admin, django_capture_on_commit_callbacks)
    path = set_password_path(mail.outbox[0].body)
    form_url = client.get(path)["Location"]
    client.post(form_url, {"password1": NIA_PASSWORD, "password2": NIA_PASSWORD})
    client.logout()
    assert "This link does not work" in client.get(path, follow=True).content.decode()


def test_a_verified_account_keeps_its_password_and_gets_a_link_to_its_associations(
    association, association_admin, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(association=association, email=outsider.email, actor=association_admin)
    outsider.refresh_from_db()
    assert outsider.has_usable_password()
    assert reverse("accounts:my_associations") in mail.outbox[0].body


def test_a_refused_invitation_leaves_eves_account_untouched(eve, association, association_admin):
    """Nothing changes when the invitation itself is refused (already a member)."""
    Membership.objects.create(user=eve, association=association)
    with pytest.raises(Refusal):
        services.membership_invite(association=association, email=ADDRESS, actor=association_admin)
    eve.refresh_from_db()
    assert eve.check_password(EVE_PASSWORD)


def test_an_import_drops_the_password_of_an_unverified_account_too(client, eve, association, association_admin, member):
    client.force_login(association_admin)
    text = f"email,display_name,role,status,vote_weight,valid_until\r\n{ADDRESS},Nia,admin,active,1,\r\n"
    upload = SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("accounts:member_import", kwargs={"slug": association.slug}), {"file": upload})
    assert response.status_code == 302
    eve.refresh_from_db()
    assert not eve.has_usable_password()
    member.refresh_from_db()
    assert member.has_usable_password()  # a verified member in the same association is left alone


def test_the_invitation_task_run_twice_sends_one_email(association, association_admin):
    """The e-mail is claimed by a conditional UPDATE before it is sent: a retry finds it claimed."""
    membership = services.membership_invite(association=association, email="once@example.org", actor=None)
    assert mail.outbox == []  # not committed yet: nothing queued ran
    assert tasks.membership_invitation_send(membership.pk) is True
    assert tasks.membership_invitation_send(membership.pk) is False
    assert len(mail.outbox) == 1
    membership.refresh_from_db()
    assert membership.invitation_sent_at is not None
    assert membership.events.filter(action=MembershipEvent.Action.INVITATION_SENT).count() == 1


def test_a_failed_send_releases_the_claim_so_the_retry_sends(association, monkeypatch):
    membership = services.membership_invite(association=association, email="retry@example.org", actor=None)

    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(services, "send_mail", broken)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.membership_invitation_send(membership_id=membership.pk)
    membership.refresh_from_db()
    assert membership.invitation_sent_at is None
    monkeypatch.undo()
    assert tasks.membership_invitation_send(membership.pk) is True
    assert len(mail.outbox) == 1


def test_no_invitation_is_sent_for_a_lapsed_membership(association, member):
    membership = member.memberships.get()
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LAPSED)
    assert tasks.membership_invitation_send(membership.pk) is False
    assert mail.outbox == []
