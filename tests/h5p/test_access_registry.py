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
        access.register_context(prefix, can_play=lambda user, key: True, holds_package=lambda key, package_id: True)


def test_registering_again_replaces_the_rules(learner):
    access.register_context("test.again", can_play=lambda user, key: False, holds_package=lambda key, pk: True)
    access.register_context("test.again", can_play=lambda user, key: True, holds_package=lambda key, pk: True)
    try:
        assert access.context_can_play(user=learner, context_key="test.again:1") is True
    finally:
        access.unregister_context("test.again")


def test_a_context_confirms_only_the_packages_it_holds(contexts, learner):
    assert access.context_holds_package(context_key=play_key(learner), package_id=7) is True
    assert access.context_holds_package(context_key=play_key(learner, "other-package"), package_id=7) is False


@pytest.mark.parametrize("key", ["nobody.registered:1", "", "no-separator"])
def test_unknown_contexts_hold_no_package(contexts, key):
    assert access.context_holds_package(context_key=key, package_id=7) is False


def test_a_package_id_that_is_not_an_integer_is_held_nowhere(contexts, learner):
    assert access.context_holds_package(context_key=play_key(learner), package_id="7") is False
