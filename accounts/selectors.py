"""Reads for accounts: access to an association's management, rosters, counts and a person's memberships."""

import enum

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from accounts import roles
from accounts.models import Association, Membership, MembershipEvent, Profile, User


class Access(enum.Enum):
    """What a person may do with an association's member pages."""

    MANAGE = "manage"  # an active, current administrator of this association, or a superuser
    FORBIDDEN = "forbidden"  # belongs to this association in another role or status: 403
    HIDDEN = "hidden"  # no membership here at all: 404, the pages do not exist for them


def association_access(*, user: User, association: Association) -> Access:
    """Decide access to the member pages with at most one query."""
    if not user.is_authenticated or not user.is_active:
        return Access.HIDDEN
    if user.is_superuser:
        return Access.MANAGE
    membership = Membership.objects.filter(user=user, association=association).first()
    if membership is None:
        return Access.HIDDEN
    if membership.is_current_admin:
        return Access.MANAGE
    return Access.FORBIDDEN


def association_officer_access(*, user: User, association: Association) -> Access:
    """The officer's dashboard: its officers (and site administrators) see it; its other members get 403; everyone
    else 404."""
    if roles.is_association_officer(user, association):
        return Access.MANAGE
    if user.is_authenticated and Membership.objects.filter(user=user, association=association).exists():
        return Access.FORBIDDEN
    return Access.HIDDEN


def association_pending(*, association: Association, limit: int = 25) -> list[Membership]:
    """The memberships waiting for approval, oldest first (at most ``limit``), with their people."""
    pending = Membership.objects.filter(association=association, status=Membership.Status.PENDING)
    return list(pending.select_related("user").order_by("created_at", "pk")[:limit])


def association_can_manage(*, user: User, association: Association) -> bool:
    return association_access(user=user, association=association) is Access.MANAGE


def membership_roster(
    *, association: Association, status: str = "", role: str = "", query: str = ""
) -> QuerySet[Membership]:
    """The association's memberships, optionally filtered, ordered by e-mail, with their users."""
    memberships = Membership.objects.filter(association=association).select_related("user")
    if status:
        memberships = memberships.filter(status=status)
    if role:
        memberships = memberships.filter(role=role)
    if query:
        memberships = memberships.filter(Q(user__email__icontains=query) | Q(user__display_name__icontains=query))
    return memberships.order_by("user__email", "pk")


def membership_counts(*, association: Association) -> dict[str, int]:
    """Counts by status and by role, plus the total, in one query."""
    aggregates = {"total": Count("pk")}
    for value in Membership.Status.values:
        aggregates[f"status_{value}"] = Count("pk", filter=Q(status=value))
    for value in Membership.Role.values:
        aggregates[f"role_{value}"] = Count("pk", filter=Q(role=value))
    return Membership.objects.filter(association=association).aggregate(**aggregates)


def membership_for_management(*, association: Association, membership_id: int) -> Membership | None:
    """The membership only if it belongs to this association (ids from another one find nothing)."""
    return (
        Membership.objects.select_related("user", "association")
        .filter(association=association, pk=membership_id)
        .first()
    )


def membership_events(*, membership: Membership, limit: int = 50) -> list[MembershipEvent]:
    return list(membership.events.select_related("actor").order_by("-created_at", "-id")[:limit])


def user_memberships(*, user: User) -> QuerySet[Membership]:
    """A person's memberships with their associations, for "My associations"."""
    return Membership.objects.filter(user=user).select_related("association").order_by("association__name")


def user_preferred_language(*, user: User) -> str:
    """The person's preferred language, or the site default when unset or no longer offered."""
    languages = {code for code, _name in settings.LANGUAGES}
    language = Profile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    return language if language in languages else settings.LANGUAGE_CODE


def permissions_load(user) -> None:
    """The person's model permissions, their own and their groups', in one query instead of Django's two, kept where
    Django's ModelBackend keeps them for the request (``_perm_cache``: ``has_perm`` reads it, as it does when it
    loads them itself). The same set as ModelBackend's: none for inactive or anonymous people, every permission for
    a superuser; nothing is read when they are already loaded."""
    from django.contrib.auth.models import Permission

    if not user.is_active or user.is_anonymous or hasattr(user, "_perm_cache"):
        return
    permissions = Permission.objects.all()
    if not user.is_superuser:
        permissions = permissions.filter(Q(user=user) | Q(group__user=user))
    pairs = permissions.order_by().values_list("content_type__app_label", "codename").distinct()
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
