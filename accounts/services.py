"""Writes for accounts: users, profiles, associations and memberships.

Every change to a membership goes through one function here: it locks the row, checks the transition,
saves with ``update_fields`` and writes a ``MembershipEvent`` audit row in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors, tasks
from accounts.membership_csv import MembershipRow
from accounts.models import Association, Membership, MembershipEvent, Profile, User
from accounts.names import display_name_changed, display_name_clean
from accounts.refusals import Refusal

Role = Membership.Role
Status = Membership.Status
Action = MembershipEvent.Action


@transaction.atomic
def user_create(*, email: str, password: str | None = None, display_name: str = "", **profile_fields) -> User:
    """Create a user together with their profile (every user has exactly one)."""
    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    Profile.objects.create(user=user, **profile_fields)
    return user


@transaction.atomic
def display_name_set(*, user: User, display_name: str) -> User:
    """Store the name printed on certificates (``accounts.names`` rules); announces a change on commit."""
    name = display_name_clean(display_name)
    if user.display_name != name:
        user.display_name = name
        user.save(update_fields=["display_name"])
        transaction.on_commit(lambda: display_name_changed.send(sender=User, user=user))
    return user


def profile_ensure(*, user: User) -> Profile:
    """Idempotent: returns the user's profile, creating an empty one for users made outside user_create."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    institution: str,
    country: str,
    job_role: str,
    preferred_language: str,
    bio: str,
) -> Profile:
    """Save what a person tells about themself; the display name lives on the user (``display_name_set``)."""
    display_name_set(user=user, display_name=display_name)
    profile = profile_ensure(user=user)
    profile.institution = institution
    profile.country = country.upper()
    profile.job_role = job_role
    profile.preferred_language = preferred_language
    profile.bio = bio
    profile.full_clean(exclude=["user"])
    profile.save(update_fields=["institution", "country", "job_role", "preferred_language", "bio"])
    return profile


def user_language_apply(*, request: HttpRequest, response: HttpResponse, user: User) -> HttpResponse:
    """After login: switch to the person's preferred language (language cookie and redirect target)."""
    language = selectors.user_preferred_language(user=user)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    location = response.get("Location")
    # English pages have no prefix, so the cookie alone cannot switch them: send the person to the
    # same page in their language. Only local redirects are rewritten.
    is_local = bool(location) and url_has_allowed_host_and_scheme(location, allowed_hosts={request.get_host()})
    if is_local and not urlsplit(location).netloc:
        response["Location"] = translate_url(location, language)
    return response


@transaction.atomic
def user_email_verify_after_reset(*, user: User) -> bool:
    """Mark an invited person's only address verified once they set a password from a link sent to it.

    A password-reset link reaches only the mailbox it was sent to, so using it proves the address.
    We do this only for the one-address case (invited users): with several addresses we cannot tell
    which one received the link. Returns True when an address was verified.
    """
    addresses = list(EmailAddress.objects.select_for_update().filter(user=user))
    if len(addresses) != 1 or addresses[0].verified or addresses[0].email.lower() != user.email.lower():
        return False
    address = addresses[0]
    address.verified = True
    address.primary = True
    address.save(update_fields=["verified", "primary"])
    return True


# Memberships -------------------------------------------------------------------------------------


def _snapshot(membership: Membership) -> dict:
    return {
        "role": membership.role,
        "status": membership.status,
        "vote_weight": str(Decimal(membership.vote_weight).quantize(Decimal("0.001"))),
        "valid_until": membership.valid_until.isoformat() if membership.valid_until else None,
    }


def _lock(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("association", "user").get(pk=membership.pk)


def _ensure_admin_remains(*, membership: Membership, role: str, status: str, valid_until: date | None) -> None:
    """Refuse a change that would leave the association without a current administrator."""
    stays_admin = Membership(role=role, status=status, valid_until=valid_until).is_current_admin
    if not membership.is_current_admin or stays_admin:
        return
    others = list(
        Membership.objects.select_for_update()
        .filter(association_id=membership.association_id)
        .filter(Membership.current_admin_q())
        .exclude(pk=membership.pk)
        .values_list("pk", flat=True)
    )
    if not others:
        raise Refusal(
            _(
                "%(person)s is the last active administrator of %(association)s. "
                "Make someone else an administrator first."
            ),
            code="last_admin",
            status=409,
            params={"person": membership.user, "association": membership.association},
        )


def _record(*, membership: Membership, actor: User | None, action: str, old: dict, new: dict) -> MembershipEvent:
    return MembershipEvent.objects.create(
        membership=membership, actor=actor, action=action, old_value=old, new_value=new
    )


def _save(membership: Membership, fields: list[str]) -> None:
    membership.save(update_fields=[*fields, "updated_at"])


def _user_create_invited(*, email: str, display_name: str, language: str) -> User:
    """An account the person has not opened yet: no usable password, address not yet verified."""
    user = user_create(
        email=email, password=None, display_name=display_name, preferred_language=_supported_language(language)
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return user


def _supported_language(language: str) -> str:
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _users_create_invited(rows: Sequence[MembershipRow], *, language: str) -> dict[str, User]:
    """Unopened accounts for many people at once (as ``_user_create_invited``), keyed by e-mail."""
    users = []
    for row in rows:
        user = User(email=row.email, display_name=row.display_name)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    Profile.objects.bulk_create([Profile(user=user, preferred_language=language) for user in users])
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=False) for user in users]
    )
    return {user.email: user for user in users}


