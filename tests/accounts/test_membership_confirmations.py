"""Finding 9: a "valid until" in the past is refused with a clear message (it was saved silently and the member
stayed active); approve and lapse ask for confirmation on a page that says what will happen; the history shows
labels and locale-formatted values, not ``vote_weight: 1.000``. Finding 10: one number and date format."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services
from accounts.models import Membership
from accounts.templatetags.figures import number_display
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _url(name, membership):
    return reverse(f"accounts:{name}", kwargs={"slug": membership.association.slug, "membership_id": membership.pk})


def test_a_valid_until_in_the_past_is_refused_on_the_form_and_nothing_changes(client, association_admin, member):
    membership = member.memberships.get()
    client.force_login(association_admin)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        _url("member_change_terms", membership), {"vote_weight": "1", "valid_until": yesterday.isoformat()}
    )
    assert response.status_code == 400
    assert "The end date is in the past." in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_until is None and membership.status == Membership.Status.ACTIVE
    assert not membership.events.exists()


def test_the_service_refuses_a_past_end_date_too(association_admin, member):
    with pytest.raises(services.Refusal, match="The end date is in the past"):
        services.membership_change_terms(
            membership=member.memberships.get(),
            actor=association_admin,
            vote_weight=Decimal(1),
            valid_until=datetime.date(2020, 1, 1),
        )


def test_today_is_accepted_as_the_last_day(association_admin, member):
    membership = services.membership_change_terms(
        membership=member.memberships.get(),
        actor=association_admin,
        vote_weight=Decimal(1),
        valid_until=timezone.localdate(),
    )
    assert membership.is_current


@pytest.mark.parametrize(
    ("name", "status", "words"),
    [
        ("member_approve", Membership.Status.PENDING, "becomes an active member"),
        ("member_lapse", Membership.Status.ACTIVE, "stops being a member"),
    ],
)
def test_approve_and_lapse_first_show_what_will_happen_and_change_nothing(
    client, association, association_admin, name, status, words
):
    membership = MembershipFactory(association=association, status=status, user__email="pat@example.org")
    client.force_login(association_admin)
    response = client.get(_url(name, membership))
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page and 'method="post"' in page and "Cancel" in page
    membership.refresh_from_db()
    assert membership.status == status and not membership.events.exists()


def test_the_member_page_links_to_the_confirmation_instead_of_posting(client, association_admin, member):
    membership = member.memberships.get()
    client.force_login(association_admin)
    page = client.get(_url("member_detail", membership)).content.decode()
    assert f'href="{_url("member_lapse", membership)}"' in page
    assert f'action="{_url("member_lapse", membership)}"' not in page


@pytest.mark.parametrize("persona", ["member", "board_member", "other_admin"])
def test_other_people_never_see_the_confirmation(client, request, association_admin, member, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("member_lapse", member.memberships.get())).status_code in (403, 404)


def test_anonymous_is_sent_to_log_in_from_the_confirmation(client, member):
    response = client.get(_url("member_lapse", member.memberships.get()))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def terms_changed(association_admin, member):
    """The member's vote weight set to 2.5 and end date to 30 June 2099."""
    return services.membership_change_terms(
        membership=member.memberships.get(),
        actor=association_admin,
        vote_weight=Decimal("2.5"),
        valid_until=datetime.date(2099, 6, 30),
    )


def test_the_history_shows_labels_and_formatted_values(client, association_admin, terms_changed):
    membership = terms_changed
    services.membership_change_role(membership=membership, actor=association_admin, role="board")
    client.force_login(association_admin)
    page = client.get(_url("member_detail", membership)).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "vote_weight" not in history and "1.000" not in history and "2.500" not in history
    assert "Vote weight: 1; Valid until: No end date" in history
    assert "Vote weight: 2.5; Valid until: 30 June 2099" in history
    assert "Role: Board member" in history


def test_the_history_in_russian_uses_a_decimal_comma_and_russian_dates(client, association_admin, terms_changed):
    membership = terms_changed
    client.force_login(association_admin)
    page = client.get("/ru" + _url("member_detail", membership)).content.decode()
    assert "2,5" in page and "30 июня 2099" in page


@pytest.mark.parametrize(
    ("value", "english", "russian"),
    [
        (Decimal("2.500"), "2.5", "2,5"),
        (Decimal("1.000"), "1", "1"),
        (Decimal("4.00"), "4", "4"),
        (Decimal("2.50"), "2.5", "2,5"),
        (Decimal("10.00"), "10", "10"),
    ],
)
def test_one_number_format_for_vote_weights_and_cpd_hours(value, english, russian):
    """Finding 10: "2.500" next to "1", "2.50" next to "4"."""
    assert number_display(value) == english
    with translation.override("ru"):
        assert number_display(value) == russian


def test_the_roster_shows_weights_and_dates_as_the_member_page_does(client, association, association_admin):
    MembershipFactory(association=association, vote_weight=Decimal("2.5"), valid_until=datetime.date(2099, 6, 30))
    client.force_login(association_admin)
    page = client.get(reverse("accounts:member_list", kwargs={"slug": association.slug})).content.decode()
    assert "2.500" not in page and "06/30/2099" not in page
    assert ">2.5<" in page and "30 June 2099" in page


def test_a_confirmation_that_does_not_apply_goes_back_to_the_member_page_and_says_so(client, association_admin, member):
    membership = member.memberships.get()  # active: nothing to approve
    client.force_login(association_admin)
    response = client.get(_url("member_approve", membership), follow=True)
    assert response.redirect_chain[-1][0] == _url("member_detail", membership)
    assert "This membership is active now: there is nothing to confirm." in response.content.decode()
