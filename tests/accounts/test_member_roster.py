"""The roster: an administrator sees the association's memberships, filtered, counted and paginated."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def roster_url(**params):
    url = reverse("accounts:member_list", kwargs={"slug": "ela"})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


@pytest.fixture
def roster(association, association_admin, board_member, member, other_association):
    MembershipFactory(association=association, status=Membership.Status.PENDING, user__email="penny@example.org")
    MembershipFactory(association=association, status=Membership.Status.LAPSED, user__email="larry@example.org")
    MembershipFactory(association=other_association, user__email="stranger@example.org")
    return association


def test_roster_lists_only_this_associations_members(client, roster, association_admin):
    """LLA's member never appears in ELA's roster."""
    client.force_login(association_admin)
    content = client.get(roster_url()).content.decode()
    for email in ["alice@", "bob@", "mia@", "penny@", "larry@"]:
        assert email in content
    assert "stranger@" not in content


def test_roster_counts_by_status_and_role(client, roster, association_admin):
    """The summary counts every membership of the association by status and by role."""
    client.force_login(association_admin)
    counts = client.get(roster_url()).context["counts"]
    assert counts["total"] == 5
    assert (counts["status_active"], counts["status_pending"], counts["status_lapsed"]) == (3, 1, 1)
    assert (counts["role_admin"], counts["role_board"], counts["role_member"]) == (1, 1, 3)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "pending"}, {"penny@example.org"}),
        ({"status": "lapsed"}, {"larry@example.org"}),
        ({"role": "board"}, {"bob@example.org"}),
        ({"role": "member", "status": "active"}, {"mia@example.org"}),
        ({"q": "ALICE"}, {"alice@example.org"}),
    ],
)
def test_roster_filters(client, roster, association_admin, params, expected):
    """Status, role and a name or e-mail search narrow the roster."""
    client.force_login(association_admin)
    page = client.get(roster_url(**params)).context["page"]
    assert {m.user.email for m in page.object_list} == expected


def test_unknown_filter_value_shows_everyone_instead_of_failing(client, roster, association_admin):
    """A hand-edited URL with a bad status is ignored, not a 500."""
    client.force_login(association_admin)
    response = client.get(roster_url(status="bogus"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5


def test_pending_rows_offer_approval_that_returns_to_the_filtered_list(client, roster, association_admin):
    """Approving from the list comes back to the same filtered list."""
    client.force_login(association_admin)
    pending = Membership.objects.get(user__email="penny@example.org")
    approve_url = reverse("accounts:member_approve", kwargs={"slug": "ela", "membership_id": pending.pk})
    content = client.get(roster_url(status="pending")).content.decode()
    assert approve_url in content
    response = client.post(approve_url, {"next": roster_url(status="pending")})
    assert response.status_code == 302
    assert response["Location"] == roster_url(status="pending")
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE


def test_approval_ignores_an_offsite_next(client, roster, association_admin):
    """The return address must stay on this site."""
    client.force_login(association_admin)
    pending = Membership.objects.get(user__email="penny@example.org")
    url = reverse("accounts:member_approve", kwargs={"slug": "ela", "membership_id": pending.pk})
    response = client.post(url, {"next": "https://evil.example.com/"})
    assert "evil.example.com" not in response["Location"]


def test_roster_is_paginated_and_keeps_filters(client, association, association_admin):
    """Fifty rows a page; the page links keep the filters."""
    MembershipFactory.create_batch(55, association=association)
    client.force_login(association_admin)
    first = client.get(roster_url(role="member"))
    assert len(first.context["page"].object_list) == 50
    assert "role=member&amp;page=2" in first.content.decode()
    second = client.get(roster_url(role="member", page=2))
    assert len(second.context["page"].object_list) == 5


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_roster_query_count_is_the_same_for_3_and_60_members(
    client, association, association_admin, django_assert_max_num_queries
):
    """Pinned: growing the association from 3 to 60 members adds no query (the page shows 50)."""
    MembershipFactory.create_batch(2, association=association)
    client.force_login(association_admin)
    client.get(roster_url())  # warm-up: site settings rows are created on first use
    small, response = _queries(client, roster_url())
    assert len(response.context["page"].object_list) == 3
    # Ours: session, user, association, access, page count, counts, page rows (7); the rest is the site
    # layout (header sections, navigation and footer settings, admin permissions, Wagtail's user bar for officers),
    # which other apps own and may grow a little. Measured 22 (the site header's catalogue and Voting link).
    assert small <= 22
    MembershipFactory.create_batch(57, association=association)
    with django_assert_max_num_queries(small):
        response = client.get(roster_url())
    assert len(response.context["page"].object_list) == 50


def test_my_associations_query_count_is_the_same_for_3_and_60_memberships(client, association_admin):
    """My associations costs the same queries for 3 and 60 memberships."""
    from tests.factories import AssociationFactory

    for _ in range(2):
        MembershipFactory(user=association_admin, association=AssociationFactory())
    client.force_login(association_admin)
    client.get(reverse("accounts:my_associations"))
    small, response = _queries(client, reverse("accounts:my_associations"))
    assert len(response.context["memberships"]) == 3
    for _ in range(57):
        MembershipFactory(user=association_admin, association=AssociationFactory())
    # Once more before counting, as before the first count: a new membership renews what the header keeps of the
    # person (lms.person_chrome), so the first page after it reads that again (one query, whatever the number).
    client.get(reverse("accounts:my_associations"))
    large, response = _queries(client, reverse("accounts:my_associations"))
    assert len(response.context["memberships"]) == 60
    assert small == large
