"""What the site header shows a signed-in person beyond what it shows everyone (the Voting link with its badge of
polls waiting for their vote, the "Edit the site" link), kept in the shared cache per person instead of read with
two queries (and their ORM compilation, a quarter of a small page's time) on every page.

A value is keyed by two tokens, both in the shared cache (Redis in production), and by today's date (a membership
lapses by its date): the shared token, replaced when something that may change anyone's header changes (a poll
opens or closes, a roll or a proxy changes, a group's permissions or members change), and the person's own token,
replaced when something of theirs changes (their account, a membership, a vote they cast). ``connect`` wires the
signals; a value is also dropped after ``SECONDS``. Only plain booleans and a count are kept: never HTML, never a
CSRF token, and the key carries the person's id, so nobody is ever shown another person's header.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from cms.cache import renew, token

SHARED_KEY = "chrome:people"
SECONDS = 600


def _person_key(user_id) -> str:
    return f"chrome:person:{user_id}"


@dataclass(frozen=True)
class PersonChrome:
    voting_shown: bool
    waiting: int  # polls waiting for the person's vote
    edits_site: bool


def _read(user) -> PersonChrome:
    from accounts.selectors import permissions_load
    from voting.selectors import voting_link_for

    link = voting_link_for(user)
    permissions_load(user)
    return PersonChrome(
        voting_shown=link.shown, waiting=link.waiting, edits_site=user.has_perm("wagtailadmin.access_admin")
    )


def person_chrome(request, user) -> PersonChrome:
    """The person's header facts: from the cache (two reads), else read (two queries) and kept. Remembered on the
    request, so a page asking twice reads once."""
    remembered = getattr(request, "_person_chrome", None)
    if remembered is not None and remembered[0] == user.pk:
        return remembered[1]
    person_key = _person_key(user.pk)
    tokens = cache.get_many([SHARED_KEY, person_key])
    shared, own = token(SHARED_KEY, tokens), token(person_key, tokens)
    key = f"chrome:header:{user.pk}:{shared}:{own}:{timezone.localdate().isoformat()}"
    value = cache.get(key)
    if value is None:
        facts = _read(user)
        cache.set(key, (facts.voting_shown, facts.waiting, facts.edits_site), SECONDS)
    else:
        facts = PersonChrome(*value)
    if request is not None:
        request._person_chrome = (user.pk, facts)
    return facts


def bump_everyone() -> None:
    renew(SHARED_KEY)


def bump_person(user_id) -> None:
    if user_id is not None:
        renew(_person_key(user_id))


# ------------------------------------------------------------------------------------------ signals


def _everyone_changed(sender, **kwargs):
    bump_everyone()


def _membership_changed(sender, instance, **kwargs):
    bump_person(instance.user_id)


def _user_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:  # signing in: nothing shown changes
        return
    bump_person(instance.pk)


def _vote_cast(sender, cast_by_id, member_id, **kwargs):
    """A vote cast (``voting.signals.vote_cast``): the polls waiting for the caster, and for the member whose proxy
    they hold, change."""
    bump_person(cast_by_id)
    if member_id != cast_by_id:
        bump_person(member_id)


def _cast_deleted(sender, instance, **kwargs):
    """A cast record deleted (a test, a poll's data cleared by an administrator): whose entry it was is not at hand."""
    bump_everyone()


def connect() -> None:
    """Called once from ``LmsConfig.ready``."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from accounts.models import Membership, User
    from voting.models import CastRecord, Poll, Proxy, RollEntry
    from voting.signals import vote_cast

    for model in (Poll, RollEntry, Proxy, Group, Permission):
        post_save.connect(_everyone_changed, sender=model, dispatch_uid=f"lms.person_chrome.save.{model.__name__}")
        post_delete.connect(_everyone_changed, sender=model, dispatch_uid=f"lms.person_chrome.delete.{model.__name__}")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_everyone_changed, sender=through, dispatch_uid=f"lms.person_chrome.m2m.{through.__name__}")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="lms.person_chrome.membership_save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="lms.person_chrome.membership_delete")
    post_save.connect(_user_changed, sender=User, dispatch_uid="lms.person_chrome.user_save")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="lms.person_chrome.user_delete")
    vote_cast.connect(_vote_cast, dispatch_uid="lms.person_chrome.vote_cast")
    post_delete.connect(_cast_deleted, sender=CastRecord, dispatch_uid="lms.person_chrome.cast_delete")
