"""Who authors webinars in the Wagtail admin, from the roles in ``accounts.roles`` (no role is defined here).

- ``RolesBackend`` (an authentication backend that authenticates nobody, it only answers ``has_perm``): officers of
  an association (admin, board) may enter the Wagtail admin and author webinars and their association's recording
  retention, without being in the Trainers group; platform trainers (the Trainers group) author webinars too.
- ``ScopedPermissionPolicy`` with ``webinar_scope``: which webinars: those hosted by an association the person may
  issue for (its officers and trainers), and those the person presents; with ``recording_policy_scope``: the
  retention of the associations the person is an officer of.
"""

from __future__ import annotations

from django.core.cache import cache as django_cache
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.roles import associations_issuable_by, associations_officered_by, is_platform_trainer

WEBINAR_PERMISSIONS = frozenset(f"webinars.{action}_webinar" for action in ("add", "change", "delete", "view"))
OFFICER_PERMISSIONS = WEBINAR_PERMISSIONS | {
    "wagtailadmin.access_admin",
    "webinars.add_recordingpolicy",
    "webinars.change_recordingpolicy",
    "webinars.view_recordingpolicy",
}


OFFICER_CACHE_SECONDS = 300


def _cached(user, name: str, compute) -> bool:
    """Roles asked once per user object (a request's user), as Django caches its own permissions."""
    cache = user.__dict__.setdefault("_webinar_roles_cache", {})
    if name not in cache:
        cache[name] = bool(compute())
    return cache[name]


def _officer_key(user_id) -> str:
    return f"webinars:officer:{user_id}"


def _is_officer(user) -> bool:
    """Officer of any association, kept in the cache: the site header asks ``access_admin`` on every page, and this
    must not add a query to each. It is worked out at sign-in and again when a membership of the person changes;
    a membership that lapses by its date is noticed within ``OFFICER_CACHE_SECONDS``, and only for entering the
    admin: which webinars a person may touch is asked afresh each time (``webinar_scope``)."""
    officer = django_cache.get(_officer_key(user.pk))
    if officer is None:
        officer = associations_officered_by(user).exists()
        django_cache.set(_officer_key(user.pk), officer, OFFICER_CACHE_SECONDS)
    return officer


def officer_cache_warm(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: work it out now, so no page the person then opens spends a query on it."""
    django_cache.delete(_officer_key(user.pk))
    _is_officer(user)


def officer_cache_forget(sender, instance, **kwargs) -> None:
    """A membership saved or deleted: the person's officer standing is worked out again now (not on their next
    page, which keeps the pages' query counts steady)."""
    django_cache.delete(_officer_key(instance.user_id))
    _is_officer(instance.user)


class RolesBackend:
    """Grants, never authenticates: ``authenticate`` answers None so sign-in stays with the other backends."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is not None or not (user_obj.is_active and user_obj.is_authenticated):
            return False
        if perm in OFFICER_PERMISSIONS and _cached(user_obj, "officer", lambda: _is_officer(user_obj)):
            return True
        return perm in WEBINAR_PERMISSIONS and _cached(user_obj, "trainer", lambda: is_platform_trainer(user_obj))

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") and self.has_perm(user_obj, perm) for perm in OFFICER_PERMISSIONS)


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """The model permission (above) for the action, then ``scope(user)``, a filter of the instances the person may
    act on. The admin's list, edit, delete, history and preview all ask it: another association's row is refused
    even by its URL."""

    def __init__(self, model, scope):
        super().__init__(model)
        self.scope = scope

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        if user.is_active and user.is_superuser:
            return manager.all()
        if not self.user_has_any_permission(user, actions):
            return manager.none()
        return manager.filter(pk__in=manager.filter(self.scope(user)).values("pk"))

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        if user.is_active and user.is_superuser:
            return True
        if instance.pk is None:
            return self.user_has_any_permission(user, actions)
        return self.instances_user_has_any_permission_for(user, actions).filter(pk=instance.pk).exists()


def webinar_scope(user) -> Q:
    """Webinars hosted by an association the person may issue for (officers, its trainers), or presented by them."""
    return Q(association__in=associations_issuable_by(user)) | Q(presenters=user)


def recording_policy_scope(user) -> Q:
    """An association's recording retention is its officers'."""
    return Q(association__in=associations_officered_by(user))
