"""A page with several H5P blocks builds every player at once: the same answers, per block, as the template tag
gives for one, with what they share (the signed link of a package) worked out once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from h5p.blocks import H5PActivityBlock
from h5p.player import player_embed, players_build
from tests.h5p.builders import DENY_PREFIX, play_key

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/lesson/")
    request.user = user
    return request


def test_an_anonymous_visitor_is_asked_to_log_in_for_every_block(package, contexts, learner):
    keys = [play_key(learner, "a"), play_key(learner, "b")]
    players = players_build(request=_request(AnonymousUser()), placements=[(key, package) for key in keys])
    assert {key: player["status"] for key, player in players.items()} == dict.fromkeys(keys, "login")


def test_without_a_decision_each_context_is_asked(package, contexts, learner):
    mine, refused = play_key(learner, "a"), f"{DENY_PREFIX}:{learner.pk}:b"
    players = players_build(request=_request(learner), placements=[(mine, package), (refused, package)])
    assert players[mine]["status"] == "ok"
    assert players[refused]["status"] == "forbidden"
    assert "config" not in players[refused]


def test_the_host_apps_decision_is_followed_and_a_missing_package_never_plays(package, contexts, learner):
    first, second, empty = play_key(learner, "a"), play_key(learner, "b"), play_key(learner, "c")
    players = players_build(
        request=_request(learner),
        placements=[(first, package), (second, package), (empty, None)],
        playable={first, empty},
    )
    assert players[first]["status"] == "ok"
    assert players[second]["status"] == "forbidden"  # the host app did not let this one play
    assert players[empty]["status"] == "forbidden"


def test_each_block_gets_the_config_a_single_block_gets_and_no_queries_are_made(package, contexts, learner):
    keys = [play_key(learner, str(i)) for i in range(5)]
    request = _request(learner)
    with CaptureQueriesContext(connection) as queries:
        players = players_build(request=request, placements=[(key, package) for key in keys], playable=set(keys))
    assert len(queries) == 0
    for key in keys:
        assert players[key]["config"] == player_embed(request=request, package=package, context_key=key)
    assert len({players[key]["config"]["element_id"] for key in keys}) == 5
    assert len({players[key]["config"]["player_url"] for key in keys}) == 1  # one signed link per package


def _render(package, user, **context):
    block = H5PActivityBlock()
    value = block.to_python({"package": package.pk, "title": "Quick check", "graded": True, "pass_mark": 60})
    return block.render(value, context={"request": _request(user), **context})


def test_the_block_plays_the_player_built_for_it(package, contexts, learner):
    key = play_key(learner)
    player = players_build(request=_request(learner), placements=[(key, package)], playable={key})[key]
    player["config"]["element_id"] = "h5p-built-for-the-page"
    html = _render(package, learner, h5p_context=key, h5p_player=player)
    assert 'id="h5p-built-for-the-page"' in html
    assert f'data-h5p-context="{key}"' in html


def test_a_player_built_for_another_context_is_ignored(package, contexts, learner):
    """The block never plays under a context key other than its own: its own context is asked again."""
    other = play_key(learner, "other")
    player = players_build(request=_request(learner), placements=[(other, package)], playable={other})[other]
    html = _render(package, learner, h5p_context=f"{DENY_PREFIX}:{learner.pk}", h5p_player=player)
    assert "data-h5p-player" not in html
    assert "cannot play this interactive activity here" in html
