"""The xAPI endpoint: the session user is the actor, the context's host app decides, scores are computed here."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from h5p.models import H5PAttempt, XAPIStatement
from h5p.services import activity_iri, xapi_statement_record
from tests.factories import UserFactory
from tests.h5p.builders import DENY_PREFIX, play_key

pytestmark = pytest.mark.django_db

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
INTERACTED = "http://adlnet.gov/expapi/verbs/interacted"


def make_statement(package, key, *, verb=ANSWERED, score=None, child=False, object_id=None, statement_id=None):
    statement = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": {"name": "Mallory", "mbox": "mailto:mallory@example.org"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"id": object_id or activity_iri(package_id=package.pk, context_key=key), "objectType": "Activity"},
    }
    if score is not None:
        statement["result"] = {"score": score, "completion": True, "success": True, "duration": "PT12.5S"}
    if child:
        statement["context"] = {"contextActivities": {"parent": [{"id": "http://example.org/parent"}]}}
    return statement


def post(client, package_id, key, statement, **extra):
    body = json.dumps({"package": package_id, "context": key, "statement": statement})
    return client.post(reverse("h5p:xapi"), body, content_type="application/json", **extra)


def test_anonymous_visitors_are_refused(client, package, contexts, learner):
    key = play_key(learner)
    response = post(client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 1}))
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


def test_a_scored_answer_records_an_attempt_for_the_session_user_not_the_claimed_actor(
    client, package, contexts, learner
):
    """A forged actor is ignored: the statement and attempt belong to the logged-in user."""
    client.force_login(learner)
    key = play_key(learner)
    response = post(client, package.pk, key, make_statement(package, key, score={"min": 0, "max": 1, "raw": 1}))

    assert response.status_code == 200
    assert response.json()["attempt"] == {"raw": 1.0, "max": 1.0, "scaled": 1.0, "success": True, "completion": True}
    attempt = H5PAttempt.objects.get()
    assert attempt.user == learner
    assert (attempt.raw_score, attempt.max_score, attempt.scaled_score) == (1, 1, 1)
    assert attempt.success is True and attempt.completion is True
    assert attempt.duration.total_seconds() == 12.5
    stored = XAPIStatement.objects.get()
    assert stored.user == learner
    assert stored.statement["actor"]["account"]["name"] == str(learner.pk)
    assert "mallory" not in json.dumps(stored.statement)


def test_on_attempt_is_called_with_the_attempt(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    post(client, package.pk, key, make_statement(package, key, score={"raw": 2, "max": 4}))
    [(user, context_key, attempt)] = contexts
    assert (user, context_key, attempt.scaled_score) == (learner, key, 0.5)


def test_the_scaled_score_is_derived_from_raw_and_max(client, package, contexts, learner):
    """Without a claimed scaled score, and with one that agrees (H5P rounds it), scaled is raw / max."""
    client.force_login(learner)
    key = play_key(learner)
    post(client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 4}))
    post(client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 3, "scaled": 0.3333}))
    assert sorted(round(value, 4) for value in H5PAttempt.objects.values_list("scaled_score", flat=True)) == [
        0.25,
        0.3333,
    ]


@pytest.mark.parametrize(
    "score",
    [
        {"raw": 999, "max": 1},  # raw above max
        {"raw": -1, "max": 1},  # negative raw
        {"raw": 1, "max": 0, "scaled": 1},  # max 0 claiming 100 %
        {"raw": 0, "max": 0},
        {"raw": 1, "max": -1},
        {"raw": 1, "max": 4, "scaled": 1},  # scaled that does not match raw / max
        {"raw": 1, "max": 4, "scaled": "1"},
        {"raw": 1, "max": 4, "min": 2},  # below the minimum
        {"raw": "1", "max": 1},
        {"raw": 1},
        {"raw": True, "max": 1},
        {"raw": 1, "max": float("inf")},
    ],
    ids=lambda score: json.dumps(score),
)
def test_a_score_that_cannot_be_true_is_refused_and_nothing_is_written(client, package, contexts, learner, score):
    client.force_login(learner)
    key = play_key(learner)
    response = post(client, package.pk, key, make_statement(package, key, score=score))
    assert response.status_code == 400
    assert response.json()["code"] == "score_invalid"
    assert XAPIStatement.objects.count() == H5PAttempt.objects.count() == 0
    assert contexts == []


def test_a_score_that_is_not_an_object_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    statement = make_statement(package, key)
    statement["result"] = {"score": 1}
    assert post(client, package.pk, key, statement).status_code == 400
    assert XAPIStatement.objects.count() == 0


def test_a_statement_for_a_package_not_placed_in_the_context_is_refused(client, package, contexts, learner):
    """The context (a lesson's block) confirms which package it plays; any other package is refused there."""
    client.force_login(learner)
    key = play_key(learner, "other-package")
    response = post(client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 1}))
    assert response.status_code == 403
    assert response.json()["code"] == "wrong_package"
    assert XAPIStatement.objects.count() == H5PAttempt.objects.count() == 0


