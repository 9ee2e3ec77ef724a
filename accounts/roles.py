"""Roles: who may do what. One definition of each role; every app asks here and never re-derives one from fields.

| role                    | definition                                                                         |
|-------------------------|------------------------------------------------------------------------------------|
| site administrator      | an active superuser                                                                |
| platform trainer        | an active user in the ``Trainers`` group: may author courses in the Wagtail admin |
| current member of X     | a membership of X that is active and not past its ``valid_until``                 |
| officer of X            | a current member of X in the role admin or board                                  |
| administrator of X      | a current member of X in the role admin: manages X's members                       |
| trainer of X            | a current member of X in the role trainer: may issue courses in X's name           |
| trainer of a course     | listed in the course's ``trainers`` (any object with a ``trainers`` relation)      |

A site administrator holds every association role. Combined capabilities (who may issue in X's name, who runs a
course) are defined here too, from the roles above, so that Wagtail hooks, services and views agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Association, Membership, User

TRAINERS_GROUP = "Trainers"

OFFICER_ROLES = (Membership.Role.ADMIN, Membership.Role.BOARD)
ADMIN_ROLES = (Membership.Role.ADMIN,)
TRAINER_ROLES = (Membership.Role.TRAINER,)
# Who may name an association as the issuer of a course or webinar (and so sign certificates with its key).
ISSUER_ROLES = OFFICER_ROLES + TRAINER_ROLES

AnyUser = User | AnonymousUser


class Trained(Protocol):
    """Anything with trainers: a course (``CoursePage.trainers``), a webinar's presenters may follow."""

    trainers: object  # a many-to-many manager of users


