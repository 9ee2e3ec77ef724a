"""Library code is installed by site administrators only; trainers upload content that uses it unchanged."""

import hashlib
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.refusals import Refusal
from accounts.roles import TRAINERS_GROUP
from h5p.models import H5PLibrary, H5PLibraryChange, H5PPackage
from h5p.services import PackageRejected, library_may_install, package_upload
from tests.factories import UserFactory
from tests.h5p.builders import build_zip, fixture_members, fixture_path, stored_files, upload

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_h5p_h5ppackage:add"
TRUE_FALSE_JS = "H5P.TrueFalse-1.6/scripts/h5p-true-false.js"


def fixture_variant(*, title: str = "Variant", library_js: bytes | None = None, extra: dict | None = None) -> bytes:
    """The fixture with another title (so other bytes), optionally with changed library code or extra members."""
    members = fixture_members()
    metadata = json.loads(members["h5p.json"])
    metadata["title"] = title
    members["h5p.json"] = json.dumps(metadata).encode()
    if library_js is not None:
        members[TRUE_FALSE_JS] = library_js
    return build_zip(members | (extra or {}))


def with_new_library() -> bytes:
    """The fixture plus a library it now depends on and that no site has installed."""
    members = fixture_members()
    metadata = json.loads(members["h5p.json"])
    metadata["title"] = "With a new library"
    metadata["preloadedDependencies"].append({"machineName": "H5P.Sneaky", "majorVersion": 1, "minorVersion": 0})
    members["h5p.json"] = json.dumps(metadata).encode()
    library = {"title": "Sneaky", "machineName": "H5P.Sneaky", "majorVersion": 1, "minorVersion": 0, "patchVersion": 0}
    members["H5P.Sneaky-1.0/library.json"] = json.dumps(library).encode()
    members["H5P.Sneaky-1.0/sneaky.js"] = b"fetch('/admin/')"
    return build_zip(members)


def library(name: str = "H5P.TrueFalse") -> H5PLibrary:
    return H5PLibrary.objects.get(machine_name=name)


def test_a_site_administrators_upload_installs_the_libraries_with_the_hash_of_each_file(site_admin):
    package = package_upload(uploaded_file=upload(fixture_path().read_bytes()), title="TF", uploaded_by=site_admin)

    assert H5PLibrary.objects.count() == 10
    assert set(package.libraries.all()) == set(H5PLibrary.objects.all())
    true_false = library()
    assert (true_false.major_version, true_false.minor_version, true_false.patch_version) == (1, 6, 1)
    assert (true_false.installed_by, true_false.updated_by) == (site_admin, site_admin)
    stored = default_storage.open(f"{package.storage_prefix}/{TRUE_FALSE_JS}").read()
    assert true_false.files["scripts/h5p-true-false.js"] == hashlib.sha256(stored).hexdigest()
    assert len(true_false.digest) == 64
    change = true_false.changes.get()
    assert (change.action, change.changed_by, change.digest_after) == ("installed", site_admin, true_false.digest)


def test_a_trainer_uploads_content_that_uses_the_installed_libraries_unchanged(package, trainer):
    """Same machine name, version and files: accepted, linked to the installed records, nothing installed."""
    changes = H5PLibraryChange.objects.count()
    content = package_upload(uploaded_file=upload(fixture_variant()), title="Mine", uploaded_by=trainer)
    assert content.uploaded_by == trainer
    assert set(content.libraries.all()) == set(package.libraries.all())
    assert H5PLibraryChange.objects.count() == changes
    # The package is served from its own copy, which is byte for byte the installed one.
    served = default_storage.open(f"{content.storage_prefix}/{TRUE_FALSE_JS}").read()
    assert hashlib.sha256(served).hexdigest() == library().files["scripts/h5p-true-false.js"]


def test_a_trainers_package_with_changed_library_code_is_refused_and_nothing_is_written(package, trainer):
    before_files, before_digest = sorted(stored_files()), library().digest
    with pytest.raises(PackageRejected) as refused:
        package_upload(
            uploaded_file=upload(fixture_variant(library_js=b"alert(document.cookie)")), title="X", uploaded_by=trainer
        )
    assert isinstance(refused.value, Refusal)
    assert (refused.value.code, refused.value.status) == ("library_changed", 403)
    assert "H5P.TrueFalse 1.6" in refused.value.message
    assert "site administrator" in refused.value.message
    assert H5PPackage.objects.count() == 1
    assert library().digest == before_digest
    assert sorted(stored_files()) == before_files


