"""Reading results: the best attempt per context in one query."""

import uuid

import pytest

from h5p.selectors import attempt_summary, attempts_best_for
from h5p.services import activity_iri, xapi_statement_record
from tests.h5p.builders import play_key

pytestmark = pytest.mark.django_db


def record(user, package, key, raw, maximum=4):
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": activity_iri(package_id=package.pk, context_key=key)},
        "result": {"score": {"raw": raw, "max": maximum}},
    }
    return xapi_statement_record(user=user, package=package, context_key=key, statement=statement)


def test_the_best_attempt_per_context_comes_back_in_one_query(
    package, contexts, learner, outsider, django_assert_num_queries
):
    keys = [play_key(learner, f"lesson-{n}") for n in range(6)]
    for n, key in enumerate(keys[:5]):
        record(learner, package, key, raw=1)
        best = record(learner, package, key, raw=min(4, n + 2))
        record(learner, package, key, raw=0)
        if n == 0:
            first_best = best
    record(outsider, package, keys[0], raw=4)  # someone else's attempt never counts

    with django_assert_num_queries(1):
        result = attempts_best_for(user=learner, context_keys=keys)

    assert set(result) == set(keys[:5])
    assert result[keys[0]] == first_best
    assert result[keys[0]].raw_score == 2
    assert result[keys[4]].scaled_score == 1.0
    assert all(attempt.user_id == learner.pk for attempt in result.values())


def test_ties_keep_the_earliest_attempt(package, contexts, learner):
    key = play_key(learner)
    first = record(learner, package, key, raw=4)
    record(learner, package, key, raw=4)
    assert attempts_best_for(user=learner, context_keys=[key])[key] == first


def test_no_keys_or_no_user_means_no_query(django_assert_num_queries, learner):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert attempts_best_for(user=learner, context_keys=[]) == {}
        assert attempts_best_for(user=AnonymousUser(), context_keys=["a:b"]) == {}


def test_the_summary_counts_attempts_and_names_best_and_latest(package, contexts, learner, django_assert_num_queries):
    key = play_key(learner)
    record(learner, package, key, raw=1)
    best = record(learner, package, key, raw=3)
    latest = record(learner, package, key, raw=2)
    with django_assert_num_queries(1):
        summary = attempt_summary(user=learner, context_key=key)
    assert (summary.count, summary.best, summary.latest) == (3, best, latest)
    assert attempt_summary(user=learner, context_key=play_key(learner, "other")).count == 0