@pytest.mark.parametrize("statement_id", [None, "", "not-a-uuid", "1" * 65, 42])
def test_a_statement_without_a_uuid_id_is_refused(client, package, contexts, learner, statement_id):
    client.force_login(learner)
    key = play_key(learner)
    statement = make_statement(package, key, score={"raw": 1, "max": 1})
    if statement_id is None:
        del statement["id"]
    else:
        statement["id"] = statement_id
    response = post(client, package.pk, key, statement)
    assert response.status_code == 400
    assert response.json()["code"] == "statement_id"
    assert XAPIStatement.objects.count() == 0


def test_a_repeat_in_another_spelling_of_the_same_uuid_is_the_same_statement(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    statement_id = str(uuid.uuid4())
    first = post(
        client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 1}, statement_id=statement_id)
    )
    again = post(
        client,
        package.pk,
        key,
        make_statement(package, key, score={"raw": 1, "max": 1}, statement_id=statement_id.upper()),
    )
    assert first.json() == again.json()
    assert XAPIStatement.objects.count() == H5PAttempt.objects.count() == 1


def test_beyond_the_rate_limit_the_learner_gets_429_and_nothing_is_written(
    client, package, contexts, learner, outsider, settings
):
    settings.H5P_XAPI_RATE_LIMIT = 2
    client.force_login(learner)
    key = play_key(learner)
    for _ in range(2):
        assert post(client, package.pk, key, make_statement(package, key, verb=INTERACTED)).status_code == 200
    response = post(client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 1}))
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert XAPIStatement.objects.count() == 2
    assert H5PAttempt.objects.count() == 0
    # The limit is per learner: someone else is not held back.
    other = Client()
    other.force_login(outsider)
    outsider_key = play_key(outsider)
    assert (
        post(other, package.pk, outsider_key, make_statement(package, outsider_key, verb=INTERACTED)).status_code == 200
    )


def test_someone_elses_context_is_refused(client, package, contexts, learner, outsider):
    client.force_login(outsider)
    key = play_key(learner)
    response = post(client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 1}))
    assert response.status_code == 403
    assert response.json()["code"] == "not_playable"
    assert XAPIStatement.objects.count() == H5PAttempt.objects.count() == 0


@pytest.mark.parametrize("key", ["unknown.prefix:1:x", "no-prefix", "", f"{DENY_PREFIX}:1:x"])
def test_unknown_or_refusing_contexts_are_refused(client, package, contexts, learner, key):
    client.force_login(learner)
    response = post(client, package.pk, key, make_statement(package, key or "x:y", score={"raw": 1, "max": 1}))
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


def test_a_missing_package_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    response = post(client, package.pk + 100, key, make_statement(package, key, score={"raw": 1, "max": 1}))
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


@pytest.mark.parametrize(
    "object_id",
    [
        "http://127.0.0.1:8000/h5p/activity/999/test.play:1:lesson-1",
        "http://evil.example.org/activity",
        "suffix-attack",
    ],
)
def test_a_statement_about_another_activity_is_refused(client, package, contexts, learner, object_id):
    client.force_login(learner)
    key = play_key(learner)
    if object_id == "suffix-attack":
        object_id = activity_iri(package_id=package.pk, context_key=key) + "0"
    response = post(
        client, package.pk, key, make_statement(package, key, score={"raw": 1, "max": 1}, object_id=object_id)
    )
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


