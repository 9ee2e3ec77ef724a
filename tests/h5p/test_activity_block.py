"""The H5P activity block: it plays only where the host page says, and shows the best result so far."""

import uuid

import pytest
from django.test import RequestFactory
from django.utils import translation

from h5p.blocks import H5PActivityBlock
from h5p.selectors import attempts_best_for
from h5p.services import activity_iri, xapi_statement_record
from tests.h5p.builders import DENY_PREFIX, play_key

pytestmark = pytest.mark.django_db


def render(package, user, **context):
    block = H5PActivityBlock()
    value = block.to_python({"package": package.pk, "title": "Quick check", "graded": True, "pass_mark": 60})
    request = RequestFactory().get("/lesson/")
    request.user = user
    return block.render(value, context={"request": request, **context})


def test_with_a_context_it_renders_the_player_with_data_attributes(package, contexts, learner):
    key = play_key(learner)
    html = render(package, learner, h5p_context=key)
    assert "data-h5p-player" in html
    assert f'data-h5p-package="{package.pk}"' in html
    assert f'data-h5p-context="{key}"' in html
    assert f'data-h5p-iri="{activity_iri(package_id=package.pk, context_key=key)}"' in html
    assert f'src="http://testserver/h5p/player/{package.content_hash}/' in html
    assert 'sandbox="allow-scripts"' in html
    assert "/static/h5p/player.js" in html
    assert 'role="status"' in html
    assert "Pass mark: 60%" in html
    assert "<script>" not in html  # no inline scripts


def test_without_a_context_it_renders_a_notice_instead_of_the_player(package, learner):
    html = render(package, learner)
    assert "data-h5p-player" not in html
    assert "cannot be played on this page" in html


def test_the_notice_is_translated(package, learner):
    with translation.override("ru"):
        html = render(package, learner)
    assert "cannot be played on this page" not in html


def test_a_user_the_context_refuses_sees_a_notice(package, contexts, learner):
    html = render(package, learner, h5p_context=f"{DENY_PREFIX}:{learner.pk}")
    assert "data-h5p-player" not in html
    assert "cannot play this interactive activity here" in html


def test_an_anonymous_visitor_is_asked_to_log_in(package, contexts, learner):
    from django.contrib.auth.models import AnonymousUser

    html = render(package, AnonymousUser(), h5p_context=play_key(learner))
    assert "Log in to play" in html
    assert "data-h5p-player" not in html


def test_the_best_result_so_far_is_shown(package, contexts, learner):
    key = play_key(learner)
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": activity_iri(package_id=package.pk, context_key=key)},
        "result": {"score": {"raw": 3, "max": 4}},
    }
    xapi_statement_record(user=learner, package=package, context_key=key, statement=statement)
    best = attempts_best_for(user=learner, context_keys=[key])[key]
    html = render(package, learner, h5p_context=key, h5p_best=best)
    assert "Your best result so far: 3 of 4 (75%)." in html


def test_pass_mark_must_be_a_percentage():
    from django.core.exceptions import ValidationError

    block = H5PActivityBlock()
    with pytest.raises(ValidationError):
        block.child_blocks["pass_mark"].clean(101)
    assert block.child_blocks["graded"].get_default() is True
    assert block.child_blocks["pass_mark"].get_default() == 50