def test_a_trainers_package_that_brings_a_library_not_installed_is_refused(package, trainer):
    before_files = sorted(stored_files())
    with pytest.raises(PackageRejected) as refused:
        package_upload(uploaded_file=upload(with_new_library()), title="X", uploaded_by=trainer)
    assert refused.value.code == "library_not_installed"
    assert "ask a site administrator to install library H5P.Sneaky 1.0" in refused.value.message
    assert not H5PLibrary.objects.filter(machine_name="H5P.Sneaky").exists()
    assert H5PPackage.objects.count() == 1
    assert sorted(stored_files()) == before_files


def test_on_a_fresh_site_a_trainer_cannot_install_the_libraries_of_a_package(trainer):
    with pytest.raises(PackageRejected, match="ask a site administrator to install library"):
        package_upload(uploaded_file=upload(fixture_path().read_bytes()), title="X", uploaded_by=trainer)
    assert H5PLibrary.objects.count() == H5PPackage.objects.count() == 0
    assert stored_files() == []


def test_a_site_administrator_updates_a_library_and_the_change_is_audited(package, site_admin):
    before = library().digest
    updated = package_upload(
        uploaded_file=upload(fixture_variant(library_js=b"/* patched */")), title="Patched", uploaded_by=site_admin
    )
    true_false = library()
    assert true_false.digest != before
    assert true_false.updated_by == site_admin
    change = true_false.changes.order_by("-pk").first()
    assert (change.action, change.digest_before, change.digest_after) == ("updated", before, true_false.digest)
    assert true_false in updated.libraries.all()
    # The first package keeps being served from its own, unchanged copy.
    original = default_storage.open(f"{package.storage_prefix}/{TRUE_FALSE_JS}").read()
    assert original == fixture_members()[TRUE_FALSE_JS]


def test_someone_granted_the_library_permission_may_install(trainer):
    trainer.user_permissions.add(Permission.objects.get(codename="install_library", content_type__app_label="h5p"))
    trainer = type(trainer).objects.get(pk=trainer.pk)  # fresh permission cache
    assert library_may_install(trainer) is True
    package_upload(uploaded_file=upload(fixture_path().read_bytes()), title="TF", uploaded_by=trainer)
    assert library().installed_by == trainer


def test_only_site_administrators_have_the_library_permission_by_default(site_admin, trainer, learner):
    assert library_may_install(site_admin) is True
    assert library_may_install(trainer) is False
    assert library_may_install(learner) is False
    trainers = Group.objects.get(name=TRAINERS_GROUP)
    assert not trainers.permissions.filter(codename="install_library").exists()


