"""End to end in Chromium: the vendored player plays the real package and the server records the score."""

from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django.views.decorators.csrf import ensure_csrf_cookie
from playwright.sync_api import expect

from h5p import access
from h5p.blocks import H5PActivityBlock
from h5p.models import H5PAttempt, H5PUserState
from h5p.services import package_upload
from lms.env import env_bool
from tests.factories import UserFactory

PREFIX = "browser.test"
PLAYER = Path(settings.BASE_DIR) / "static" / "vendor" / "h5p-standalone" / "main.bundle.js"

# Chromium, the serialized rollback after live_server's flush and DJANGO_ALLOW_ASYNC_UNSAFE come from
# tests/conftest.py; this module brings its own host page (urls below).
pytestmark = [pytest.mark.browser, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _vendored_player():
    if not PLAYER.exists():
        reason = f"needs the vendored H5P player at {PLAYER} (npm ci --ignore-scripts && make static)"
        if env_bool("REQUIRE_BROWSER", False):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@ensure_csrf_cookie
def play_view(request, package_id: int):
    """A minimal host page, the way courses embeds the block: it passes the context key."""
    block = H5PActivityBlock()
    value = block.to_python({"package": package_id, "title": "Quick check", "graded": True, "pass_mark": 50})
    key = f"{PREFIX}:{request.user.pk}"
    html = block.render(value, context={"request": request, "h5p_context": key, "h5p_best": None})
    return HttpResponse(
        '<!DOCTYPE html><html lang="en"><head><title>Play</title></head>'
        f"<body><main><h1>Lesson</h1>{html}</main></body></html>"
    )


urlpatterns = [
    path("play/<int:package_id>/", play_view),
    path("h5p/", include("h5p.urls")),
    path("accounts/", include("allauth.urls")),
]


@pytest.fixture
def allowed_context():
    access.register_context(
        PREFIX, can_play=lambda user, key: key == f"{PREFIX}:{user.pk}", holds_package=lambda key, package_id: True
    )
    yield
    access.unregister_context(PREFIX)


def upload_fixture():
    fixture = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"
    data = SimpleUploadedFile("true-false.h5p", fixture.read_bytes())
    return package_upload(uploaded_file=data, title="True or false", uploaded_by=None)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_answering_false_then_check_records_a_full_score(live_server, page, axe, allowed_context):
    """Chromium plays the fixture; the statement it posts becomes the learner's attempt: 1 of 1, passed."""
    learner = UserFactory(email="lena@example.org")
    package = upload_fixture()
    log_in(page, live_server, learner)

    page.goto(f"{live_server.url}/play/{package.pk}/")
    frame = page.frame_locator("iframe.h5p-activity__frame")
    frame.get_by_role("radio", name="False").click()
    frame.get_by_role("button", name="Check").click()

    status = page.get_by_role("status")
    expect(status).to_have_text("Your result was saved: 1 of 1")
    violations = axe(page)
    assert not violations, str(violations)
    attempt = H5PAttempt.objects.get()
    assert attempt.user == learner
    assert (attempt.raw_score, attempt.max_score, attempt.success) == (1, 1, True)
    assert attempt.context_key == f"{PREFIX}:{learner.pk}"


def is_saved_answer(response) -> bool:
    request = response.request
    return "/h5p/state/" in response.url and request.method == "POST" and "answer" in unquote(request.post_data or "")


def test_the_player_saves_and_restores_the_learners_state(live_server, page, allowed_context, settings):
    """H5P core posts its state to the signed state URL; on the next visit the chosen answer is back."""
    settings.H5P_STATE_SAVE_SECONDS = 1
    learner = UserFactory(email="lena@example.org")
    package = upload_fixture()
    log_in(page, live_server, learner)

    page.goto(f"{live_server.url}/play/{package.pk}/")
    frame = page.frame_locator("iframe.h5p-activity__frame")
    # The player also saves on its timer before the answer is in: wait for the save that carries it.
    with page.expect_response(is_saved_answer) as saved:
        frame.get_by_role("radio", name="False").click()
    assert saved.value.json() == {"success": True}
    assert H5PUserState.objects.get(user=learner).data == '{"answer":false}'

    page.reload()
    restored = page.frame_locator("iframe.h5p-activity__frame").get_by_role("radio", name="False")
    expect(restored).to_have_attribute("aria-checked", "true")
