"""Serving extracted package files: logged-in only, inside the extraction, with the right types and headers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def content_url(package, path):
    return reverse("h5p:content", kwargs={"content_hash": package.content_hash, "path": path})


def test_anonymous_visitors_are_sent_to_log_in(client, package):
    response = client.get(content_url(package, "h5p.json"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("h5p.json", "application/json"),
        ("H5P.TrueFalse-1.6/scripts/h5p-true-false.js", "text/javascript; charset=utf-8"),
        ("H5P.TrueFalse-1.6/styles/h5p-true-false.css", "text/css; charset=utf-8"),
        ("FontAwesome-4.5/fontawesome-webfont.svg", "image/svg+xml"),
        ("FontAwesome-4.5/fontawesome-webfont.woff", "font/woff"),
        ("FontAwesome-4.5/fontawesome-webfont.woff2", "font/woff2"),
        ("H5P_CONTENT_HERE.txt", "text/plain; charset=utf-8"),
    ],
)
def test_files_are_served_with_their_mime_type_and_security_headers(client, learner, package, path, content_type):
    client.force_login(learner)
    response = client.get(content_url(package, path))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_served_bytes_are_the_packaged_ones(client, learner, package):
    client.force_login(learner)
    response = client.get(content_url(package, "content/content.json"))
    body = b"".join(response.streaming_content)
    assert b'"correct":"false"' in body


@pytest.mark.parametrize(
    "path",
    [
        "../../../../etc/passwd",
        "content/../../h5p.json",
        "content/./content.json",
        "content//content.json",
        "content\\content.json",
        "content/missing.json",
        "content",
    ],
)
def test_paths_outside_the_extraction_or_missing_are_not_found(client, learner, package, path):
    client.force_login(learner)
    response = client.get(f"/h5p/content/{package.content_hash}/{path}")
    assert response.status_code == 404


def test_an_unknown_hash_is_not_found(client, learner, package):
    client.force_login(learner)
    assert client.get(f"/h5p/content/{'0' * 64}/h5p.json").status_code == 404
    assert client.get("/h5p/content/not-a-hash/h5p.json").status_code == 404


def test_only_get_is_allowed(client, learner, package):
    client.force_login(learner)
    assert client.post(content_url(package, "h5p.json")).status_code == 405
