"""The Content-Security-Policy holds in Chromium: site pages raise no violation and request nothing from a third party;
the Wagtail admin (dashboard, page editor) still works under its looser policy.

These contexts do NOT bypass the CSP (the shared fixture does, for axe): the browser enforces the real headers.
"""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytest.importorskip("playwright")

from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIOLATION_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const what = event.blockedURI || "inline";
  window.__cspViolations.push(`${event.violatedDirective} blocked ${what} on ${location.pathname}`);
});
"""


class Watch:
    """Collects CSP violations (DOM events and console messages) and requests to other origins."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.console: list[str] = []
        self.foreign: list[str] = []
        page.add_init_script(VIOLATION_LISTENER)
        page.on("console", self._on_console)
        page.on("request", self._on_request)

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def _on_request(self, request):
        url = request.url
        if not (url.startswith(self.origin) or url.startswith(("data:", "blob:", "about:"))):
            self.foreign.append(url)

    def violations(self) -> list[str]:
        return self.console + self.page.evaluate("window.__cspViolations || []")


@pytest.fixture
def strict_page(browser, live_server):
    context = browser.new_context(bypass_csp=False, locale="en-GB")
    page = context.new_page()
    yield page, Watch(page, live_server.url)
    # Leave the page first and let the live server finish what it is serving (the Wagtail editor pings the server
    # in the background): a request still running while the test database is flushed breaks the next tests.
    page.goto("about:blank")
    page.wait_for_timeout(1000)
    context.close()


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _superuser():
    user = UserFactory(email="sam@example.org")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_site_pages_raise_no_csp_violation_and_call_no_third_party(site_pages, strict_page, live_server):
    page, watch = strict_page
    paths = [
        site_pages["home"].url,
        site_pages["track"].url,
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/certificates/verify/",
        "/ru/accounts/login/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        assert watch.violations() == [], path
    assert watch.foreign == []


def test_a_logged_in_editor_sees_the_site_with_the_userbar_and_no_violation(site_pages, strict_page, live_server):
    """Wagtail's user bar (shown to editors on every site page) runs under the site's strict policy."""
    page, watch = strict_page
    _log_in(page, live_server, _superuser())
    page.goto(live_server.url + site_pages["home"].url)
    page.wait_for_load_state("networkidle")
    expect(page.locator("wagtail-userbar")).to_have_count(1)
    for path in ("/account/profile/", "/account/associations/", "/certificates/mine/"):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert watch.violations() == []
    assert watch.foreign == []


def test_the_wagtail_admin_dashboard_and_page_editor_work(site_pages, strict_page, live_server):
    """The admin works under its policy: the dashboard, the page explorer and the editor (typing a title)."""
    page, watch = strict_page
    _log_in(page, live_server, _superuser())
    response = page.goto(f"{live_server.url}/admin/")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    page.goto(f"{live_server.url}/admin/pages/{site_pages['home'].pk}/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/admin/pages/{site_pages['track'].pk}/edit/")
    title = page.locator("#id_title")
    expect(title).to_be_visible()
    title.fill("Media literacy for everyone")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("has been updated")).to_be_visible()
    assert watch.violations() == []
    assert watch.foreign == []


def test_the_django_admin_works_under_the_site_policy(strict_page, live_server):
    page, watch = strict_page
    _log_in(page, live_server, _superuser())
    page.goto(f"{live_server.url}/django-admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"{live_server.url}/django-admin/accounts/user/")
    page.wait_for_load_state("networkidle")
    assert watch.violations() == []
    assert watch.foreign == []


H5P_FIXTURE = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"
# The page-hosted h5p-standalone player writes an inline script into its frame, which the site's policy blocks; the
# sandboxed player (h5p.player.player_policy, branch h5p-sandbox) is a document of its own with its own policy.
SANDBOXED_PLAYER = hasattr(importlib.import_module("h5p.player"), "player_policy")


@pytest.mark.skipif(not SANDBOXED_PLAYER, reason="the sandboxed H5P player comes with h5p-sandbox")
def test_an_h5p_activity_plays_under_the_real_policies(site_pages, strict_page, live_server):
    """The lesson page keeps the strict policy; the sandboxed player document keeps its own; the result is saved."""
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    from h5p.services import package_upload
    from tests.courses.factories import course_create, lesson_create
    from tests.factories import AssociationFactory

    page, watch = strict_page
    upload = SimpleUploadedFile("true-false.h5p", H5P_FIXTURE.read_bytes(), content_type="application/zip")
    package = package_upload(uploaded_file=upload, title="Is this false?", uploaded_by=None)
    course = course_create(issuer=AssociationFactory(), title="Verifying information", cpd_hours=1)
    h5p = {"package": package.pk, "title": "A quick check", "graded": True, "pass_mark": 100}
    lesson = lesson_create(course, title="Check", body=[{"type": "h5p", "value": h5p, "id": str(uuid.uuid4())}])
    _log_in(page, live_server, UserFactory(email="lena@example.org"))
    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("button", name="Enrol in this course").click()
    response = page.goto(f"{live_server.url}{lesson.url}")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    frame = page.frame_locator("iframe.h5p-activity__frame")
    frame.get_by_role("radio", name="False").click()
    frame.get_by_role("button", name="Check").click()
    expect(page.locator("[data-h5p-status-for]")).to_have_text("Your result was saved: 1 of 1")
    assert watch.violations() == []
    assert watch.foreign == []
