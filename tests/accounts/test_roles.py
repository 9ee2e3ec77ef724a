"""The role definitions of ``accounts.roles``, person by person: one definition each, allowed and refused.

Association X is ``ela``; Y is ``lla``. ``course`` is a course of X taught by ``course_trainer`` (who holds no
membership). Each row of ``EXPECTED`` names the personas that hold the role; every other persona must not.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import Membership, User
from tests.courses.factories import course_create
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

PERSONAS = (
    "anonymous",
    "outsider",
    "member",
    "lapsed_member",
    "expired_member",
    "pending_member",
    "x_trainer",
    "board",
    "admin",
    "y_admin",
    "course_trainer",
    "site_admin",
    "inactive_site_admin",
)

EXPECTED = {
    "is_site_admin": {"site_admin"},
    "is_platform_trainer": {"x_trainer", "course_trainer", "site_admin"},
    "is_current_member": {"member", "x_trainer", "board", "admin"},
    "is_association_officer": {"board", "admin", "site_admin"},
    "is_association_admin": {"admin", "site_admin"},
    "is_association_trainer": {"x_trainer", "site_admin"},
    "may_issue_for": {"x_trainer", "board", "admin", "site_admin"},
    "is_trainer_of": {"course_trainer"},
    "runs": {"course_trainer", "board", "admin", "site_admin"},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every persona, built once for the module (read-only tests) inside a transaction that is rolled back when
    the module ends, so nothing (users, the course, the home page and site it needs) outlives it."""
    with django_db_blocker.unblock(), transaction.atomic():
        x = AssociationFactory(name="Estonian Librarians Association", slug="roles-ela")
        y = AssociationFactory(name="Latvian Library Association", slug="roles-lla")
        trainers = Group.objects.get_or_create(name=roles.TRAINERS_GROUP)[0]
        people = {"anonymous": AnonymousUser(), "outsider": UserFactory(email="roles-outsider@example.org")}
        for persona, role, status, valid_until in [
            ("member", Membership.Role.MEMBER, Membership.Status.ACTIVE, None),
            ("lapsed_member", Membership.Role.MEMBER, Membership.Status.LAPSED, None),
            ("expired_member", Membership.Role.ADMIN, Membership.Status.ACTIVE, timezone.localdate() - timedelta(1)),
            ("pending_member", Membership.Role.BOARD, Membership.Status.PENDING, None),
            ("x_trainer", Membership.Role.TRAINER, Membership.Status.ACTIVE, None),
            ("board", Membership.Role.BOARD, Membership.Status.ACTIVE, timezone.localdate()),
            ("admin", Membership.Role.ADMIN, Membership.Status.ACTIVE, None),
        ]:
            people[persona] = MembershipFactory(
                association=x,
                role=role,
                status=status,
                valid_until=valid_until,
                user__email=f"roles-{persona}@example.org",
            ).user
        people["y_admin"] = MembershipFactory(
            association=y, role=Membership.Role.ADMIN, user__email="roles-y-admin@example.org"
        ).user
        people["course_trainer"] = UserFactory(email="roles-course-trainer@example.org")
        for persona in ("x_trainer", "course_trainer"):
            people[persona].groups.add(trainers)
        people["site_admin"] = UserFactory(email="roles-root@example.org")
        people["inactive_site_admin"] = UserFactory(email="roles-gone@example.org")
        User.objects.filter(pk__in=[people["site_admin"].pk, people["inactive_site_admin"].pk]).update(
            is_superuser=True, is_staff=True
        )
        User.objects.filter(pk=people["inactive_site_admin"].pk).update(is_active=False)
        for persona in ("site_admin", "inactive_site_admin"):
            people[persona].refresh_from_db()
        course = course_create(issuer=x, title="Roles course", trainers=[people["course_trainer"]])
        yield {"x": x, "y": y, "course": course, "people": people}
        transaction.set_rollback(True)


def _ask(world, predicate: str, user):
    x, course = world["x"], world["course"]
    function = getattr(roles, predicate)
    if predicate in {"is_site_admin", "is_platform_trainer"}:
        return function(user)
    if predicate == "is_trainer_of":
        return function(user, course)
    if predicate == "runs":
        return function(user, course, x)
    return function(user, x)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_each_role_is_held_by_exactly_the_personas_its_definition_names(world, predicate, persona):
    expected = persona in EXPECTED[predicate]
    assert _ask(world, predicate, world["people"][persona]) is expected


@pytest.mark.django_db
def test_a_role_in_one_association_gives_nothing_in_another(world):
    admin, y = world["people"]["admin"], world["y"]
    assert not roles.is_current_member(admin, y)
    assert not roles.is_association_officer(admin, y)
    assert not roles.may_issue_for(admin, y)


@pytest.mark.django_db
def test_associations_where_lists_current_memberships_by_role(world):
    people, x, y = world["people"], world["x"], world["y"]
    assert list(roles.associations_issuable_by(people["x_trainer"])) == [x]
    assert list(roles.associations_officered_by(people["x_trainer"])) == []
    assert list(roles.associations_officered_by(people["expired_member"])) == []
    assert set(roles.associations_officered_by(people["site_admin"])) >= {x, y}
    assert list(roles.associations_where(people["anonymous"])) == []


@pytest.mark.django_db
def test_the_membership_properties_read_the_same_definition(world):
    memberships = {m.user.email: m for m in Membership.objects.filter(association=world["x"]).select_related("user")}
    expired = memberships["roles-expired_member@example.org"]
    assert not expired.is_current and not expired.is_current_admin
    assert memberships["roles-admin@example.org"].is_current_admin
    assert memberships["roles-board@example.org"].is_current_officer
    assert not memberships["roles-board@example.org"].is_current_admin
    current_admins = Membership.objects.filter(Membership.current_admin_q(), association=world["x"])
    assert [m.user.email for m in current_admins] == ["roles-admin@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_one_query_forms_of_the_membership_roles_agree_with_the_roles(world, persona):
    """``standing_in`` (one query, the rules applied in memory) and ``membership_exists`` (an expression for a
    page's own query) answer as ``is_current_member`` and the role checks, person by person."""
    from django.db.models import OuterRef

    from accounts.models import Association

    user, x = world["people"][persona], world["x"]
    standing = roles.standing_in(user, x)
    by_roles = {
        "is_current_member": None,
        "is_association_officer": roles.OFFICER_ROLES,
        "is_association_admin": roles.ADMIN_ROLES,
        "is_association_trainer": roles.TRAINER_ROLES,
        "may_issue_for": roles.ISSUER_ROLES,
    }
    for predicate, held in by_roles.items():
        expected = persona in EXPECTED[predicate]
        assert (standing.member if held is None else standing.holds(held)) is expected, predicate
        expression = roles.membership_exists(user, OuterRef("pk"), held)
        answer = Association.objects.filter(pk=x.pk).annotate(answer=expression).values_list("answer", flat=True)
        assert bool(answer.get()) is expected, predicate
    assert standing.officer is (persona in EXPECTED["is_association_officer"])
    assert not roles.standing_in(user, world["y"]).holds(roles.OFFICER_ROLES) or persona in {"y_admin", "site_admin"}
