"""Membership state changes: each is one service with a checked transition and an audit row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Membership, MembershipEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

Status = Membership.Status
Role = Membership.Role


@pytest.fixture
def admin_membership(association_admin):
    return association_admin.memberships.get()


def test_approve_turns_pending_into_active_and_records_who_did_it(association, association_admin):
    """Approval writes an audit row with the actor and the status before and after."""
    pending = MembershipFactory(association=association, status=Status.PENDING)
    services.membership_approve(membership=pending, actor=association_admin)
    pending.refresh_from_db()
    assert pending.status == Status.ACTIVE
    event = pending.events.get()
    assert (event.action, event.actor) == (MembershipEvent.Action.APPROVED, association_admin)
    assert (event.old_value["status"], event.new_value["status"]) == ("pending", "active")


def test_approving_an_active_membership_is_refused(association, association_admin, member):
    """Only pending memberships can be approved; a refusal writes no audit row."""
    with pytest.raises(ValidationError, match="pending"):
        services.membership_approve(membership=member.memberships.get(), actor=association_admin)
    assert not MembershipEvent.objects.exists()


def test_lapse_and_reactivate(association_admin, member):
    """Active -> lapsed -> active, each step audited; lapsing twice is refused."""
    membership = member.memberships.get()
    services.membership_lapse(membership=membership, actor=association_admin)
    membership.refresh_from_db()
    assert membership.status == Status.LAPSED
    with pytest.raises(ValidationError):
        services.membership_lapse(membership=membership, actor=association_admin)
    services.membership_reactivate(membership=membership, actor=association_admin)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert list(membership.events.order_by("id").values_list("action", flat=True)) == ["lapsed", "reactivated"]


def test_reactivating_a_pending_membership_is_refused(association, association_admin):
    """Reactivation is only for lapsed memberships."""
    pending = MembershipFactory(association=association, status=Status.PENDING)
    with pytest.raises(ValidationError, match="lapsed"):
        services.membership_reactivate(membership=pending, actor=association_admin)


def test_change_role_records_old_and_new_role(association_admin, member):
    """The audit row holds the role before and after."""
    membership = member.memberships.get()
    services.membership_change_role(membership=membership, actor=association_admin, role=Role.BOARD)
    membership.refresh_from_db()
    assert membership.role == Role.BOARD
    event = membership.events.get()
    assert (event.old_value, event.new_value) == ({"role": "member"}, {"role": "board"})


def test_setting_the_same_role_writes_no_event(association_admin, member):
    """Saving an unchanged role is a no-op, not an audit row."""
    membership = member.memberships.get()
    services.membership_change_role(membership=membership, actor=association_admin, role=Role.MEMBER)
    assert not membership.events.exists()


def test_unknown_role_is_refused(association_admin, member):
    """Only member, board and admin are roles."""
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=member.memberships.get(), actor=association_admin, role="king")


def test_change_terms_sets_vote_weight_and_validity(association_admin, member):
    """Vote weight and end date change together, audited with both values."""
    membership = member.memberships.get()
    services.membership_change_terms(
        membership=membership,
        actor=association_admin,
        vote_weight=Decimal("2.5"),
        valid_until=datetime.date(2030, 1, 1),
    )
    membership.refresh_from_db()
    assert (membership.vote_weight, membership.valid_until) == (Decimal("2.5"), datetime.date(2030, 1, 1))
    event = membership.events.get()
    assert event.old_value == {"vote_weight": "1.000", "valid_until": None}
    assert event.new_value == {"vote_weight": "2.500", "valid_until": "2030-01-01"}


def test_negative_vote_weight_is_refused(association_admin, member):
    """A vote weight below zero is refused."""
    with pytest.raises(ValidationError):
        services.membership_change_terms(
            membership=member.memberships.get(), actor=association_admin, vote_weight=Decimal("-1"), valid_until=None
        )


class TestTheLastAdministratorStays:
    """An association always keeps at least one current administrator."""

    def test_last_admin_cannot_lapse(self, admin_membership, association_admin):
        """Lapsing the only administrator is refused and leaves no audit row."""
        with pytest.raises(ValidationError, match="last active administrator"):
            services.membership_lapse(membership=admin_membership, actor=association_admin)
        admin_membership.refresh_from_db()
        assert admin_membership.status == Status.ACTIVE
        assert not MembershipEvent.objects.exists()

    def test_last_admin_cannot_be_demoted(self, admin_membership, association_admin):
        """Demoting the only administrator is refused."""
        with pytest.raises(ValidationError, match="last active administrator"):
            services.membership_change_role(membership=admin_membership, actor=association_admin, role=Role.BOARD)
        admin_membership.refresh_from_db()
        assert admin_membership.role == Role.ADMIN

    def test_last_admin_cannot_be_given_an_end_date_in_the_past(self, admin_membership, association_admin):
        """An expired end date would end administration too: refused (as any end date in the past now is)."""
        with pytest.raises(ValidationError, match="The end date is in the past"):
            services.membership_change_terms(
                membership=admin_membership,
                actor=association_admin,
                vote_weight=Decimal(1),
                valid_until=datetime.date(2000, 1, 1),
            )

    def test_a_future_end_date_for_the_last_admin_is_fine(self, admin_membership, association_admin):
        """An end date in the future keeps the administrator current."""
        services.membership_change_terms(
            membership=admin_membership,
            actor=association_admin,
            vote_weight=Decimal(1),
            valid_until=datetime.date(2099, 1, 1),
        )

    def test_an_admin_can_step_down_once_another_admin_exists(self, association, admin_membership, association_admin):
        """With a second current administrator, the first may become a member."""
        MembershipFactory(association=association, role=Role.ADMIN)
        services.membership_change_role(membership=admin_membership, actor=association_admin, role=Role.MEMBER)
        admin_membership.refresh_from_db()
        assert admin_membership.role == Role.MEMBER

    def test_a_lapsed_second_admin_does_not_count(self, association, admin_membership, association_admin):
        """Only active, current administrators count towards the guard."""
        MembershipFactory(association=association, role=Role.ADMIN, status=Status.LAPSED)
        with pytest.raises(ValidationError):
            services.membership_lapse(membership=admin_membership, actor=association_admin)

    def test_the_view_shows_the_refusal_as_a_message(self, client, admin_membership, association_admin):
        """The refusal reaches the administrator as a readable message."""
        client.force_login(association_admin)
        url = reverse("accounts:member_change_role", kwargs={"slug": "ela", "membership_id": admin_membership.pk})
        response = client.post(url, {"role": "member"}, follow=True)
        assert "last active administrator" in response.content.decode()
        admin_membership.refresh_from_db()
        assert admin_membership.role == Role.ADMIN


class TestMemberDetailViews:
    """The member page posts to the services and shows their history."""

    def test_role_and_terms_are_saved_from_the_member_page(self, client, association_admin, member):
        """The member page's forms change role and terms and show them in the history."""
        membership = member.memberships.get()
        kwargs = {"slug": "ela", "membership_id": membership.pk}
        client.force_login(association_admin)
        client.post(reverse("accounts:member_change_role", kwargs=kwargs), {"role": "board"})
        client.post(
            reverse("accounts:member_change_terms", kwargs=kwargs), {"vote_weight": "3", "valid_until": "2031-05-01"}
        )
        membership.refresh_from_db()
        assert (membership.role, membership.vote_weight, membership.valid_until) == (
            Role.BOARD,
            Decimal(3),
            datetime.date(2031, 5, 1),
        )
        page = client.get(reverse("accounts:member_detail", kwargs=kwargs)).content.decode()
        assert "Role changed" in page
        assert "Vote weight or validity changed" in page

    def test_invalid_vote_weight_is_shown_next_to_the_field_and_changes_nothing(
        self, client, association_admin, member
    ):
        """The error is tied to the field by aria-describedby; nothing is saved or audited."""
        membership = member.memberships.get()
        kwargs = {"slug": "ela", "membership_id": membership.pk}
        client.force_login(association_admin)
        response = client.post(reverse("accounts:member_change_terms", kwargs=kwargs), {"vote_weight": "-2"})
        assert response.status_code == 400
        content = response.content.decode()
        assert 'aria-describedby="id_vote_weight_helptext id_vote_weight_error"' in content
        assert 'id="id_vote_weight_error"' in content
        membership.refresh_from_db()
        assert membership.vote_weight == Decimal(1)
        assert not membership.events.exists()

    def test_lapse_from_the_member_page(self, client, association_admin, member):
        """The lapse button lapses the membership and says so."""
        membership = member.memberships.get()
        client.force_login(association_admin)
        url = reverse("accounts:member_lapse", kwargs={"slug": "ela", "membership_id": membership.pk})
        response = client.post(url, follow=True)
        assert "has lapsed" in response.content.decode()
        membership.refresh_from_db()
        assert membership.status == Status.LAPSED
