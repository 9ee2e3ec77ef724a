"""The sandboxed player's document and the package files: authorised by signed, expiring links (the player has no
cookies), inside the extraction, with the right types, CORS for the opaque origin, and restrictive policies."""

import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from h5p.player import content_link, player_url
from tests.h5p.builders import play_key

pytestmark = pytest.mark.django_db


def signed(package, *, now=None):
    expires, signature = content_link(content_hash=package.content_hash, now=now)
    return {"content_hash": package.content_hash, "expires": expires, "signature": signature}


def content_url(package, path, **link):
    kwargs = {**signed(package), **link, "path": path}
    return reverse("h5p:content", kwargs=kwargs)


def document_url(package, **link):
    return reverse("h5p:player", kwargs={**signed(package), **link})


def expired(package):
    """A genuine signature whose time is over (made as if two days ago)."""
    return signed(package, now=time.time() - 2 * 86400)


# ---------------------------------------------------------------------------------------------- package files


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
def test_a_signed_link_serves_files_without_a_session_with_their_type_and_security_headers(
    client, package, path, content_type
):
    """The sandboxed player (origin "null") sends no cookies: the link alone authorises the file."""
    response = client.get(content_url(package, path))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("default-src 'none';")
    assert "sandbox" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy
    cache = response["Cache-Control"]
    assert "immutable" in cache and "public" in cache
    assert 0 < int(cache.split("max-age=")[1].split(",")[0]) <= 7 * 3600
    assert "Set-Cookie" not in response


def test_the_served_bytes_are_the_packaged_ones(client, package):
    response = client.get(content_url(package, "content/content.json"))
    body = b"".join(response.streaming_content)
    assert b'"correct":"false"' in body


def test_an_expired_link_is_refused(client, package):
    response = client.get(content_url(package, "h5p.json", **expired(package)))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: {**link, "signature": link["signature"][:-2] + ("AA" if link["signature"][-2:] != "AA" else "BB")},
        lambda link: {**link, "expires": link["expires"] + 3600},  # a later expiry under the old signature
        lambda link: {**link, "signature": "x"},
    ],
    ids=["forged-signature", "extended-expiry", "garbage"],
)
def test_a_forged_link_is_refused(client, package, tamper):
    response = client.get(content_url(package, "h5p.json", **tamper(signed(package))))
    assert response.status_code == 403


def test_a_link_signed_for_one_package_does_not_open_another(client, package):
    other_hash = "0" * 64
    link = signed(package)
    response = client.get(content_url(package, "h5p.json", **{**link, "content_hash": other_hash}))
    assert response.status_code == 403


def test_a_valid_link_to_an_unknown_package_is_not_found(client, package):
    link = {"content_hash": "0" * 64}
    expires, signature = content_link(content_hash="0" * 64)
    response = client.get(content_url(package, "h5p.json", **link, expires=expires, signature=signature))
    assert response.status_code == 404


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
def test_paths_outside_the_extraction_or_missing_are_not_found(client, package, path):
    link = signed(package)
    response = client.get(f"/h5p/content/{package.content_hash}/{link['expires']}/{link['signature']}/{path}")
    assert response.status_code == 404


def test_a_malformed_hash_is_not_found(client, package):
    link = signed(package)
    assert client.get(f"/h5p/content/not-a-hash/{link['expires']}/{link['signature']}/h5p.json").status_code == 404


def test_the_old_unsigned_address_is_gone(client, learner, package):
    client.force_login(learner)
    assert client.get(f"/h5p/content/{package.content_hash}/h5p.json").status_code == 404


def test_only_get_is_allowed(client, package):
    assert client.post(content_url(package, "h5p.json")).status_code == 405


# ---------------------------------------------------------------------------------------------- the player document


