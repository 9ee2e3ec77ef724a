"""axe-core finds no serious or critical WCAG problem on the pages everyone meets first."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.browser
site_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _visit(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


@site_test
@pytest.mark.parametrize(
    "path",
    [
        pytest.param(lambda pages: pages["home"].url, id="home"),
        pytest.param(lambda pages: pages["track"].url, id="track"),
        pytest.param(lambda pages: reverse("account_login"), id="login"),
        pytest.param(lambda pages: reverse("account_signup"), id="signup"),
    ],
)
def test_a_public_page_has_no_serious_or_critical_accessibility_violations(page, live_server, site_pages, axe, path):
    """Anonymous visitors: the home page, a track page, the login and sign-up pages."""
    _visit(page, live_server.url + path(site_pages))

    violations = axe(page)

    assert not violations, str(violations)


@site_test
def test_the_home_page_of_a_logged_in_member_has_no_serious_or_critical_accessibility_violations(
    page, context, live_server, site_pages, axe, client
):
    """The header changes once somebody is logged in (name, log-out button); that state is checked too."""
    client.force_login(UserFactory(email="lena@example.org", display_name="Lena"))
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    _visit(page, live_server.url + "/")
    assert page.get_by_text("Lena").first.is_visible()

    violations = axe(page)

    assert not violations, str(violations)


@site_test
def test_a_form_with_errors_has_no_serious_or_critical_accessibility_violations(page, live_server, site_pages, axe):
    """Error messages on a refused login stay attached to the form and readable."""
    _visit(page, live_server.url + reverse("account_login"))
    login = page.locator("form:has(input[name=password])")
    login.locator("input[name=login]").fill("nobody@example.org")
    login.locator("input[name=password]").fill("not the password")
    with page.expect_navigation():
        login.locator("[type=submit]").first.click()

    violations = axe(page)

    assert not violations, str(violations)


def test_the_axe_check_reports_a_page_known_to_be_broken(page, axe):
    """Guards the guard: an unlabelled input and an image without alt text are reported, with the element."""
    page.set_content(
        '<html><head><title>Broken</title></head><body><main><img src="x.png"><input></main></body></html>'
    )

    violations = axe(page)

    assert {violation["id"] for violation in violations} >= {"image-alt", "label", "html-has-lang"}
    assert "image-alt (critical)" in str(violations)