def _address_verified(user: User) -> bool:
    """Has the account's owner proven its address (allauth's ``EmailAddress.verified``)?"""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def _accounts_unclaim(users: Sequence[User]) -> list[User]:
    """Make accounts whose address was never verified unopened again; returns those changed.

    The rule for invitations: a membership is attached only to an account that the owner of the address controls
    (address verified) or that nobody controls yet (no usable password: only the invitation link, which goes to that
    address, opens it, and using it verifies the address). Whoever chose the password of an unverified account never
    proved the mailbox, and could be someone who signed up first with another person's address: the password is
    dropped (and with it any session), so that person gets nothing. Nobody could log in to such an account anyway
    (verification is mandatory), so its real owner loses nothing either.
    """
    candidates = [user for user in users if user.has_usable_password()]
    if not candidates:
        return []
    verified = {
        (user_id, email.lower())
        for user_id, email in EmailAddress.objects.filter(user__in=candidates, verified=True).values_list(
            "user_id", "email"
        )
    }
    unclaimed = [user for user in candidates if (user.pk, user.email.lower()) not in verified]
    for user in unclaimed:
        user.set_unusable_password()
    User.objects.bulk_update(unclaimed, ["password"])
    return unclaimed


def _user_by_email(email: str) -> User | None:
    return User.objects.annotate(email_ci=Lower("email")).filter(email_ci=email.lower()).first()


def _queue_invitation(membership: Membership) -> None:
    membership_id = membership.pk
    transaction.on_commit(lambda: tasks.membership_invitation_send.delay(membership_id))


