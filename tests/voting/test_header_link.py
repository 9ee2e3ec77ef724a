"""The header's Voting link: whom it is shown to and the polls waiting for the reader's vote, read in one query
(the header asks on every page)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import MembershipFactory, UserFactory
from tests.voting.factories import open_poll
from voting import services
from voting.selectors import VotingLink, voting_link_for

pytestmark = pytest.mark.django_db


def test_a_visitor_is_not_shown_the_link_and_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert voting_link_for(AnonymousUser()) == VotingLink(shown=False, waiting=0)


def test_a_signed_in_non_member_is_not_shown_the_link(outsider, association, django_assert_num_queries):
    open_poll(association, title="Adopt the budget")

    with django_assert_num_queries(1):
        assert voting_link_for(outsider) == VotingLink(shown=False, waiting=0)


def test_a_member_with_nothing_to_vote_is_shown_the_link_without_a_count(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert voting_link_for(member) == VotingLink(shown=True, waiting=0)


def test_a_member_sees_how_many_polls_wait_for_their_vote(association, member, django_assert_num_queries):
    first = open_poll(association, title="Adopt the budget")
    open_poll(association, title="Elect the board")

    with django_assert_num_queries(1):
        assert voting_link_for(member) == VotingLink(shown=True, waiting=2)
    services.vote_cast(poll_id=first.pk, voter=member, choices=["yes"])
    assert voting_link_for(member) == VotingLink(shown=True, waiting=1)


def test_a_lapsed_member_still_on_a_frozen_roll_is_shown_the_vote_waiting(association):
    membership = MembershipFactory(association=association)
    open_poll(association, title="Adopt the budget")
    membership.valid_until = datetime.date(2000, 1, 1)
    membership.save(update_fields=["valid_until"])

    assert voting_link_for(membership.user) == VotingLink(shown=True, waiting=1)


def test_a_site_administrator_is_shown_the_link(db):
    admin = UserFactory(email="root@example.org")
    admin.is_superuser = True

    assert voting_link_for(admin) == VotingLink(shown=True, waiting=0)
