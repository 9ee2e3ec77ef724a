"""The signed-in header's facts kept per person (lms.person_chrome): the Voting link with its badge and the "Edit the
site" link are read once and kept, and every change that alters them shows on the next page, to that person only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Membership
from lms import person_chrome
from tests.voting.factories import open_poll, poll_create
from voting import services

pytestmark = pytest.mark.django_db

BADGE = '<span class="site-nav__badge"><span aria-hidden="true">{}</span>'
EDIT = "Edit the site"


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 200
    return response.content.decode()


def _voting_link(page: str) -> bool:
    return f'href="{reverse("voting:poll_list")}"' in page


def test_the_header_facts_are_read_once_then_kept(client, member, django_assert_num_queries):
    _page(client, member)
    with django_assert_num_queries(0):
        facts = person_chrome.person_chrome(None, member)
    assert facts == person_chrome.PersonChrome(voting_shown=True, waiting=0, edits_site=False)


def test_a_poll_opening_shows_its_badge_on_the_next_page_and_a_vote_or_closing_takes_it_away(
    client, association, member
):
    assert BADGE.format(1) not in _page(client, member)
    first = open_poll(association, title="Adopt the budget")
    assert BADGE.format(1) in _page(client, member)
    second = open_poll(association, title="Elect the board")
    assert BADGE.format(2) in _page(client, member)

    services.vote_cast(poll_id=first.pk, voter=member, choices=["yes"])
    assert BADGE.format(1) in _page(client, member)
    services.poll_close(poll_id=second.pk)
    page = _page(client, member)
    assert "site-nav__badge" not in page and _voting_link(page)


def test_a_draft_poll_shows_no_badge(client, association, member):
    poll_create(association, title="Adopt the budget")
    assert "site-nav__badge" not in _page(client, member)


def test_a_membership_ending_hides_the_voting_link_on_the_next_page(client, association):
    membership = Membership.objects.create(
        user=_user("ana@example.org"), association=association, status=Membership.Status.ACTIVE
    )
    assert _voting_link(_page(client, membership.user))
    membership.status = Membership.Status.LAPSED
    membership.save(update_fields=["status"])
    assert not _voting_link(_page(client, membership.user))


def test_joining_or_leaving_the_trainers_shows_or_hides_the_edit_link(client, outsider):
    assert EDIT not in _page(client, outsider)
    group, _ = Group.objects.get_or_create(name="Trainers")
    outsider.groups.add(group)
    assert EDIT in _page(client, outsider)
    outsider.groups.remove(group)
    assert EDIT not in _page(client, outsider)


def test_becoming_an_officer_shows_the_edit_link(client, association, member):
    assert EDIT not in _page(client, member)
    membership = Membership.objects.get(user=member, association=association)
    membership.role = Membership.Role.ADMIN
    membership.save(update_fields=["role"])
    assert EDIT in _page(client, member)


def test_becoming_a_site_administrator_shows_the_edit_link(client, outsider):
    assert EDIT not in _page(client, outsider)
    outsider.is_superuser = True
    outsider.save(update_fields=["is_superuser"])
    assert EDIT in _page(client, outsider)


def test_nobody_gets_another_persons_header(client, association, member, trainer, outsider):
    open_poll(association, title="Adopt the budget")
    assert BADGE.format(1) in _page(client, member)
    assert EDIT in _page(client, trainer)

    page = _page(client, outsider)
    assert not _voting_link(page) and EDIT not in page
    page = _page(client, trainer)
    assert not _voting_link(page) and EDIT in page
    page = _page(client, member)
    assert BADGE.format(1) in page and EDIT not in page


def test_the_cache_holds_no_html_nor_token(client, member):
    """Only the facts are kept (booleans and a count): the CSRF token and the page are rendered per request."""
    from django.core.cache import cache

    _page(client, member)
    kept = [key for key in cache._cache if "chrome:header:" in key]
    assert len(kept) == 1 and f":{member.pk}:" in kept[0]
    assert cache.get(kept[0].split(":", 2)[2]) == (True, 0, False)


def _user(email):
    from tests.factories import UserFactory

    return UserFactory(email=email)


# ------------------------------------------------------------------------------------------ the header's HTML, kept


def _csrf_values(page: str) -> list[str]:
    import re

    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)


def test_a_kept_header_carries_this_responses_csrf_token_and_signing_out_works(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    _page(client, member)
    page = _page(client, member)  # the header from the memo
    tokens = _csrf_values(page)
    assert tokens and all(len(token) == 64 and "standin" not in token for token in tokens)
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_two_people_on_the_same_address_each_see_their_own_name(client, member, outsider):
    member.display_name, outsider.display_name = "Mia Member", "Otto Outsider"
    member.save(update_fields=["display_name"])
    outsider.save(update_fields=["display_name"])
    assert "Mia" in _page(client, member)
    page = _page(client, outsider)
    assert "Otto" in page and "Mia" not in page


def test_a_new_name_shows_on_the_next_page(client, member):
    _page(client, member)
    member.display_name = "Mia Renamed"
    member.save(update_fields=["display_name"])
    assert "Mia Renamed" in _page(client, member)


def test_the_current_section_follows_the_address(client, member):
    client.force_login(member)
    learning = client.get(reverse("courses:learning")).content.decode()
    mine = client.get(reverse("certificates:mine")).content.decode()
    assert f'href="{reverse("courses:learning")}" aria-current="page"' in learning
    assert f'href="{reverse("certificates:mine")}" aria-current="page"' in mine
    assert f'href="{reverse("courses:learning")}" aria-current="page"' not in mine