@transaction.atomic
def membership_invite(
    *,
    association: Association,
    email: str,
    actor: User | None,
    role: str = Role.MEMBER,
    display_name: str = "",
    language: str = "",
) -> Membership:
    """Create a pending membership (and an unopened account for an unknown address); e-mail on commit.

    Attaches only to an account whose address is verified or that nobody can open but the address's owner (see
    ``_accounts_unclaim``). Refuses a person who already has a membership in the association, whatever its status.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise Refusal.invalid(_("Enter a valid email address."), code="invalid_email") from error
    if role not in Role.values:
        raise Refusal.invalid(_("Unknown role."), code="invalid_role")
    user = _user_by_email(email)
    if user is None:
        try:
            with transaction.atomic():
                user = _user_create_invited(email=email, display_name=display_name.strip(), language=language)
        except IntegrityError:  # the same address signed up or was invited a moment ago
            user = _user_by_email(email)
    if user is not None:
        existing = Membership.objects.filter(user=user, association=association).first()
        if existing is not None:
            raise Refusal(
                _("%(email)s is already in %(association)s (%(status)s)."),
                code="already_member",
                status=409,
                params={"email": email, "association": association, "status": existing.get_status_display()},
            )
        _accounts_unclaim([user])
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, association=association, role=role, status=Status.PENDING)
    except IntegrityError as exc:  # invited twice at the same moment
        raise Refusal(
            _("%(email)s is already in %(association)s."),
            code="already_member",
            status=409,
            params={"email": email, "association": association},
        ) from exc
    _record(
        membership=membership, actor=actor, action=Action.INVITED, old={}, new={"email": email, **_snapshot(membership)}
    )
    _queue_invitation(membership)
    return membership


def membership_invitation_send(*, membership_id: int) -> bool:
    """E-mail the person about their new membership, once. Returns False when there is nothing to send.

    Once: a conditional UPDATE claims ``invitation_sent_at`` before sending (a retried or duplicated task finds it
    claimed); a failed send releases the claim so the retry can send. People whose address is not verified get a
    link to set a password (allauth's password-reset key: signed, valid for PASSWORD_RESET_TIMEOUT, and single-use,
    since it stops working once the password changes); using it proves the address. People with a verified address
    get a link to their associations.
    """
    now = timezone.now()
    claim = Membership.objects.filter(pk=membership_id, invitation_sent_at__isnull=True).exclude(status=Status.LAPSED)
    if claim.update(invitation_sent_at=now) != 1:
        return False
    membership = Membership.objects.select_related("user", "association").get(pk=membership_id)
    user = membership.user
    needs_password = not _address_verified(user)
    try:
        with translation.override(selectors.user_preferred_language(user=user)):
            if needs_password:
                from allauth.account.forms import default_token_generator
                from allauth.account.utils import user_pk_to_url_str

                kwargs = {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}
                action_url = settings.SITE_URL + reverse("account_reset_password_from_key", kwargs=kwargs)
            else:
                action_url = settings.SITE_URL + reverse("accounts:my_associations")
            context = {
                "membership": membership,
                "association": membership.association,
                "user": user,
                "action_url": action_url,
                "needs_password": needs_password,
                "reset_url": settings.SITE_URL + reverse("account_reset_password"),
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(render_to_string("accounts/email/membership_invitation_subject.txt", context).split())
            body = render_to_string("accounts/email/membership_invitation_message.txt", context)
        send_mail(subject, body, None, [user.email])
    except Exception:
        Membership.objects.filter(pk=membership_id, invitation_sent_at=now).update(invitation_sent_at=None)
        raise
    _record(membership=membership, actor=None, action=Action.INVITATION_SENT, old={}, new={"email": user.email})
    return True


def _status_change(*, membership: Membership, actor: User | None, source: str, target: str, action: str, refusal):
    locked = _lock(membership)
    if locked.status != source:
        raise Refusal.conflict(refusal, code=f"not_{source}")
    _ensure_admin_remains(membership=locked, role=locked.role, status=target, valid_until=locked.valid_until)
    old = _snapshot(locked)
    locked.status = target
    _save(locked, ["status"])
    _record(membership=locked, actor=actor, action=action, old=old, new=_snapshot(locked))
    return locked


@transaction.atomic
def membership_approve(*, membership: Membership, actor: User | None) -> Membership:
    """Pending -> active."""
    return _status_change(
        membership=membership,
        actor=actor,
        source=Status.PENDING,
        target=Status.ACTIVE,
        action=Action.APPROVED,
        refusal=_("Only a pending membership can be approved."),
    )


@transaction.atomic
def membership_lapse(*, membership: Membership, actor: User | None) -> Membership:
    """Active -> lapsed; refused for the association's last current administrator."""
    return _status_change(
        membership=membership,
        actor=actor,
        source=Status.ACTIVE,
        target=Status.LAPSED,
        action=Action.LAPSED,
        refusal=_("Only an active membership can lapse."),
    )


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor: User | None) -> Membership:
    """Lapsed -> active."""
    return _status_change(
        membership=membership,
        actor=actor,
        source=Status.LAPSED,
        target=Status.ACTIVE,
        action=Action.REACTIVATED,
        refusal=_("Only a lapsed membership can be reactivated."),
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User | None, role: str) -> Membership:
    """Set the role; refuses to demote the association's last current administrator."""
    if role not in Role.values:
        raise Refusal.invalid(_("Unknown role."), code="invalid_role")
    locked = _lock(membership)
    if locked.role == role:
        return locked
    _ensure_admin_remains(membership=locked, role=role, status=locked.status, valid_until=locked.valid_until)
    old = _snapshot(locked)
    locked.role = role
    _save(locked, ["role"])
    _record(membership=locked, actor=actor, action=Action.ROLE_CHANGED, old={"role": old["role"]}, new={"role": role})
    return locked


# A past end date would leave the member "active" until the nightly lapse: refused instead, so what is saved is what
# holds. To end a membership now, lapse it.
VALID_UNTIL_PAST = gettext_lazy(
    "The end date is in the past. Choose today or a later date; to end the membership now, mark it as lapsed."
)


