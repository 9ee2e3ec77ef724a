"""The H5P package snippet: its create form is an upload form; refusals are form errors that write nothing."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from h5p.models import H5PPackage
from tests.factories import UserFactory
from tests.h5p.builders import build_zip, fixture_members, fixture_path, stored_files, upload

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_h5p_h5ppackage:add"


@pytest.fixture
def editor(db):
    user = UserFactory(email="ed@example.org")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse(ADD_URL))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_user_without_the_permission_is_refused(client, learner):
    learner.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(learner)
    response = client.get(reverse(ADD_URL))
    assert response.status_code in {302, 403}
    assert H5PPackage.objects.count() == 0


def test_an_editor_uploads_a_package(client, editor):
    client.force_login(editor)
    assert client.get(reverse(ADD_URL)).status_code == 200
    response = client.post(reverse(ADD_URL), {"title": "", "upload": upload(fixture_path().read_bytes(), "tf.h5p")})
    assert response.status_code == 302
    package = H5PPackage.objects.get()
    assert (package.title, package.main_library, package.uploaded_by) == ("Hello World", "H5P.TrueFalse 1.6", editor)


def test_an_uploaded_package_is_inspected_once(client, editor, monkeypatch):
    """The form validates the file; the upload service reuses that inspection instead of unzipping again."""
    from h5p import forms

    calls = []
    original = forms.package_inspect
    monkeypatch.setattr(forms, "package_inspect", lambda uploaded: calls.append(1) or original(uploaded))
    monkeypatch.setattr("h5p.services.package_inspect", forms.package_inspect)
    client.force_login(editor)
    response = client.post(reverse(ADD_URL), {"title": "", "upload": upload(fixture_path().read_bytes(), "tf.h5p")})
    assert response.status_code == 302
    assert H5PPackage.objects.count() == 1
    assert len(calls) == 1


def test_a_hostile_package_is_a_form_error_and_writes_nothing(client, editor):
    client.force_login(editor)
    hostile = build_zip(fixture_members() | {"../evil.js": b"alert(1)"})
    response = client.post(reverse(ADD_URL), {"title": "Evil", "upload": upload(hostile)})
    assert response.status_code == 200
    assert "unsafe file path: ../evil.js" in response.content.decode()
    assert H5PPackage.objects.count() == 0
    assert stored_files() == []


def test_uploading_the_same_file_twice_names_the_existing_package(client, editor):
    client.force_login(editor)
    data = fixture_path().read_bytes()
    client.post(reverse(ADD_URL), {"title": "First", "upload": upload(data)})
    response = client.post(reverse(ADD_URL), {"title": "Second", "upload": upload(data)})
    assert response.status_code == 200
    assert "already uploaded as “First”" in response.content.decode()
    assert H5PPackage.objects.count() == 1


def test_editing_renames_without_asking_for_the_file_again(client, editor):
    client.force_login(editor)
    client.post(reverse(ADD_URL), {"title": "First", "upload": upload(fixture_path().read_bytes())})
    package = H5PPackage.objects.get()
    url = reverse("wagtailsnippets_h5p_h5ppackage:edit", args=[package.pk])
    page = client.get(url)
    assert 'name="upload"' not in page.content.decode()
    response = client.post(url, {"title": "Renamed"})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.title == "Renamed"
    assert package.content_hash


def test_deleting_an_unplayed_package_removes_its_files(client, editor, django_capture_on_commit_callbacks):
    client.force_login(editor)
    client.post(reverse(ADD_URL), {"title": "First", "upload": upload(fixture_path().read_bytes())})
    package = H5PPackage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailsnippets_h5p_h5ppackage:delete", args=[package.pk]))
    assert response.status_code == 302
    assert H5PPackage.objects.count() == 0
    assert stored_files() == []


def test_a_package_with_results_cannot_be_deleted(package, contexts, learner):
    """Attempts protect their package: learners' results are never deleted with it."""
    from django.db.models import ProtectedError

    from h5p.services import activity_iri, xapi_statement_record
    from tests.h5p.builders import play_key

    key = play_key(learner)
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": activity_iri(package_id=package.pk, context_key=key)},
        "result": {"score": {"raw": 1, "max": 1}},
    }
    xapi_statement_record(user=learner, package=package, context_key=key, statement=statement)
    with pytest.raises(ProtectedError):
        package.delete()


def test_the_admin_refuses_to_delete_a_played_package_with_a_message(client, editor, package, contexts, learner):
    from h5p.services import activity_iri, xapi_statement_record
    from tests.h5p.builders import play_key

    key = play_key(learner)
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/interacted"},
        "object": {"id": activity_iri(package_id=package.pk, context_key=key)},
    }
    xapi_statement_record(user=learner, package=package, context_key=key, statement=statement)
    client.force_login(editor)
    response = client.post(reverse("wagtailsnippets_h5p_h5ppackage:delete", args=[package.pk]), follow=True)
    assert response.status_code == 200
    assert "so it cannot be deleted" in response.content.decode()
    assert H5PPackage.objects.filter(pk=package.pk).exists()