def _signed_in(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --------------------------------------------------------------------------------------------- memberships


def membership_current_q(prefix: str = "") -> Q:
    """A current membership as a filter; ``prefix`` reaches it through a relation (``"memberships__"``)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}status": Membership.Status.ACTIVE}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def membership_is_current(membership: Membership) -> bool:
    """The same rule as ``membership_current_q`` for a membership already in memory."""
    return membership.status == Membership.Status.ACTIVE and (
        membership.valid_until is None or membership.valid_until >= timezone.localdate()
    )


def membership_holds(membership: Membership, roles) -> bool:
    return membership.role in roles and membership_is_current(membership)


def _holds(user: AnyUser | None, association: Association | int | None, roles) -> bool:
    if not _signed_in(user) or association is None:
        return False
    if user.is_superuser:
        return True
    association_id = association if isinstance(association, int) else association.pk
    return Membership.objects.filter(
        membership_current_q(), user=user, association_id=association_id, role__in=roles
    ).exists()


def membership_exists(user: AnyUser | None, association, roles=None) -> Exists | Value:
    """``is_current_member`` (``roles`` None) or the role checks built on ``_holds`` (``roles`` given:
    ``is_association_officer`` with ``OFFICER_ROLES``...) as a boolean expression, so that one query answers it with
    other facts: ``association`` is an id or an ``OuterRef`` to one. Site administrators hold every role (not a
    membership), as in ``_holds``."""
    if not _signed_in(user):
        return Value(False)
    if roles is not None and user.is_superuser:
        return Value(True)
    memberships = Membership.objects.filter(membership_current_q(), user=user, association_id=association)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Exists(memberships)


@dataclass(frozen=True)
class Standing:
    """What a person is in one association, read in one query (``standing_in``): for a page that asks both
    ``is_current_member`` and a role check (``is_association_officer``...) of the same association."""

    user_id: int | None
    site_admin: bool
    roles: frozenset[str]  # the roles of the person's current memberships (empty: not a current member)

    @property
    def member(self) -> bool:
        """``is_current_member`` (site administrators are not members)."""
        return bool(self.roles)

    def holds(self, roles) -> bool:
        """``_holds``: a current membership in one of ``roles``, or a site administrator (every role)."""
        return self.site_admin or not self.roles.isdisjoint(roles)

    @property
    def officer(self) -> bool:
        return self.holds(OFFICER_ROLES)


def standing_in(user: AnyUser | None, association: Association | int | None) -> Standing:
    """The person's standing in the association: one query (none signed out), the rules applied in memory."""
    if not _signed_in(user) or association is None:
        return Standing(user_id=getattr(user, "pk", None), site_admin=False, roles=frozenset())
    from accounts import compiled

    association_id = association if isinstance(association, int) else association.pk

    def build():
        return (
            Membership.objects.filter(user_id=compiled.STAND_IN_1, association_id=compiled.STAND_IN_2)
            .only("role", "status", "valid_until")
            .order_by()
        )

    # Compiled once (accounts.compiled): the pages that ask it spent more on building the query than on running it.
    ids = {compiled.STAND_IN_1: user.pk, compiled.STAND_IN_2: association_id}
    memberships = compiled.rows("standing_in", build, ids)
    roles = frozenset(membership.role for membership in memberships if membership_is_current(membership))
    return Standing(user_id=user.pk, site_admin=user.is_superuser, roles=roles)


# ------------------------------------------------------------------------------------------------- roles


def is_site_admin(user: AnyUser | None) -> bool:
    return _signed_in(user) and user.is_superuser


def is_platform_trainer(user: AnyUser | None) -> bool:
    """May author courses in the Wagtail admin (the Trainers group), or is a site administrator."""
    if not _signed_in(user):
        return False
    return user.is_superuser or user.groups.filter(name=TRAINERS_GROUP).exists()


def is_current_member(user: AnyUser | None, association: Association | int | None) -> bool:
    """A current membership of the association in any role (site administrators are not members)."""
    if not _signed_in(user) or association is None:
        return False
    association_id = association if isinstance(association, int) else association.pk
    return Membership.objects.filter(membership_current_q(), user=user, association_id=association_id).exists()


def is_association_officer(user: AnyUser | None, association: Association | int | None) -> bool:
    return _holds(user, association, OFFICER_ROLES)


def is_association_admin(user: AnyUser | None, association: Association | int | None) -> bool:
    """Manages the association's members."""
    return _holds(user, association, ADMIN_ROLES)


def is_association_trainer(user: AnyUser | None, association: Association | int | None) -> bool:
    return _holds(user, association, TRAINER_ROLES)


def may_issue_for(user: AnyUser | None, association: Association | int | None) -> bool:
    """May name the association as the issuer of a course (an officer or a trainer of it)."""
    return _holds(user, association, ISSUER_ROLES)


def is_trainer_of(user: AnyUser | None, subject: Trained | None) -> bool:
    """Listed among the subject's trainers (a course's ``trainers``)."""
    if not _signed_in(user) or subject is None or getattr(subject, "pk", None) is None:
        return False
    trainers = subject.trainers
    # Already loaded (a page's selector prefetched them to list them): asked of the list, not the database again.
    # A course's trainers are modelcluster's (ParentalManyToManyField): its manager keeps no ``prefetch_cache_name``
    # and its ``all()`` does not read the prefetched list, which is kept under the field's name; what a preview
    # holds in memory (``_cluster_related_objects``) is asked below, as it is.
    cache_name = getattr(trainers, "prefetch_cache_name", "trainers")
    loaded = getattr(subject, "_prefetched_objects_cache", {}).get(cache_name)
    if loaded is not None and cache_name not in getattr(subject, "_cluster_related_objects", {}):
        return any(trainer.pk == user.pk for trainer in loaded)
    # By the primary key's own name: in a Wagtail preview ``trainers`` is modelcluster's in-memory FakeQuerySet,
    # which knows fields but not the ``pk`` alias.
    return trainers.filter(**{user._meta.pk.name: user.pk}).exists()


def trainer_candidates() -> QuerySet[User]:
    """Who may be listed among a course's trainers: platform trainers and current trainers of an association, as a
    query (``is_platform_trainer`` or ``is_association_trainer`` of some association, for a chooser's list)."""
    association_trainers = Membership.objects.filter(membership_current_q(), role__in=TRAINER_ROLES).values("user_id")
    return User.objects.filter(
        Q(is_active=True) & (Q(groups__name=TRAINERS_GROUP) | Q(pk__in=association_trainers))
    ).distinct()


def trained_by(user: AnyUser | None, subjects: QuerySet) -> QuerySet:
    """The subjects (courses...) of ``subjects`` this person is listed among the trainers of: ``is_trainer_of`` as a
    query, for lists ("the certificates of my courses")."""
    if not _signed_in(user):
        return subjects.none()
    return subjects.filter(trainers=user)


def runs(user: AnyUser | None, subject: Trained | None, association: Association | int | None) -> bool:
    """Runs a course (or a webinar): its trainer, an officer of its issuing association, or a site administrator."""
    return is_site_admin(user) or is_trainer_of(user, subject) or is_association_officer(user, association)


# ------------------------------------------------------------------------------------------ associations


def associations_where(user: AnyUser | None, roles=None) -> QuerySet[Association]:
    """Associations where the person holds a current membership in one of ``roles`` (any role when None).

    A site administrator holds every role everywhere.
    """
    if not _signed_in(user):
        return Association.objects.none()
    if user.is_superuser:
        return Association.objects.all()
    memberships = Membership.objects.filter(membership_current_q(), user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Association.objects.filter(pk__in=memberships.values("association_id"))


def associations_officered_by(user: AnyUser | None) -> QuerySet[Association]:
    return associations_where(user, OFFICER_ROLES)


def associations_issuable_by(user: AnyUser | None) -> QuerySet[Association]:
    """Associations this person may name as a course's issuer."""
    return associations_where(user, ISSUER_ROLES)