def test_the_trainers_group_may_add_change_view_and_choose_packages(trainer):
    codenames = set(Group.objects.get(name=TRAINERS_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_h5ppackage", "change_h5ppackage", "view_h5ppackage", "choose_h5ppackage"} <= codenames
    assert "delete_h5ppackage" not in codenames
    assert trainer.has_perm("h5p.add_h5ppackage") and trainer.has_perm("h5p.choose_h5ppackage")


# --- the Wagtail admin: the snippet form and the chooser's upload tab ------------------------------------------------


def test_a_trainer_uploads_a_package_in_the_admin(client, package, trainer):
    client.force_login(trainer)
    assert client.get(reverse(ADD_URL)).status_code == 200
    response = client.post(reverse(ADD_URL), {"title": "", "upload": upload(fixture_variant(title="Trainer's"))})
    assert response.status_code == 302
    assert H5PPackage.objects.get(title="Trainer's").uploaded_by == trainer


def test_a_trainers_changed_library_is_a_form_error_in_the_admin(client, package, trainer):
    client.force_login(trainer)
    data = upload(fixture_variant(library_js=b"alert(1)"))
    response = client.post(reverse(ADD_URL), {"title": "", "upload": data})
    assert response.status_code == 200
    assert "differs from the installed one" in response.content.decode()
    assert H5PPackage.objects.count() == 1


def chooser_url(name: str) -> str:
    return reverse(f"wagtailsnippetchoosers_h5p_h5ppackage:{name}")


def test_the_chooser_offers_trainers_an_upload_tab(client, trainer):
    client.force_login(trainer)
    response = client.get(chooser_url("choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    assert 'enctype="multipart/form-data"' in html
    assert 'name="upload"' in html


def test_a_trainer_uploads_through_the_chooser_and_the_package_is_chosen(client, package, trainer):
    client.force_login(trainer)
    response = client.post(chooser_url("create"), {"title": "", "upload": upload(fixture_variant(title="Chosen"))})
    assert response.status_code == 200
    assert response.json()["step"] == "chosen"
    assert H5PPackage.objects.get(title="Chosen").uploaded_by == trainer


def test_the_chooser_refuses_a_trainers_new_library_with_the_message_and_writes_nothing(client, package, trainer):
    client.force_login(trainer)
    response = client.post(chooser_url("create"), {"title": "", "upload": upload(with_new_library())})
    assert response.json()["step"] == "reshow_creation_form"
    assert "H5P.Sneaky 1.0" in response.json()["htmlFragment"]
    assert H5PPackage.objects.count() == 1
    assert not H5PLibrary.objects.filter(machine_name="H5P.Sneaky").exists()


def test_the_chooser_is_refused_to_admin_users_who_may_not_choose_packages(client):
    user = UserFactory(email="nochoose@example.org")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert client.get(chooser_url("choose")).status_code in {302, 403}
    data = {"title": "", "upload": upload(fixture_path().read_bytes())}
    assert client.post(chooser_url("create"), data).status_code in {302, 403}
    assert H5PPackage.objects.count() == 0


def test_anonymous_visitors_cannot_open_the_chooser(client):
    response = client.get(chooser_url("choose"))
    assert response.status_code in {302, 403}


def test_the_library_refusal_reads_in_russian(package, trainer):
    from django.utils import translation

    with translation.override("ru"), pytest.raises(PackageRejected) as refused:
        package_upload(uploaded_file=upload(with_new_library()), title="X", uploaded_by=trainer)
    assert "попросите администратора сайта установить библиотеку H5P.Sneaky 1.0" in refused.value.message


# --- the read-only list of installed libraries ------------------------------------------------------------------------


def test_a_site_administrator_sees_the_installed_libraries_and_their_digests(
    client, package, site_admin, django_assert_max_num_queries
):
    client.force_login(site_admin)
    with django_assert_max_num_queries(9):  # ten libraries, one query for them and their last changers
        response = client.get(reverse("h5p_libraries:index"))
    assert response.status_code == 200
    assert "H5P.TrueFalse" in response.content.decode()
    inspect = client.get(reverse("h5p_libraries:inspect", args=[library().pk]))
    assert inspect.status_code == 200
    assert library().digest in inspect.content.decode()


def test_library_records_cannot_be_added_edited_or_deleted_in_the_admin(client, package, site_admin):
    client.force_login(site_admin)
    pk = library().pk
    for url in [reverse("h5p_libraries:add"), reverse("h5p_libraries:edit", args=[pk])]:
        assert client.get(url).status_code in {302, 403}
    assert client.post(reverse("h5p_libraries:delete", args=[pk])).status_code in {302, 403}
    assert H5PLibrary.objects.filter(pk=pk).exists()


def test_trainers_do_not_see_the_library_records(client, package, trainer):
    client.force_login(trainer)
    assert client.get(reverse("h5p_libraries:index")).status_code in {302, 403}
    assert client.get(reverse("h5p_libraries:inspect", args=[library().pk])).status_code in {302, 403}


def test_packages_uploaded_before_libraries_were_records_get_their_libraries_from_their_files(package, site_admin):
    """The data migration reads the extracted files: the same records, digests and audit as an upload makes."""
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("h5p.migrations.0004_libraries_of_existing_packages").backfill
    before = {record.machine_name: record.digest for record in H5PLibrary.objects.all()}
    H5PLibrary.objects.all().delete()

    backfill(apps, None)
    backfill(apps, None)  # idempotent

    assert {record.machine_name: record.digest for record in H5PLibrary.objects.all()} == before
    assert set(package.libraries.all()) == set(H5PLibrary.objects.all())
    assert H5PLibraryChange.objects.filter(action="installed", changed_by=site_admin).count() == len(before)
