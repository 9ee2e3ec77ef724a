"""Django admin keeps working for the accounts models; the audit trail there is read-only."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import MembershipEvent, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser(email="root@example.org", password="x" * 20))
    return client


@pytest.mark.parametrize("model", ["user", "association", "membership", "membershipevent"])
def test_changelists_open(superuser_client, association_admin, model):
    """A superuser can list users, associations, memberships and membership events."""
    assert superuser_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


def test_change_pages_open(superuser_client, association, association_admin):
    """A superuser can open a user, an association and a membership for editing."""
    membership = association_admin.memberships.get()
    for url in [
        reverse("admin:accounts_user_change", args=[association_admin.pk]),
        reverse("admin:accounts_association_change", args=[association.pk]),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
    ]:
        assert superuser_client.get(url).status_code == 200


def test_membership_events_cannot_be_added_or_changed_in_admin(
    superuser_client, association, association_admin, member
):
    """The audit trail is read-only in Django admin: adding is forbidden, a POST changes nothing."""
    services.membership_change_role(membership=member.memberships.get(), actor=association_admin, role="board")
    event = MembershipEvent.objects.get()
    assert superuser_client.get(reverse("admin:accounts_membershipevent_add")).status_code == 403
    response = superuser_client.post(
        reverse("admin:accounts_membershipevent_change", args=[event.pk]), {"action": "approved"}
    )
    assert response.status_code == 403
    assert MembershipEvent.objects.get().action == "role_changed"


def test_staff_without_permissions_cannot_open_memberships(client, association):
    """Being staff alone does not open the membership admin."""
    staff = User.objects.create_user(email="staff@example.org", password="x" * 20, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 403
