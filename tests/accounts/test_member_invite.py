"""Inviting people by e-mail: a pending membership, an account for unknown addresses, one e-mail."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, MembershipEvent, User
from tests.factories import DEFAULT_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

INVITE_URL = reverse("accounts:member_invite", kwargs={"slug": "ela"})
NEW_PASSWORD = "a quiet library at dawn 1987"


def set_password_path(body):
    """The path of the set-password link in an invitation e-mail."""
    return re.search(r"https?://[^/\s]+(/\S*accounts/password/reset/key/\S+)", body).group(1)


def invite(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(INVITE_URL, {"role": "member", **data})


def test_inviting_an_unknown_address_creates_an_unopened_account_and_a_pending_membership(
    client, association_admin, django_capture_on_commit_callbacks
):
    """The address is normalised; the account has no usable password and an unverified address;
    one e-mail with a set-password link is sent."""
    client.force_login(association_admin)
    response = invite(client, django_capture_on_commit_callbacks, email="New.Person@Example.org", display_name="Nia")
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.display_name == "Nia"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified is False
    membership = Membership.objects.get(user=user)
    assert (membership.status, membership.role) == (Membership.Status.PENDING, Membership.Role.MEMBER)
    actions = set(membership.events.values_list("action", flat=True))
    assert actions == {MembershipEvent.Action.INVITED, MembershipEvent.Action.INVITATION_SENT}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Estonian Librarians Association" in message.subject
    assert "/accounts/password/reset/key/" in message.body


def test_invited_person_sets_a_password_from_the_email_and_can_log_in(
    client, association_admin, django_capture_on_commit_callbacks
):
    """The whole real-world path: invitation e-mail -> choose a password -> log in (address now verified)."""
    client.force_login(association_admin)
    invite(client, django_capture_on_commit_callbacks, email="nia@example.org")
    client.logout()
    response = client.get(set_password_path(mail.outbox[0].body))
    assert response.status_code == 302  # allauth hides the key from the address bar
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="nia@example.org")
    assert user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified is True
    response = client.post(reverse("account_login"), {"login": "nia@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_invitation_link_works_only_once(client, association_admin, django_capture_on_commit_callbacks):
    """Once the password is set, the same link shows the 'link does not work' page."""
    client.force_login(association_admin)
    invite(client, django_capture_on_commit_callbacks, email="nia@example.org")
    client.logout()
    path = set_password_path(mail.outbox[0].body)
    form_url = client.get(path)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = client.get(path)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_inviting_an_existing_user_links_to_their_associations(
    client, association_admin, outsider, django_capture_on_commit_callbacks
):
    """A known person keeps their password and gets a link to My associations instead of a set-password link."""
    client.force_login(association_admin)
    invite(client, django_capture_on_commit_callbacks, email="CHARLIE@example.org", role="board")
    membership = Membership.objects.get(user=outsider)
    assert (membership.status, membership.role) == (Membership.Status.PENDING, Membership.Role.BOARD)
    assert User.objects.filter(email__iexact="charlie@example.org").count() == 1
    assert outsider.check_password(DEFAULT_PASSWORD)
    assert reverse("accounts:my_associations") in mail.outbox[0].body
    assert "password/reset/key" not in mail.outbox[0].body


def test_invitation_is_written_in_the_invitees_language(
    client, association_admin, outsider, django_capture_on_commit_callbacks
):
    """Charlie prefers Russian, so his invitation links to the Russian pages."""
    outsider.profile.preferred_language = "ru"
    outsider.profile.save(update_fields=["preferred_language"])
    client.force_login(association_admin)
    invite(client, django_capture_on_commit_callbacks, email="charlie@example.org")
    assert "/ru/account/associations/" in mail.outbox[0].body


@pytest.mark.parametrize("status", [Membership.Status.ACTIVE, Membership.Status.PENDING, Membership.Status.LAPSED])
def test_reinviting_someone_who_already_has_a_membership_is_a_clear_error(
    client, association, association_admin, status, django_capture_on_commit_callbacks
):
    """Whatever the status, a second invitation is refused next to the e-mail field and changes nothing."""
    existing = MembershipFactory(association=association, status=status, user__email="rita@example.org")
    client.force_login(association_admin)
    response = invite(client, django_capture_on_commit_callbacks, email="rita@example.org", role="admin")
    assert response.status_code == 400
    content = response.content.decode()
    assert "rita@example.org is already in Estonian Librarians Association" in content
    assert 'id="id_email_error"' in content
    existing.refresh_from_db()
    assert (existing.status, existing.role) == (status, Membership.Role.MEMBER)
    assert Membership.objects.filter(user=existing.user).count() == 1
    assert mail.outbox == []


def test_invalid_address_is_refused_and_nothing_is_created(
    client, association_admin, django_capture_on_commit_callbacks
):
    """A malformed address is a form error: no account, no e-mail."""
    client.force_login(association_admin)
    users = User.objects.count()
    response = invite(client, django_capture_on_commit_callbacks, email="not-an-address")
    assert response.status_code == 400
    assert User.objects.count() == users
    assert mail.outbox == []


def test_invitation_task_sends_once(association, association_admin, django_capture_on_commit_callbacks):
    """Running the e-mail task again (a retry) sends nothing more."""
    from accounts import services, tasks

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_invite(association=association, email="once@example.org", actor=None)
    assert tasks.membership_invitation_send(membership.pk) is False
    assert len(mail.outbox) == 1


def test_a_password_reset_does_not_verify_when_the_user_has_several_addresses(db):
    """With two addresses we cannot tell which mailbox got the link, so nothing is marked verified."""
    from accounts import services
    from tests.factories import UserFactory

    user = UserFactory(email="two@example.org", verified=False)
    EmailAddress.objects.create(user=user, email="two@example.org", primary=True, verified=False)
    EmailAddress.objects.create(user=user, email="other@example.org", primary=False, verified=False)
    assert services.user_email_verify_after_reset(user=user) is False
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()


def test_a_password_reset_verifies_the_single_address_of_an_invited_user(db):
    """Using the link proves the only address; a second call changes nothing."""
    from accounts import services
    from tests.factories import UserFactory

    user = UserFactory(email="one@example.org", verified=False)
    EmailAddress.objects.create(user=user, email="one@example.org", primary=True, verified=False)
    assert services.user_email_verify_after_reset(user=user) is True
    assert services.user_email_verify_after_reset(user=user) is False  # already verified: idempotent
    assert EmailAddress.objects.get(user=user).verified


def test_an_invited_person_whose_link_expired_can_ask_for_a_new_one(
    client, association_admin, django_capture_on_commit_callbacks
):
    """The account exists from the invitation on, so the ordinary password reset reaches it."""
    client.force_login(association_admin)
    invite(client, django_capture_on_commit_callbacks, email="late@example.org")
    client.logout()
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": "late@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert set_password_path(mail.outbox[0].body)


def test_invite_racing_a_signup_of_the_same_address_uses_the_new_account(
    association, association_admin, outsider, monkeypatch
):
    """If the address gets an account between our lookup and our insert, the invitation attaches to it."""
    from accounts import services

    lookups = iter([None, outsider])
    monkeypatch.setattr(services, "_user_by_email", lambda email: next(lookups))
    membership = services.membership_invite(association=association, email="charlie@example.org", actor=None)
    assert membership.user == outsider
    assert User.objects.filter(email="charlie@example.org").count() == 1
