"""Voting data built through the voting services (as a chair would), for the tests."""

from decimal import Decimal

from accounts.models import Membership
from tests.factories import MembershipFactory
from voting import services
from voting.models import Body, Poll


def ruleset_create(association, body=Body.GENERAL_ASSEMBLY, **terms):
    return services.ruleset_create(association=association, body=body, name="Statutes", **terms)


def members(association, count, *, weight=Decimal("1"), role=Membership.Role.MEMBER):
    return [MembershipFactory(association=association, role=role, vote_weight=weight).user for _index in range(count)]


def poll_create(association, ruleset=None, **fields):
    ruleset = ruleset or ruleset_create(association)
    fields.setdefault("title", "Adopt the annual report")
    return services.poll_create(association=association, ruleset=ruleset, **fields)


def open_poll(association, **fields) -> Poll:
    poll = poll_create(association, **fields)
    return services.poll_open(poll_id=poll.pk)
