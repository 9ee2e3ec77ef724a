"""Who may open and change an association's member pages.

Only a current administrator of that association (or a superuser) manages it; its other members get
403; everyone else, including administrators of other associations, gets 404; anonymous people are
sent to log in.
"""

import pytest
from django.urls import reverse

from accounts.models import Membership, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = ["member_list", "member_invite", "member_import", "member_import_template"]
ACTIONS = ["member_approve", "member_lapse", "member_reactivate", "member_change_role", "member_change_terms"]


@pytest.fixture
def target(association):
    """A pending membership of `association` that every action could change."""
    return MembershipFactory(association=association, status=Membership.Status.PENDING, user__email="pat@example.org")


def page_url(name, slug="ela"):
    return reverse(f"accounts:{name}", kwargs={"slug": slug})


def action_url(name, membership, slug=None):
    return reverse(
        f"accounts:{name}", kwargs={"slug": slug or membership.association.slug, "membership_id": membership.pk}
    )


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_login_from_member_pages(client, association, name):
    """No member page is shown without logging in; the login page remembers where to return."""
    response = client.get(page_url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ACTIONS)
def test_anonymous_visitor_cannot_post_member_actions(client, target, name):
    """A POST without login changes nothing and redirects to login."""
    response = client.post(action_url(name, target), {"role": "admin", "vote_weight": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    target.refresh_from_db()
    assert target.status == Membership.Status.PENDING
    assert target.role == Membership.Role.MEMBER


@pytest.mark.parametrize("persona", ["member", "board_member"])
@pytest.mark.parametrize("name", PAGES)
def test_members_who_are_not_admins_get_403_on_member_pages(client, request, persona, name):
    """Belonging to the association in another role is not enough to manage it."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(name)).status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_member_cannot_act_on_memberships(client, member, target, name):
    """A plain member's POST is refused with 403 and changes nothing."""
    client.force_login(member)
    response = client.post(action_url(name, target), {"role": "admin", "vote_weight": "5"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.status, target.role) == (Membership.Status.PENDING, Membership.Role.MEMBER)
    assert not target.events.exists()


def test_lapsed_admin_can_no_longer_manage(client, association, association_admin):
    """An administrator whose membership lapsed is a former member: 403."""
    MembershipFactory(association=association, role=Membership.Role.ADMIN)  # keeps the association managed
    Membership.objects.filter(user=association_admin).update(status=Membership.Status.LAPSED)
    client.force_login(association_admin)
    assert client.get(page_url("member_list")).status_code == 403


def test_admin_past_valid_until_can_no_longer_manage(client, association, association_admin):
    """Administration ends with the membership's validity date."""
    Membership.objects.filter(user=association_admin).update(valid_until="2000-01-01")
    client.force_login(association_admin)
    assert client.get(page_url("member_list")).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_admin_of_another_association_gets_404(client, association, other_admin, name):
    """Oscar administers LLA; ELA's member pages do not exist for him."""
    client.force_login(other_admin)
    assert client.get(page_url(name)).status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_admin_of_another_association_cannot_act_on_its_memberships(client, other_admin, target, name):
    """Posting to ELA's URLs as LLA's admin is 404 and changes nothing."""
    client.force_login(other_admin)
    response = client.post(action_url(name, target), {"role": "admin", "vote_weight": "5"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert (target.status, target.role) == (Membership.Status.PENDING, Membership.Role.MEMBER)


@pytest.mark.parametrize("name", ACTIONS)
def test_forged_membership_id_from_another_association_is_404(
    client, association, association_admin, other_association, name
):
    """Alice manages ELA; putting an LLA membership id into ELA's URL finds nothing and changes nothing."""
    foreign = MembershipFactory(association=other_association, status=Membership.Status.PENDING)
    client.force_login(association_admin)
    response = client.post(action_url(name, foreign, slug="ela"), {"role": "admin", "vote_weight": "5"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert (foreign.status, foreign.role) == (Membership.Status.PENDING, Membership.Role.MEMBER)
    assert not foreign.events.exists()


def test_forged_membership_id_detail_page_is_404(client, association_admin, other_association):
    """Another association's membership id in this association's URL shows nothing."""
    foreign = MembershipFactory(association=other_association)
    client.force_login(association_admin)
    url = reverse("accounts:member_detail", kwargs={"slug": "ela", "membership_id": foreign.pk})
    assert client.get(url).status_code == 404


def test_outsider_gets_404(client, association, outsider):
    """Someone with no membership in the association does not learn that its member pages exist."""
    client.force_login(outsider)
    assert client.get(page_url("member_list")).status_code == 404


def test_unknown_association_is_404_for_its_would_be_admin(client, association_admin):
    """An unknown slug is 404 even for an administrator of another association."""
    client.force_login(association_admin)
    assert client.get(page_url("member_list", slug="no-such-association")).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_association_admin_opens_member_pages(client, association_admin, name):
    """Alice, ELA's administrator, opens every member page of ELA."""
    client.force_login(association_admin)
    assert client.get(page_url(name)).status_code == 200


def test_superuser_manages_any_association(client, association, target):
    """Site superusers help every association without being members of it."""
    client.force_login(User.objects.create_superuser(email="root@example.org", password="x" * 20))
    assert client.get(page_url("member_list")).status_code == 200
    response = client.post(action_url("member_approve", target))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == Membership.Status.ACTIVE


@pytest.mark.parametrize("name", ACTIONS)
def test_member_actions_refuse_get(client, association_admin, target, name):
    """State changes are POST only: a GET of approve shows its confirmation page (of lapse: back to the pending
    membership's page, nothing to confirm) and changes nothing."""
    client.force_login(association_admin)
    expected = {"member_approve": 200, "member_lapse": 302}.get(name, 405)
    assert client.get(action_url(name, target)).status_code == expected
    target.refresh_from_db()
    assert target.status == Membership.Status.PENDING and not target.events.exists()
