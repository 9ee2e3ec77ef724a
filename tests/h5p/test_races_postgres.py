"""Real concurrency on PostgreSQL: the same statement posted by racing requests is recorded once, and racing
uploads of the same library install it once."""

import uuid

import pytest

from h5p.models import H5PAttempt, H5PLibrary, H5PLibraryChange, XAPIStatement
from h5p.services import activity_iri, package_upload, xapi_statement_record
from tests.h5p.builders import play_key, upload
from tests.h5p.test_libraries import fixture_variant
from tests.races import race

# Skipped without PostgreSQL (a failure under REQUIRE_SERVICES=true): tests/conftest.py handles the marker.
pytestmark = [pytest.mark.postgres]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_copies_of_one_statement_record_one_statement_and_one_attempt(package, contexts, learner):
    key = play_key(learner)
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": activity_iri(package_id=package.pk, context_key=key)},
        "result": {"score": {"raw": 1, "max": 1}, "completion": True},
    }

    def post(_index):
        attempt = xapi_statement_record(user=learner, package=package, context_key=key, statement=dict(statement))
        return attempt.pk if attempt else None

    results, errors = race(6, post)
    assert errors == []
    assert XAPIStatement.objects.count() == H5PAttempt.objects.count() == 1
    assert set(results) == {H5PAttempt.objects.get().pk}
    assert len(contexts) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_installs_of_the_same_library_keep_one_record(site_admin):
    def install(index):
        data = fixture_variant(title=f"Copy {index}")
        return package_upload(uploaded_file=upload(data), title=f"Copy {index}", uploaded_by=site_admin).pk

    results, errors = race(4, install)
    # A loser may be asked to upload again (409); nobody gets a second record of a library version.
    assert all(getattr(error, "status", None) == 409 for error in errors)
    assert len(results) + len(errors) == 4 and results
    assert H5PLibrary.objects.filter(machine_name="H5P.TrueFalse").count() == 1
    assert H5PLibraryChange.objects.filter(library__machine_name="H5P.TrueFalse").count() == 1
