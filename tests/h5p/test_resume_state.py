"""Resume state, read and written by the lesson page for the session user (JSON, CSRF-protected); the sandboxed
player only hands its state to the page by postMessage."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from h5p.models import H5PUserState
from tests.h5p.builders import DENY_PREFIX, play_key

pytestmark = pytest.mark.django_db


def state_url(package, key=None, *, data_type="state", sub_content_id="0"):
    url = reverse("h5p:state", kwargs={"package_id": package.pk})
    if key is None:
        return url
    return f"{url}?{urlencode({'context': key, 'dataType': data_type, 'subContentId': sub_content_id})}"


def save(client, package, key, data, *, data_type="state", sub_content_id="0", **extra):
    body = {"context": key, "dataType": data_type, "subContentId": sub_content_id, "data": data, **extra}
    return client.post(state_url(package), json.dumps(body), content_type="application/json")


def test_anonymous_visitors_are_refused_and_nothing_is_saved(client, package, contexts, learner):
    assert client.get(state_url(package, play_key(learner))).status_code == 403
    assert save(client, package, play_key(learner), "x").status_code == 403
    assert H5PUserState.objects.count() == 0


def test_no_saved_state_answers_data_false(client, package, contexts, learner):
    client.force_login(learner)
    response = client.get(state_url(package, play_key(learner)))
    assert response.json() == {"success": True, "data": False}


def test_saved_state_round_trips(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    assert save(client, package, key, '{"answer":false}', preload=True, invalidate=True).json() == {"success": True}
    assert client.get(state_url(package, key)).json() == {"success": True, "data": '{"answer":false}'}
    save(client, package, key, '{"answer":true}', preload=True, invalidate=True)
    state = H5PUserState.objects.get()
    assert (state.data, state.user, state.preload, state.invalidate) == ('{"answer":true}', learner, True, True)


def test_a_numeric_sub_content_id_is_the_same_as_its_text(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    save(client, package, key, "saved", sub_content_id=0)
    assert client.get(state_url(package, key, sub_content_id="0")).json()["data"] == "saved"


def test_saving_needs_the_pages_csrf_token(package, contexts, learner):
    """The page posts with its own token; a request from elsewhere (no token) is refused and saves nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert save(client, package, play_key(learner), "x").status_code == 403
    assert H5PUserState.objects.count() == 0
    token_value = "k" * 32  # the secret the page's csrftoken cookie holds, sent back in the X-CSRFToken header
    client.cookies["csrftoken"] = token_value
    body = {"context": play_key(learner), "dataType": "state", "subContentId": "0", "data": "x"}
    response = client.post(
        state_url(package), json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token_value
    )
    assert response.status_code == 200
    assert H5PUserState.objects.get().data == "x"


def test_state_is_kept_per_context(client, package, contexts, learner):
    client.force_login(learner)
    first, second = play_key(learner, "lesson-1"), play_key(learner, "lesson-2")
    save(client, package, first, "one")
    assert client.get(state_url(package, second)).json()["data"] is False


def test_null_data_deletes_the_state(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    save(client, package, key, "saved")
    assert save(client, package, key, None).json() == {"success": True}
    assert H5PUserState.objects.count() == 0


def test_someone_elses_context_is_refused(client, package, contexts, learner, outsider):
    client.force_login(outsider)
    assert save(client, package, play_key(learner), "x").status_code == 403
    assert client.get(state_url(package, play_key(learner))).status_code == 403
    assert client.get(state_url(package, f"{DENY_PREFIX}:1")).status_code == 403
    assert H5PUserState.objects.count() == 0


def test_another_learners_state_is_never_read(client, package, contexts, learner, outsider):
    client.force_login(learner)
    save(client, package, play_key(learner), "mine")
    client.force_login(outsider)
    assert client.get(state_url(package, play_key(outsider))).json()["data"] is False


def test_oversize_state_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    response = save(client, package, play_key(learner), "x" * (64 * 1024 + 1))
    assert response.status_code == 413
    assert H5PUserState.objects.count() == 0


@pytest.mark.parametrize(("data_type", "sub_content_id"), [("", "0"), ("state", "a b"), ("x" * 65, "0"), (None, "0")])
def test_malformed_requests_are_refused(client, package, contexts, learner, data_type, sub_content_id):
    client.force_login(learner)
    key = play_key(learner)
    assert save(client, package, key, "x", data_type=data_type, sub_content_id=sub_content_id).status_code == 400
    assert H5PUserState.objects.count() == 0


@pytest.mark.parametrize("data", [1, ["x"], {"a": 1}, True])
def test_state_that_is_not_text_is_refused(client, package, contexts, learner, data):
    client.force_login(learner)
    assert save(client, package, play_key(learner), data).status_code == 400
    assert H5PUserState.objects.count() == 0


def test_a_body_that_is_not_json_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    response = client.post(state_url(package), "data=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert H5PUserState.objects.count() == 0


def test_a_package_the_context_does_not_hold_is_refused(client, package, contexts, learner):
    """A context the learner may play holds certain packages only: no state is kept for any other package there."""
    client.force_login(learner)
    key = play_key(learner, "other-package")
    response = save(client, package, key, "x")
    assert (response.status_code, response.json()["code"]) == (403, "wrong_package")
    assert client.get(state_url(package, key)).status_code == 403
    assert H5PUserState.objects.count() == 0