@transaction.atomic
def membership_change_terms(
    *, membership: Membership, actor: User | None, vote_weight: Decimal, valid_until: date | None
) -> Membership:
    """Set vote weight and validity; an end date in the past may not remove the last administrator."""
    if vote_weight < 0:
        raise Refusal.invalid(_("The vote weight cannot be negative."), code="negative_weight")
    if valid_until is not None and valid_until < timezone.localdate():
        raise Refusal.invalid(VALID_UNTIL_PAST, code="valid_until_past")
    locked = _lock(membership)
    if locked.vote_weight == vote_weight and locked.valid_until == valid_until:
        return locked
    _ensure_admin_remains(membership=locked, role=locked.role, status=locked.status, valid_until=valid_until)
    old = _snapshot(locked)
    locked.vote_weight = vote_weight
    locked.valid_until = valid_until
    try:
        locked.full_clean(exclude=["user", "association"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise Refusal.invalid(" ".join(error.messages), code="invalid_terms") from error
    _save(locked, ["vote_weight", "valid_until"])
    new = _snapshot(locked)
    keys = ("vote_weight", "valid_until")
    _record(
        membership=locked,
        actor=actor,
        action=Action.TERMS_CHANGED,
        old={k: old[k] for k in keys},
        new={k: new[k] for k in keys},
    )
    return locked


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    users_created: int


@transaction.atomic
def membership_import(
    *,
    association: Association,
    actor: User | None,
    rows: Sequence[MembershipRow],
    send_invitations: bool = True,
    language: str = "",
) -> ImportResult:
    """Create or update every row's membership in one transaction: all rows or none.

    Rows must already be validated (``membership_csv.membership_csv_parse``). Display names are used
    only for people without an account (a person's own name is theirs to change). Refuses, and rolls
    back everything, when the result would leave the association without a current administrator.
    """
    emails = [row.email for row in rows]
    users = {
        user.email.lower(): user for user in User.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=emails)
    }
    new_users = _users_create_invited(
        [row for row in rows if row.email not in users], language=_supported_language(language)
    )
    _accounts_unclaim(list(users.values()))
    users.update(new_users)
    existing = {
        m.user_id: m
        for m in Membership.objects.select_for_update().filter(association=association, user__in=list(users.values()))
    }
    to_create: list[Membership] = []
    changed: list[tuple[Membership, dict]] = []
    unchanged = 0
    for row in rows:
        user = users[row.email]
        terms = {"role": row.role, "status": row.status, "vote_weight": row.vote_weight, "valid_until": row.valid_until}
        membership = existing.get(user.pk)
        if membership is None:
            to_create.append(Membership(user=user, association=association, **terms))
            continue
        old = _snapshot(membership)
        for field, value in terms.items():
            setattr(membership, field, value)
        if _snapshot(membership) == old:
            unchanged += 1
        else:
            changed.append((membership, old))
    # Bulk writes keep a 5000-row file to a handful of queries per table (the primary keys come back
    # from bulk_create on PostgreSQL and SQLite).
    Membership.objects.bulk_create(to_create)
    now = timezone.now()
    for membership, _old in changed:
        membership.updated_at = now
    Membership.objects.bulk_update(
        [membership for membership, _old in changed], ["role", "status", "vote_weight", "valid_until", "updated_at"]
    )
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(membership=m, actor=actor, action=Action.IMPORTED, old_value={}, new_value=_snapshot(m))
            for m in to_create
        ]
        + [
            MembershipEvent(membership=m, actor=actor, action=Action.IMPORTED, old_value=old, new_value=_snapshot(m))
            for m, old in changed
        ]
    )
    if send_invitations:
        for membership in to_create:
            if membership.status != Status.LAPSED:
                _queue_invitation(membership)
    if not Membership.objects.filter(association=association).filter(Membership.current_admin_q()).exists():
        raise Refusal(
            _("This file would leave %(association)s without an active administrator. Nothing was imported."),
            code="last_admin",
            status=409,
            params={"association": association},
        )
    return ImportResult(created=len(to_create), updated=len(changed), unchanged=unchanged, users_created=len(new_users))


@transaction.atomic
def memberships_lapse_expired(*, today: date | None = None) -> int:
    """Lapse every active membership whose ``valid_until`` has passed, with an audit row each (no actor: the
    schedule did it). Idempotent: a second run finds none. Returns how many lapsed."""
    today = today or timezone.localdate()
    expired = list(
        Membership.objects.select_for_update().filter(status=Status.ACTIVE, valid_until__lt=today).order_by("pk")
    )
    if not expired:
        return 0
    # Conditional: only rows still active and expired change, whatever happened since they were read.
    Membership.objects.filter(pk__in=[m.pk for m in expired], status=Status.ACTIVE, valid_until__lt=today).update(
        status=Status.LAPSED, updated_at=timezone.now()
    )
    events = []
    for membership in expired:
        old = _snapshot(membership)
        membership.status = Status.LAPSED
        events.append(
            MembershipEvent(
                membership=membership, actor=None, action=Action.LAPSED, old_value=old, new_value=_snapshot(membership)
            )
        )
    MembershipEvent.objects.bulk_create(events)
    return len(expired)
