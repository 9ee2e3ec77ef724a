"""content.json is sanitised against the libraries' semantics before it is stored (as H5P core does)."""

import json

import pytest
from django.core.files.storage import default_storage

from h5p.sanitise import content_sanitise, html_text, plain_text
from h5p.services import package_upload
from tests.h5p.builders import build_zip, fixture_members, upload

pytestmark = pytest.mark.django_db


def upload_with_content(change) -> dict:
    """Upload the true-false fixture with ``change(content)`` applied; returns the stored content.json."""
    members = fixture_members()
    content = json.loads(members["content/content.json"])
    change(content)
    members["content/content.json"] = json.dumps(content).encode()
    package = package_upload(uploaded_file=upload(build_zip(members)), title="Hostile", uploaded_by=None)
    with default_storage.open(f"{package.storage_prefix}/content/content.json") as handle:
        return json.loads(handle.read())


def test_the_question_keeps_its_allowed_tags_but_loses_script_and_event_handlers():
    def change(content):
        content["question"] = (
            '<p onclick="steal()">Is <strong>this</strong> false? <img src=x onerror=alert(1)>'
            "<script>alert(document.cookie)</script></p>"
        )

    stored = upload_with_content(change)
    assert stored["question"] == "<p>Is <strong>this</strong> false? </p>"


def test_an_unclosed_tag_does_not_survive():
    stored = upload_with_content(lambda content: content.update(question="<p>Yes</p><img src=x onerror=alert(1)//"))
    assert "<img" not in stored["question"] and "onerror" not in stored["question"]


def test_plain_text_fields_are_escaped():
    def change(content):
        content["l10n"]["trueText"] = '<img src=x onerror="alert(1)">True'

    stored = upload_with_content(change)
    assert stored["l10n"]["trueText"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;True"


def test_keys_the_semantics_do_not_declare_are_dropped_and_wrong_types_too():
    def change(content):
        content["injected"] = "<script>alert(1)</script>"
        content["behaviour"]["enableRetry"] = "<b>yes</b>"
        content["correct"] = "<script>"

    stored = upload_with_content(change)
    assert "injected" not in stored
    assert "enableRetry" not in stored["behaviour"]
    assert "correct" not in stored


def test_the_real_content_is_stored_unchanged():
    original = json.loads(fixture_members()["content/content.json"])
    assert upload_with_content(lambda content: None) == original


# --- the pure functions --------------------------------------------------------------------------------------------


def test_plain_text_keeps_entities_that_are_already_there():
    """Like htmlspecialchars(..., double_encode=false): content exported by H5P is escaped once, not twice."""
    assert plain_text("Tom &amp; Jerry & co <3") == "Tom &amp; Jerry &amp; co &lt;3"


def test_links_keep_only_safe_urls():
    field = {"type": "text", "widget": "html", "tags": ["a"]}
    cleaned = html_text('<a href="javascript:alert(1)">x</a> <a href="https://example.org" onclick="y">ok</a>', field)
    assert "javascript" not in cleaned and "onclick" not in cleaned
    assert 'href="https://example.org"' in cleaned


def test_an_html_field_without_tags_keeps_only_paragraphs_and_breaks():
    field = {"type": "text", "widget": "html"}
    assert html_text("<p>a<br><em>b</em><iframe src=x></iframe></p>", field) == "<p>a<br>b</p>"


def test_nested_libraries_are_sanitised_with_their_own_semantics():
    libraries = {
        "H5P.Outer 1.0": [
            {"name": "items", "type": "list", "field": {"name": "item", "type": "library", "options": ["H5P.Text 1.2"]}}
        ],
        "H5P.Text 1.2": [{"name": "text", "type": "text", "widget": "html", "tags": ["em"]}],
    }
    content = {
        "items": [
            {"library": "H5P.Text 1.2", "params": {"text": "<em>hi</em><svg onload=alert(1)>"}, "subContentId": "1"},
            {"library": "H5P.Evil 1.0", "params": {"text": "<script>"}},
        ]
    }
    cleaned = content_sanitise(content=content, main_library="H5P.Outer 1.0", libraries=libraries)
    assert cleaned == {"items": [{"library": "H5P.Text 1.2", "params": {"text": "<em>hi</em>"}, "subContentId": "1"}]}


def test_a_group_of_one_field_is_stored_as_that_fields_value():
    libraries = {
        "H5P.Demo 1.0": [
            {"name": "wrapper", "type": "group", "fields": [{"name": "label", "type": "text"}]},
        ]
    }
    cleaned = content_sanitise(content={"wrapper": "<b>x</b>"}, main_library="H5P.Demo 1.0", libraries=libraries)
    assert cleaned == {"wrapper": "&lt;b&gt;x&lt;/b&gt;"}


def test_strings_of_a_library_without_semantics_are_plain_text():
    cleaned = content_sanitise(content={"text": "<b>x</b>", "n": 1}, main_library="H5P.Nothing 1.0", libraries={})
    assert cleaned == {"text": "&lt;b&gt;x&lt;/b&gt;", "n": 1}
