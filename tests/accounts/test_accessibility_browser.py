"""axe-core in Chromium finds no serious or critical problem on the accounts pages, in English and Russian."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytest.importorskip("playwright")

from accounts.models import Membership
from tests.factories import MembershipFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed"),
    pytest.mark.skipif(not AXE_JS.exists(), reason="axe-core is not installed (npm ci --ignore-scripts)"),
]

# Playwright's sync API keeps an event loop on this thread; the ORM calls here are still plain sync code.
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
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": flags}


def serious_violations(page):
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document)")
    found = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:5]]}" for v in found]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_member_administration_pages_have_no_serious_violations(page, live_server, association_admin, language):
    """Roster, member page, invite, import, profile, my associations and the public page, logged in as admin."""
    association = association_admin.memberships.get().association
    pending = MembershipFactory(association=association, status=Membership.Status.PENDING)
    MembershipFactory(association=association, status=Membership.Status.LAPSED, role=Membership.Role.BOARD)
    log_in(page, live_server, association_admin)
    pages = [
        url("accounts:member_list", language, slug=association.slug),
        url("accounts:member_detail", language, slug=association.slug, membership_id=pending.pk),
        url("accounts:member_invite", language, slug=association.slug),
        url("accounts:member_import", language, slug=association.slug),
        url("accounts:profile", language),
        url("accounts:my_associations", language),
        url("accounts:association_detail", language, slug=association.slug),
    ]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.ok, path
        assert serious_violations(page) == [], path


def test_forms_with_errors_have_no_serious_violations(page, live_server, association_admin):
    """Errors on the invite form and the CSV report stay attached and readable."""
    slug = association_admin.memberships.get().association.slug
    log_in(page, live_server, association_admin)
    page.goto(live_server.url + url("accounts:member_invite", "en", slug=slug))
    page.fill("input[name=email]", "not-an-address")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#id_email_error").is_visible()
    assert serious_violations(page) == []

    page.goto(live_server.url + url("accounts:member_import", "en", slug=slug))
    page.set_input_files(
        "input[name=file]", files=[{"name": "m.csv", "mimeType": "text/csv", "buffer": b"email,role\r\nbad,king\r\n"}]
    )
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.get_by_text("Nothing was imported").is_visible()
    assert serious_violations(page) == []