def test_a_retry_with_the_same_statement_id_is_recorded_once(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    statement = make_statement(package, key, score={"raw": 1, "max": 1})
    first = post(client, package.pk, key, statement)
    second = post(client, package.pk, key, statement)
    assert first.json() == second.json()
    assert XAPIStatement.objects.count() == 1
    assert H5PAttempt.objects.count() == 1
    assert len(contexts) == 1


def test_the_same_statement_id_from_two_users_is_two_statements(package, contexts, learner, outsider):
    """Statement ids are unique per user, so one user cannot block another's statement."""
    statement_id = str(uuid.uuid4())
    for user in (learner, outsider):
        key = play_key(user)
        statement = make_statement(package, key, score={"raw": 1, "max": 1}, statement_id=statement_id)
        xapi_statement_record(user=user, package=package, context_key=key, statement=statement)
    assert XAPIStatement.objects.count() == 2


def test_child_statements_are_stored_but_not_scored(client, package, contexts, learner):
    """A sub-content answer (with a parent activity) is not an attempt of the package."""
    client.force_login(learner)
    key = play_key(learner)
    iri = activity_iri(package_id=package.pk, context_key=key)
    statement = make_statement(package, key, score={"raw": 1, "max": 1}, child=True, object_id=f"{iri}?subContentId=7")
    response = post(client, package.pk, key, statement)
    assert response.status_code == 200
    assert response.json()["attempt"] is None
    assert XAPIStatement.objects.count() == 1
    assert H5PAttempt.objects.count() == 0


def test_unscored_verbs_are_stored_but_not_scored(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    post(client, package.pk, key, make_statement(package, key, verb=INTERACTED))
    post(client, package.pk, key, make_statement(package, key, verb=COMPLETED))  # completed without a score
    assert XAPIStatement.objects.count() == 2
    assert H5PAttempt.objects.count() == 0


def test_completed_with_a_score_is_an_attempt(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    post(client, package.pk, key, make_statement(package, key, verb=COMPLETED, score={"raw": 3, "max": 5}))
    assert H5PAttempt.objects.get().scaled_score == pytest.approx(0.6)


def test_bad_json_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    response = client.post(reverse("h5p:xapi"), "{nope", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    assert XAPIStatement.objects.count() == 0


def test_an_oversize_body_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    statement = make_statement(package, key, score={"raw": 1, "max": 1})
    statement["result"]["response"] = "x" * (65 * 1024)
    response = post(client, package.pk, key, statement)
    assert response.status_code == 413
    assert XAPIStatement.objects.count() == 0


def test_a_statement_that_is_not_an_object_is_refused(client, package, contexts, learner):
    client.force_login(learner)
    key = play_key(learner)
    assert post(client, package.pk, key, ["not", "an", "object"]).status_code == 400
    assert XAPIStatement.objects.count() == 0


def test_the_endpoint_requires_a_csrf_token(package, contexts, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    key = play_key(learner)
    assert post(client, package.pk, key, make_statement(package, key)).status_code == 403
    token = "a" * 32
    client.cookies["csrftoken"] = token
    response = post(client, package.pk, key, make_statement(package, key), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_on_attempt_failing_rolls_back_the_statement_and_attempt(package, learner):
    """The host's on_attempt runs in the same transaction: if it fails, nothing is kept."""
    from h5p import access

    def explode(user, key, attempt):
        raise RuntimeError("host failed")

    access.register_context(
        "test.explode", can_play=lambda user, key: True, holds_package=lambda key, pk: True, on_attempt=explode
    )
    try:
        key = "test.explode:1"
        with pytest.raises(RuntimeError):
            xapi_statement_record(
                user=learner,
                package=package,
                context_key=key,
                statement=make_statement(package, key, score={"raw": 1, "max": 1}),
            )
    finally:
        access.unregister_context("test.explode")
    assert XAPIStatement.objects.count() == H5PAttempt.objects.count() == 0


def test_one_user_cannot_post_for_another_by_naming_them(client, package, contexts, learner):
    """Even with another user's pk in the actor, the row is the session user's."""
    other = UserFactory()
    client.force_login(learner)
    key = play_key(learner)
    statement = make_statement(package, key, score={"raw": 1, "max": 1})
    statement["actor"] = {"account": {"homePage": "http://127.0.0.1:8000", "name": str(other.pk)}}
    post(client, package.pk, key, statement)
    assert H5PAttempt.objects.get().user == learner
