"""On PostgreSQL (production's database) the connection is real and the invariants hold in the database."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Membership, User
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.postgres


def test_database_url_puts_the_suite_on_postgresql(db):
    """DATABASE_URL=postgres://... is honoured: the tests talk to a PostgreSQL server, in a test database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()

    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL")
    assert connection.settings_dict["NAME"].startswith("test_")


def test_two_accounts_cannot_share_an_email_address_that_differs_only_in_case(db):
    """The case-insensitive unique index refuses a second account even when code skips the manager."""
    UserFactory(email="ana@example.org")

    with pytest.raises(IntegrityError, match="accounts_user_email_ci_unique"), transaction.atomic():
        User.objects.create(email="ANA@Example.org")

    assert User.objects.filter(email__iexact="ana@example.org").count() == 1


def test_a_person_has_one_membership_per_association(db):
    """A second membership of the same person in the same association is refused by the database."""
    membership = MembershipFactory()

    with pytest.raises(IntegrityError, match="accounts_membership_one_per_user"), transaction.atomic():
        Membership.objects.create(user=membership.user, association=membership.association)

    assert Membership.objects.filter(user=membership.user).count() == 1


def test_a_vote_weight_below_zero_is_refused_by_the_database(db):
    """The check constraint holds even for a bulk update that skips model validation."""
    membership = MembershipFactory(association=AssociationFactory())

    with pytest.raises(IntegrityError, match="accounts_membership_weight_gte_0"), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(vote_weight=Decimal("-1"))

    membership.refresh_from_db()
    assert membership.vote_weight == Decimal("1")
