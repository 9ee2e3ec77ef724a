"""Every response carries the Content-Security-Policy and the Permissions-Policy; no page asks a third party.

The site's policy is strict (no inline script or style); the Wagtail admin (/admin/) adds 'unsafe-inline' (Wagtail's
editor needs it); a view that sets its own policy keeps it (django-csp never overwrites a header), and the
``csp.decorators`` adjust it per view.
"""

import re
from pathlib import Path

import pytest
from csp.decorators import csp_exempt, csp_update
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "frame-src": "'self'",
    "frame-ancestors": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
OWN_POLICY = "default-src 'none'; sandbox"


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip())


def own_policy_view(request):
    response = HttpResponse("framed content")
    response["Content-Security-Policy"] = OWN_POLICY
    return response


@csp_update({"img-src": ["https://tiles.example.org"]})
def updated_view(request):
    return HttpResponse("a map")


@csp_exempt()
def exempt_view(request):
    return HttpResponse("no policy")


urlpatterns = [
    path("own/", own_policy_view),
    path("updated/", updated_view),
    path("exempt/", exempt_view),
]


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/certificates/verify/", "/no-such-page/"])
def test_site_pages_carry_the_strict_policy_and_the_permissions_policy(client, url):
    response = client.get(url)
    found = policy(response)
    for directive, sources in SITE_DIRECTIVES.items():
        assert found[directive] == sources, (url, directive)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_a_logged_in_persons_pages_carry_them_too(client):
    client.force_login(UserFactory())
    for url in ("/account/profile/", "/account/associations/", "/certificates/mine/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == "'self'", url
        assert "camera=()" in response["Permissions-Policy"], url


def test_the_wagtail_admin_allows_inline_script_and_style_and_nothing_else_foreign(client):
    user = UserFactory()
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    found = policy(response)
    assert found["script-src"] == "'self' 'unsafe-inline'"
    assert found["style-src"] == "'self' 'unsafe-inline'"
    assert found["object-src"] == "'none'"
    assert found["frame-ancestors"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_django_admin_keeps_the_strict_site_policy(client):
    client.force_login(UserFactory())
    response = client.get("/django-admin/login/")
    assert policy(response)["script-src"] == "'self'"


def test_frame_src_adds_the_h5p_content_origin_when_it_is_set(client, settings):
    settings.H5P_CONTENT_ORIGIN = "https://h5p.lis.example.org"
    assert policy(client.get("/accounts/login/"))["frame-src"] == "'self' https://h5p.lis.example.org"


def test_without_an_h5p_content_origin_frames_come_from_the_site_only(client, settings):
    settings.H5P_CONTENT_ORIGIN = ""
    assert policy(client.get("/accounts/login/"))["frame-src"] == "'self'"


def test_media_origins_are_allowed_for_images_and_media(client, settings):
    settings.CSP_MEDIA_ORIGINS = ["https://media.example.org/bucket/"]
    found = policy(client.get("/accounts/login/"))
    assert found["img-src"] == "'self' data: https://media.example.org"
    assert found["media-src"] == "'self' https://media.example.org"


@pytest.mark.urls(__name__)
def test_a_view_that_sets_its_own_policy_keeps_it(client):
    response = client.get("/own/")
    assert response["Content-Security-Policy"] == OWN_POLICY
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.urls(__name__)
def test_a_view_can_add_a_source_with_csp_update(client):
    assert policy(client.get("/updated/"))["img-src"] == "'self' data: https://tiles.example.org"


@pytest.mark.urls(__name__)
def test_a_view_can_opt_out_with_csp_exempt(client):
    assert "Content-Security-Policy" not in client.get("/exempt/")


def test_wagtail_asks_no_gravatar():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None


def test_the_wagtail_admin_shows_no_gravatar(client):
    user = UserFactory()
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(user)
    assert "gravatar" not in client.get("/admin/").content.decode()


def test_no_template_loads_anything_from_another_site():
    """No src=, href= of a stylesheet, or url() in a served template points at another origin."""
    base = Path(settings.BASE_DIR)
    templates = [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]
    assert templates
    loads_foreign = re.compile(
        r"""(src|srcset)=["']\s*(https?:)?//|<link[^>]+href=["']\s*(https?:)?//|url\(\s*["']?(https?:)?//"""
    )
    offenders = [str(p.relative_to(base)) for p in templates if loads_foreign.search(p.read_text())]
    assert offenders == []


def test_no_template_has_an_inline_script():
    """Scripts come from static files (json_script data blocks are fine): the strict policy would block them."""
    base = Path(settings.BASE_DIR)
    templates = [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(ld\+)?json)[^>]*>", re.IGNORECASE)
    offenders = [str(p.relative_to(base)) for p in templates if inline.search(p.read_text())]
    assert offenders == []
