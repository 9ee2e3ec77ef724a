"""End to end in Chromium: the vendored player plays the real package and the server records the score."""

import os
import shutil
from pathlib import Path

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
from tests.factories import UserFactory

CHROMIUM = "/usr/bin/chromium"
PREFIX = "browser.test"

pytestmark = [
    pytest.mark.browser,
    # live_server flushes the database afterwards; serialising it lets restore_migrated_rows put it back.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls(__name__),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed"),
    pytest.mark.skipif(
        not (Path(settings.BASE_DIR) / "static/vendor/h5p-standalone/main.bundle.js").exists(),
        reason="the H5P player is not vendored (run make static)",
    ),
]

# Playwright's sync API runs an event loop in this thread; the ORM calls below are still plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Fallback when tests/conftest.py does not point Playwright at Debian's Chromium already."""
    if browser_type_launch_args.get("executable_path"):
        return browser_type_launch_args
    flags = [
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ]
    return {**browser_type_launch_args, "executable_path": shutil.which("chromium") or CHROMIUM, "args": flags}


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


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup):
    """The rows migrations created, as serialised at database setup. Read before Playwright starts: inside its
    event loop, ``connection`` resolves to another connection object that does not carry them."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(scope="module", autouse=True)
def restore_migrated_rows(migrated_rows, django_db_blocker):
    """Puts back what migrations created (Wagtail's root page, locales, content types) for the tests that run
    later. Module-scoped, so this teardown runs after the last live_server flush of this module."""
    yield
    if migrated_rows:
        from django.apps import apps
        from django.core.management import call_command
        from django.core.management.color import no_style
        from django.db import connection

        with django_db_blocker.unblock():
            # The flush re-created content types with new ids; start again from empty tables.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(migrated_rows)
            # The rows came back with their ids; move PostgreSQL's sequences past them (as loaddata does).
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                    cursor.execute(sql)


@pytest.fixture
def allowed_context():
    access.register_context(PREFIX, can_play=lambda user, key: key == f"{PREFIX}:{user.pk}")
    yield
    access.unregister_context(PREFIX)


def upload_fixture():
    fixture = Path(settings.BASE_DIR).parent / "shared/fixtures/h5p/true-false.h5p"
    data = SimpleUploadedFile("true-false.h5p", fixture.read_bytes())
    return package_upload(uploaded_file=data, title="True or false", uploaded_by=None)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_answering_false_then_check_records_a_full_score(live_server, page, allowed_context):
    """Chromium plays the fixture; the statement it posts becomes the learner's attempt: 1 of 1, passed."""
    learner = UserFactory(email="lena@example.org")
    package = upload_fixture()
    log_in(page, live_server, learner)

    page.goto(f"{live_server.url}/play/{package.pk}/")
    frame = page.frame_locator("iframe.h5p-iframe")
    frame.get_by_role("radio", name="False").click()
    frame.get_by_role("button", name="Check").click()

    status = page.get_by_role("status")
    expect(status).to_have_text("Your result was saved: 1 of 1")
    axe = Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js"
    if axe.exists():
        page.add_script_tag(path=str(axe))
        result = page.evaluate("() => axe.run(document)")
        serious = [v["id"] for v in result["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == []
    attempt = H5PAttempt.objects.get()
    assert attempt.user == learner
    assert (attempt.raw_score, attempt.max_score, attempt.success) == (1, 1, True)
    assert attempt.context_key == f"{PREFIX}:{learner.pk}"


def test_the_player_saves_and_restores_the_learners_state(live_server, page, allowed_context, settings):
    """H5P core posts its state to the signed state URL; on the next visit the chosen answer is back."""
    settings.H5P_STATE_SAVE_SECONDS = 1
    learner = UserFactory(email="lena@example.org")
    package = upload_fixture()
    log_in(page, live_server, learner)

    page.goto(f"{live_server.url}/play/{package.pk}/")
    frame = page.frame_locator("iframe.h5p-iframe")
    with page.expect_response(lambda r: "/h5p/state/" in r.url and r.request.method == "POST") as saved:
        frame.get_by_role("radio", name="False").click()
    assert saved.value.json() == {"success": True}
    assert H5PUserState.objects.get(user=learner).data

    page.reload()
    restored = page.frame_locator("iframe.h5p-iframe").get_by_role("radio", name="False")
    expect(restored).to_have_attribute("aria-checked", "true")
