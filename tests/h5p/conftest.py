"""Fixtures for the h5p tests: the real true-false package and test contexts."""

import pytest

from h5p import access, services
from tests.h5p.builders import DENY_PREFIX, PLAY_PREFIX, fixture_path, upload


@pytest.fixture
def package(db, trainer):
    return services.package_upload(
        uploaded_file=upload(fixture_path().read_bytes(), "true-false.h5p"), title="True or false", uploaded_by=trainer
    )


@pytest.fixture
def contexts():
    """``test.play:<user pk>:<anything>`` is playable by that user only; ``test.deny:...`` by nobody.

    Yields the list ``on_attempt`` appends ``(user, context_key, attempt)`` to.
    """
    calls: list = []

    def can_play(user, context_key):
        return context_key.split(":")[1] == str(user.pk)

    access.register_context(PLAY_PREFIX, can_play=can_play, on_attempt=lambda *args: calls.append(args))
    access.register_context(DENY_PREFIX, can_play=lambda user, key: False)
    yield calls
    access.unregister_context(PLAY_PREFIX)
    access.unregister_context(DENY_PREFIX)
