"""Resume state in H5P core's contentUserData protocol, signed per user, package and context."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from h5p.models import H5PUserState
from h5p.player import player_config, state_token
from tests.h5p.builders import DENY_PREFIX, play_key

pytestmark = pytest.mark.django_db


def state_url(package, user, key, *, data_type="state", sub_content_id="0", token=None):
    if token is None:
        token = state_token(user_id=user.pk, package_id=package.pk, context_key=key)
    query = {"context": key, "dataType": data_type, "subContentId": sub_content_id, "token": token}
    return f"{reverse('h5p:state', kwargs={'package_id': package.pk})}?{urlencode(query)}"


def test_anonymous_visitors_are_refused(client, package, contexts, learner):
    response = client.get(state_url(package, learner, play_key(learner)))
    assert response.status_code == 403


def test_no_saved_state_answers_data_false(client, package, contexts, learner):
    client.force_login(learner)
    response = client.get(state_url(package, learner, play_key(learner)))
    assert response.json() == {"success": True, "data": False}


def test_saved_state_round_trips(client, package, contexts, learner):
    """H5P posts form fields data/preload/invalidate; the next GET returns the data as saved."""
    client.force_login(learner)
    url = state_url(package, learner, play_key(learner))
    response = client.post(url, {"data": '{"answer":"false"}', "preload": "1", "invalidate": "1"})
    assert response.json() == {"success": True}
    assert client.get(url).json() == {"success": True, "data": '{"answer":"false"}'}
    client.post(url, {"data": '{"answer":"true"}', "preload": "1", "invalidate": "1"})
    state = H5PUserState.objects.get()
    assert (state.data, state.user, state.preload, state.invalidate) == ('{"answer":"true"}', learner, True, True)


def test_state_is_kept_per_context(client, package, contexts, learner):
    client.force_login(learner)
    first, second = play_key(learner, "lesson-1"), play_key(learner, "lesson-2")
    client.post(state_url(package, learner, first), {"data": "one"})
    assert client.get(state_url(package, learner, second)).json()["data"] is False


def test_posting_zero_deletes_the_state(client, package, contexts, learner):
    client.force_login(learner)
    url = state_url(package, learner, play_key(learner))
    client.post(url, {"data": "saved"})
    assert client.post(url, {"data": "0"}).json() == {"success": True}
    assert H5PUserState.objects.count() == 0


def test_a_request_signed_for_someone_else_is_refused(client, package, contexts, learner, outsider):
    """The token binds the user: a link copied from another learner's page does not work."""
    client.force_login(learner)
    key = play_key(learner)
    forged = state_token(user_id=outsider.pk, package_id=package.pk, context_key=key)
    assert client.post(state_url(package, learner, key, token=forged), {"data": "x"}).status_code == 403
    assert client.get(state_url(package, learner, key, token="")).status_code == 403
    assert H5PUserState.objects.count() == 0


def test_someone_elses_context_is_refused(client, package, contexts, learner, outsider):
    client.force_login(outsider)
    key = play_key(learner)
    assert client.post(state_url(package, outsider, key), {"data": "x"}).status_code == 403
    assert client.get(state_url(package, outsider, f"{DENY_PREFIX}:1")).status_code == 403
    assert H5PUserState.objects.count() == 0


def test_oversize_state_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    response = client.post(state_url(package, learner, play_key(learner)), {"data": "x" * (64 * 1024 + 1)})
    assert response.status_code == 413
    assert H5PUserState.objects.count() == 0


@pytest.mark.parametrize(("data_type", "sub_content_id"), [("", "0"), ("state", "a b"), ("x" * 65, "0")])
def test_malformed_requests_are_refused(client, package, contexts, learner, data_type, sub_content_id):
    client.force_login(learner)
    url = state_url(package, learner, play_key(learner), data_type=data_type, sub_content_id=sub_content_id)
    assert client.post(url, {"data": "x"}).status_code == 400


def test_a_post_without_data_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    assert client.post(state_url(package, learner, play_key(learner)), {}).status_code == 400


def test_the_player_config_points_at_a_signed_state_url_with_h5p_placeholders(package, learner):
    """The page hands H5P core a URL it completes with :dataType and :subContentId."""
    config = player_config(user=learner, package=package, context_key=play_key(learner))
    assert config["state_url"].endswith("&dataType=:dataType&subContentId=:subContentId")
    assert state_token(user_id=learner.pk, package_id=package.pk, context_key=play_key(learner)) in config["state_url"]
    assert config["json_path"] == f"/h5p/content/{package.content_hash}"


def test_the_saved_state_comes_preloaded_with_the_page(client, package, contexts, learner):
    """H5P core builds the content right after asking for its state, so the page carries it."""
    client.force_login(learner)
    key = play_key(learner)
    assert player_config(user=learner, package=package, context_key=key)["state"] == ""
    client.post(state_url(package, learner, key), {"data": '{"answer":false}'})
    assert player_config(user=learner, package=package, context_key=key)["state"] == '{"answer":false}'
