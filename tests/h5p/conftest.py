"""Fixtures for the h5p tests: the real true-false package and test contexts."""

import pytest

from h5p import access, services
from tests.factories import UserFactory
from tests.h5p.builders import DENY_PREFIX, PLAY_PREFIX, fixture_path, upload


@pytest.fixture
def site_admin(db):
    """A site administrator: the one who installs library code."""
    user = UserFactory(email="ada@example.org")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


@pytest.fixture
def package(db, site_admin, trainer):
    """The real true-false package; its libraries were installed by a site administrator."""
    return services.package_upload(
        uploaded_file=upload(fixture_path().read_bytes(), "true-false.h5p"),
        title="True or false",
        uploaded_by=site_admin,
    )


@pytest.fixture
def contexts():
    """``test.play:<user pk>:<anything>`` is playable by that user only; ``test.deny:...`` by nobody.

    Every test context holds every package except one whose key ends in ``:other-package``.
    Yields the list ``on_attempt`` appends ``(user, context_key, attempt)`` to.
    """
    calls: list = []

    def can_play(user, context_key):
        return context_key.split(":")[1] == str(user.pk)

    def holds_package(context_key, package_id):
        return not context_key.endswith(":other-package")

    access.register_context(
        PLAY_PREFIX, can_play=can_play, holds_package=holds_package, on_attempt=lambda *args: calls.append(args)
    )
    access.register_context(DENY_PREFIX, can_play=lambda user, key: False, holds_package=holds_package)
    yield calls
    access.unregister_context(PLAY_PREFIX)
    access.unregister_context(DENY_PREFIX)
