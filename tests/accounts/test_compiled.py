"""accounts.compiled: a query compiled once answers each call as the ORM would, for each call's own ids."""

import threading

import pytest

from accounts import compiled
from accounts.models import Membership
from accounts.roles import standing_in
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _memberships():
    return Membership.objects.filter(user_id=compiled.STAND_IN_1).select_related("association").order_by("pk")


def test_each_call_reads_its_own_ids_rows_as_the_orm_does(django_assert_num_queries):
    first, second = MembershipFactory(), MembershipFactory()
    MembershipFactory(user=first.user, association=AssociationFactory(name="Second", slug="second"))
    for membership in (first, second, first):
        with django_assert_num_queries(1):
            found = compiled.rows("test_memberships", _memberships, {compiled.STAND_IN_1: membership.user_id})
        expected = list(Membership.objects.filter(user=membership.user).select_related("association").order_by("pk"))
        assert found == expected
        assert [row.association.name for row in found] == [row.association.name for row in expected]


def test_no_stand_in_reaches_the_database(django_assert_num_queries):
    membership = MembershipFactory()
    with django_assert_num_queries(1) as queries:
        compiled.rows("test_memberships", _memberships, {compiled.STAND_IN_1: membership.user_id})
    assert str(compiled.STAND_IN_1) not in queries.captured_queries[0]["sql"]


def test_a_standing_is_the_same_through_the_compiled_query(association, member, outsider):
    assert standing_in(member, association).member
    assert not standing_in(outsider, association).member


def test_another_thread_runs_it_on_its_own_connection():
    """The compiler kept was made on this thread's connection: another thread's call must use its own (Django refuses
    a connection shared between threads). Not a transactional test (its flush would empty the migrated data other
    tests read), so the other thread sees none of this test's rows: it reads an id nobody has."""
    ids = {compiled.STAND_IN_1: 987_654}
    assert compiled.rows("test_memberships_threads", _memberships, ids) == []
    outcome = []

    def read():
        from django.db import connection as thread_connection

        try:
            outcome.append(compiled.rows("test_memberships_threads", _memberships, ids))
        except Exception as error:  # reported below, in the test's thread
            outcome.append(error)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert outcome == [[]]


def test_a_stand_in_typed_by_the_driver_is_swapped_in_its_type():
    """psycopg passes an integer field's value as ``Int4``, an int subclass: it is swapped too, keeping the type."""

    class Int4(int):
        pass

    swapped = compiled._swap(Int4(compiled.STAND_IN_1), {compiled.STAND_IN_1: 5})
    assert swapped == 5 and type(swapped) is Int4
    assert compiled._swap(True, {1: 5}) is True
    assert compiled._swap("standin0000%", {"standin0000%": "0001%"}) == "0001%"
