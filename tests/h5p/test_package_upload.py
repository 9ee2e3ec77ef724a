"""Uploading packages: the real package is accepted and extracted once; every hostile one is refused cleanly."""

import hashlib
import json
import os

import pytest
from django.core.files.storage import default_storage

from h5p.models import H5PPackage
from h5p.services import PackageRejected, package_upload
from tests.h5p.builders import build_zip, fixture_members, fixture_path, stored_files, upload

pytestmark = pytest.mark.django_db


def assert_refused(data: bytes, *fragments: str):
    with pytest.raises(PackageRejected) as refused:
        package_upload(uploaded_file=upload(data), title="Hostile", uploaded_by=None)
    for fragment in fragments:
        assert fragment in refused.value.message
    assert H5PPackage.objects.count() == 0
    assert stored_files() == []
    return refused.value.message


def test_the_real_package_is_accepted_and_extracted_under_its_hash(site_admin):
    """The fixture is recorded with its main library and extracted file by file under h5p/<sha256>/."""
    data = fixture_path().read_bytes()
    package = package_upload(
        uploaded_file=upload(data, "true-false.h5p"), title="True or false", uploaded_by=site_admin
    )

    digest = hashlib.sha256(data).hexdigest()
    assert package.content_hash == digest
    assert package.main_library == "H5P.TrueFalse 1.6"
    assert package.metadata["mainLibrary"] == "H5P.TrueFalse"
    assert package.storage_prefix == f"h5p/{digest}"
    assert package.uploaded_by == site_admin
    assert package.file_count == len(fixture_members())
    assert default_storage.exists(f"h5p/{digest}/h5p.json")
    assert default_storage.exists(f"h5p/{digest}/H5P.TrueFalse-1.6/library.json")
    assert default_storage.open(package.file.name).read() == data


def test_the_title_defaults_to_the_one_inside_the_package():
    """An empty title falls back to h5p.json's title."""
    package = package_upload(uploaded_file=upload(fixture_path().read_bytes()), title="", uploaded_by=None)
    assert package.title == "Hello World"


def test_uploading_the_same_bytes_again_returns_the_existing_package():
    """Same hash, same package: no second row, no second extraction."""
    data = fixture_path().read_bytes()
    first = package_upload(uploaded_file=upload(data), title="First", uploaded_by=None)
    files_before = len(stored_files())
    again = package_upload(uploaded_file=upload(data), title="Second", uploaded_by=None)
    assert again.pk == first.pk
    assert H5PPackage.objects.count() == 1
    assert len(stored_files()) == files_before


def test_a_stray_top_level_text_file_is_tolerated():
    """pyh5p's additionalProperties issue (H5P_CONTENT_HERE.txt in real exports) does not refuse."""
    members = fixture_members()
    members["NOTES.txt"] = b"exported by hand"
    package = package_upload(uploaded_file=upload(build_zip(members)), title="With notes", uploaded_by=None)
    assert package.pk


def test_path_traversal_is_refused():
    members = fixture_members() | {"../evil.js": b"alert(1)"}
    message = assert_refused(build_zip(members), "../evil.js", "unsafe file path")
    assert "inside the package" in message


def test_an_absolute_path_is_refused():
    members = fixture_members() | {"/etc/evil.js": b"alert(1)"}
    assert_refused(build_zip(members), "unsafe file path")


def test_a_symbolic_link_is_refused():
    assert_refused(build_zip(fixture_members(), symlinks={"content/link.json": "/etc/passwd"}), "symbolic link")


def test_a_zip_bomb_member_over_the_compression_ratio_is_refused():
    """A highly compressible member (8 MB of zeros) expands far beyond the ratio limit."""
    members = fixture_members() | {"content/bomb.json": b"0" * (8 * 1024 * 1024)}
    assert_refused(build_zip(members), "content/bomb.json", "zip bomb")


def test_a_member_over_the_size_limit_is_refused(settings):
    settings.H5P_MAX_FILE_BYTES = 400 * 1024
    members = fixture_members() | {"content/large.json": os.urandom(600 * 1024)}
    assert_refused(build_zip(members), "content/large.json", "larger than the limit")


def test_too_many_files_are_refused(settings):
    settings.H5P_MAX_FILES = 50
    assert_refused(build_zip(fixture_members()), "more than 50 files")


def test_an_upload_over_the_byte_limit_is_refused_before_it_is_read(settings):
    settings.H5P_MAX_UPLOAD_BYTES = 1024
    assert_refused(fixture_path().read_bytes(), "the limit is 1.0\xa0KB")


@pytest.mark.parametrize("name", ["content/shell.php", "H5P.TrueFalse-1.6/run.exe"])
def test_a_disallowed_extension_is_refused(name):
    members = fixture_members() | {name: b"<?php system($_GET['c']);"}
    assert_refused(build_zip(members), name, "not allowed")


def test_a_package_without_h5p_json_is_refused():
    members = {name: data for name, data in fixture_members().items() if name != "h5p.json"}
    assert_refused(build_zip(members), "no h5p.json")


def test_an_h5p_json_that_is_not_json_is_refused():
    members = fixture_members() | {"h5p.json": b"{not json"}
    assert_refused(build_zip(members), "h5p.json is not a valid JSON object")


def test_a_content_only_export_without_libraries_is_refused():
    """An h5p.org reuse export: h5p.json and content, no library folders."""
    members = {name: data for name, data in fixture_members().items() if name in {"h5p.json", "content/content.json"}}
    assert_refused(build_zip(members), "content without libraries")


def test_a_missing_dependency_library_is_refused():
    """Every library h5p.json lists must be packaged, not only the main one."""
    members = {name: data for name, data in fixture_members().items() if not name.startswith("Tether-1.0/")}
    assert_refused(build_zip(members), "missing libraries", "Tether 1.0")


def test_a_missing_main_library_is_refused():
    members = {name: data for name, data in fixture_members().items() if not name.startswith("H5P.TrueFalse-1.6/")}
    assert_refused(build_zip(members), "H5P.TrueFalse 1.6")


def test_a_file_that_is_not_a_zip_is_refused():
    assert_refused(b"This is a text file, not an H5P package.", "not a valid ZIP archive")


def test_an_empty_file_is_refused():
    assert_refused(b"", "empty")


def test_h5p_json_without_a_main_library_is_refused():
    members = fixture_members()
    metadata = json.loads(members["h5p.json"])
    del metadata["mainLibrary"]
    members["h5p.json"] = json.dumps(metadata).encode()
    assert_refused(build_zip(members), "mainLibrary")


def test_refusals_are_translated():
    """A Russian-speaking editor reads the refusal in Russian."""
    from django.utils import translation

    members = fixture_members() | {"../evil.js": b"alert(1)"}
    with translation.override("ru"):
        message = assert_refused(build_zip(members), "../evil.js")
    assert "небезопасный путь" in message


def test_a_damaged_member_is_refused():
    """Corrupted compressed data (a zlib or CRC error inside zipfile) is a clean refusal, not a server error."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("h5p.json", b'{"a": "' + bytes(range(256)) * 40 + b'"}')
    data = bytearray(buffer.getvalue())
    for index in range(60, 90):
        data[index] ^= 0xFF
    assert_refused(bytes(data), "damaged")


def test_an_encrypted_member_is_refused():
    data = bytearray(build_zip({"h5p.json": b"{}"}))
    data[6] |= 1  # local header: encrypted
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1  # central directory: encrypted
    assert_refused(bytes(data), "encrypted")