def test_the_player_document_is_served_without_a_session_under_a_sandboxing_policy(client, package):
    response = client.get(document_url(package))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "http://testserver"
    assert directives["connect-src"] == "http://testserver"
    assert directives["frame-ancestors"] == "http://testserver"
    assert directives["form-action"] == "'none'"
    # Opened on its own, outside the page's iframe, the document is still sandboxed: never the site's origin.
    assert directives["sandbox"] == "allow-scripts"
    assert "allow-same-origin" not in policy
    assert "unsafe-eval" not in policy
    assert "X-Frame-Options" not in response  # frame-ancestors decides, across origins
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response


def test_the_player_document_runs_only_static_scripts_and_points_at_signed_files(client, package):
    link = signed(package)
    html = client.get(document_url(package, **link)).content.decode()
    assert "<script>" not in html  # no inline script
    assert '<script src="http://testserver/static/h5p/sandbox.js"></script>' in html
    assert html.index("h5p/sandbox.js") < html.index("main.bundle.js")  # the storage shim comes first
    base = f"http://testserver/h5p/content/{package.content_hash}/{link['expires']}/{link['signature']}"
    assert f'data-json-path="{base}"' in html


def test_an_expired_or_forged_player_link_is_refused(client, package):
    assert client.get(document_url(package, **expired(package))).status_code == 403
    assert client.get(document_url(package, signature="forged")).status_code == 403


def test_a_separate_content_origin_serves_the_player_and_only_the_site_may_frame_it(client, package, settings, rf):
    settings.H5P_CONTENT_ORIGIN = "https://h5p.lis-content.example"
    settings.SITE_URL = "https://lis.example.org"
    settings.ALLOWED_HOSTS = ["h5p.lis-content.example", "lis.example.org", "testserver"]
    request = rf.get("/lesson/", HTTP_HOST="lis.example.org", secure=True)  # the lesson page that embeds it
    url = player_url(request=request, package=package)
    assert urlsplit(url).netloc == "h5p.lis-content.example"
    response = client.get(urlsplit(url).path, HTTP_HOST="h5p.lis-content.example", secure=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src https://h5p.lis-content.example;" in policy
    assert "frame-ancestors https://lis.example.org;" in policy
    html = response.content.decode()
    assert f'data-json-path="https://h5p.lis-content.example/h5p/content/{package.content_hash}/' in html
    assert 'src="https://h5p.lis-content.example/static/vendor/h5p-standalone/main.bundle.js"' in html


def test_links_are_shared_for_an_hour_and_last_at_least_the_configured_time(package, settings):
    settings.H5P_CONTENT_URL_SECONDS = 6 * 3600
    now = 1_800_000_000.0
    expires, signature = content_link(content_hash=package.content_hash, now=now)
    assert now + 6 * 3600 <= expires <= now + 7 * 3600
    assert expires % 3600 == 0
    assert content_link(content_hash=package.content_hash, now=now + 1) == (expires, signature)


def test_the_block_embeds_the_player_in_a_sandboxed_iframe(package, contexts, learner, rf):
    from h5p.blocks import H5PActivityBlock

    block = H5PActivityBlock()
    value = block.to_python({"package": package.pk, "title": "Quick check", "graded": True, "pass_mark": 60})
    request = rf.get("/lesson/")
    request.user = learner
    html = block.render(value, context={"request": request, "h5p_context": play_key(learner)})
    assert '<iframe class="h5p-activity__frame" src="http://testserver/h5p/player/' in html
    assert 'sandbox="allow-scripts"' in html
    assert "allow-same-origin" not in html
    assert 'title="Quick check"' in html


@pytest.mark.parametrize("value", ["javascript:alert(1)", "https://h5p.example.org/path", "h5p.example.org"])
def test_a_content_origin_that_is_not_an_origin_stops_start_up(value):
    import os
    import subprocess
    import sys

    environment = {**os.environ, "H5P_CONTENT_ORIGIN": value}
    result = subprocess.run(
        [sys.executable, "-c", "import lms.settings"], env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "H5P_CONTENT_ORIGIN" in result.stderr
