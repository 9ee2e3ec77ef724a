"""Test settings overrides and personas whose names say their access.

- ``association_admin`` administers ``association``; ``board_member`` and ``member`` belong to it.
- ``other_admin`` administers ``other_association`` and nothing else.
- ``outsider`` belongs to no association; ``learner`` and ``trainer`` are platform roles.
"""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Membership
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def association(db):
    return AssociationFactory(name="Estonian Librarians Association", slug="ela")


@pytest.fixture
def other_association(db):
    return AssociationFactory(name="Latvian Library Association", slug="lla")


@pytest.fixture
def association_admin(association):
    return MembershipFactory(association=association, role=Membership.Role.ADMIN, user__email="alice@example.org").user


@pytest.fixture
def board_member(association):
    return MembershipFactory(association=association, role=Membership.Role.BOARD, user__email="bob@example.org").user


@pytest.fixture
def member(association):
    return MembershipFactory(association=association, user__email="mia@example.org").user


@pytest.fixture
def other_admin(other_association):
    return MembershipFactory(
        association=other_association, role=Membership.Role.ADMIN, user__email="oscar@example.org"
    ).user


@pytest.fixture
def outsider(db):
    return UserFactory(email="charlie@example.org")


@pytest.fixture
def learner(db):
    return UserFactory(email="lena@example.org")


@pytest.fixture
def trainer(db):
    user = UserFactory(email="tom@example.org")
    group, _ = Group.objects.get_or_create(name="Trainers")
    user.groups.add(group)
    return user
