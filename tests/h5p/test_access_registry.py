"""The access registry: host apps decide who plays where; unknown or malformed keys are refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from h5p import access
from tests.h5p.builders import DENY_PREFIX, play_key

pytestmark = pytest.mark.django_db


def test_a_registered_prefix_decides(contexts, learner, outsider):
    assert access.context_can_play(user=learner, context_key=play_key(learner)) is True
    assert access.context_can_play(user=outsider, context_key=play_key(learner)) is False
    assert access.context_can_play(user=learner, context_key=f"{DENY_PREFIX}:{learner.pk}") is False


@pytest.mark.parametrize("key", ["", "test.play", "test.play:", "unknown:1", "x" * 300, None])
def test_malformed_keys_and_unknown_prefixes_cannot_play(contexts, learner, key):
    assert access.context_can_play(user=learner, context_key=key) is False


def test_anonymous_users_cannot_play(contexts, learner):
    assert access.context_can_play(user=AnonymousUser(), context_key=play_key(learner)) is False


@pytest.mark.parametrize("prefix", ["", "a:b", " spaced "])
def test_bad_prefixes_cannot_be_registered(prefix):
    with pytest.raises(ValueError, match="prefix"):
        access.register_context(prefix, can_play=lambda user, key: True)


def test_registering_again_replaces_the_rules(learner):
    access.register_context("test.again", can_play=lambda user, key: False)
    access.register_context("test.again", can_play=lambda user, key: True)
    try:
        assert access.context_can_play(user=learner, context_key="test.again:1") is True
    finally:
        access.unregister_context("test.again")
