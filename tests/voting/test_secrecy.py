"""Secrecy by schema: nothing in the database links a secret ballot to a voter, by a column or by an order."""

import pytest
from django.apps import apps
from django.db import connection, models

from tests.voting.factories import members, open_poll
from voting import services
from voting.models import Ballot, CastRecord, Poll, Receipt

pytestmark = pytest.mark.django_db

# What a line of the ballot box may hold: its key, its poll, the choice and two sums.
BALLOT_COLUMNS = {"id", "poll_id", "choices", "heads", "weight"}
RECEIPT_COLUMNS = {"id", "poll_id", "code"}


def _columns(model):
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, model._meta.db_table)}


def test_the_ballot_box_has_no_column_that_names_dates_or_orders_a_ballot():
    assert _columns(Ballot) == BALLOT_COLUMNS
    assert _columns(Receipt) == RECEIPT_COLUMNS
    for model in (Ballot, Receipt):
        assert isinstance(model._meta.pk, models.UUIDField), "a sequential key would give the order of casting"
        assert not model._meta.ordering or model._meta.ordering == ["poll", "code"]
        assert not any(isinstance(field, (models.DateTimeField, models.DateField)) for field in model._meta.fields)
        relations = [field for field in model._meta.fields if field.is_relation]
        assert [field.related_model for field in relations] == [Poll]


def test_no_table_of_the_project_points_at_a_ballot_or_a_receipt():
    pointing = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in (Ballot, Receipt)
    ]

    assert pointing == []


def test_the_record_that_a_member_voted_holds_no_choice_in_a_secret_poll(association):
    voters = members(association, 3)
    poll = open_poll(association)
    for voter, choice in zip(voters, ["yes", "no", "yes"], strict=True):
        services.vote_cast(poll_id=poll.pk, voter=voter, choices=[choice])

    assert set(CastRecord.objects.filter(poll=poll).values_list("named_choices", flat=True)) == {None}
    assert not any("choice" in str(entry.payload) for entry in poll.audit_entries.all())
    assert sorted(Ballot.objects.filter(poll=poll).values_list("choices", "heads")) == [
        ("abstain", 0),
        ("no", 1),
        ("yes", 2),
    ]


def test_a_unique_weight_on_the_roll_leaves_no_ballot_of_its_own(association):
    """The heavy member's ballot is folded into the line of its choice: only the sums the result shows remain."""
    from decimal import Decimal

    light = members(association, 2)
    heavy = members(association, 1, weight=Decimal("7"))[0]
    poll = open_poll(association)
    services.vote_cast(poll_id=poll.pk, voter=heavy, choices=["yes"])
    for voter in light:
        services.vote_cast(poll_id=poll.pk, voter=voter, choices=["yes"])

    assert list(Ballot.objects.filter(poll=poll, choices="yes").values_list("heads", "weight")) == [(3, 9000)]
    assert Ballot.objects.filter(poll=poll).count() == 3  # made at opening; casting never adds a row for a motion
