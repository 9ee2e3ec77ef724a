"""In Chromium: an association officer goes from the association's page to the officer's dashboard, finds
certificate management there, issues a certificate by hand with the date it was awarded (an unknown address first:
the error summary at the top takes the focus), and exports the achievement's ZIP with its manifest. axe-core finds
no serious or critical problem on the dashboard, the management page or the issue form with its errors."""

import csv
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(context, client, live_server, user):
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.fixture
def officer_on_dashboard(page, context, live_server, site_pages, client, association, association_admin, axe):
    """The officer opens the association's page and follows the link to the dashboard."""
    _log_in(context, client, live_server, association_admin)
    page.goto(live_server.url + association.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("link", name="Officer's dashboard").click()
    expect(page.get_by_role("heading", level=1, name="Officer's dashboard")).to_be_visible()
    expect(page.get_by_role("img", name="Certificates issued per month")).to_be_visible()
    assert not axe(page), "the officer's dashboard"
    return page


def test_an_officer_finds_certificate_management_issues_with_an_awarded_date_and_exports_the_zip(
    officer_on_dashboard, axe, association
):
    page = officer_on_dashboard
    learner = UserFactory(email="lena@example.org", display_name="Lena Learner")

    with page.expect_navigation():
        page.get_by_role("link", name="Certificate management").click()
    expect(page.get_by_role("heading", level=1, name="Issued certificates")).to_be_visible()
    assert not axe(page), "certificate management"

    with page.expect_navigation():
        page.get_by_role("link", name="Issue certificates by hand").click()
    page.get_by_label(re.compile("^Issuing association")).select_option(label=association.name)
    page.get_by_label(re.compile("^Achievement")).fill("Cataloguing workshop")
    page.get_by_label(re.compile("^Date awarded")).fill("2025-03-14")
    page.get_by_label(re.compile("^CPD hours")).fill("2.5")
    page.get_by_label(re.compile("^Recipients")).fill("nobody@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Issue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("nobody@example.org")
    assert not axe(page), "the issue form with an unknown recipient"

    page.get_by_label(re.compile("^Recipients")).fill(learner.email)
    with page.expect_navigation():
        page.get_by_role("button", name="Issue").click()
    expect(page.get_by_text("1 certificate(s) issued.")).to_be_visible()
    certificate = Certificate.objects.get(recipient=learner)
    assert certificate.awarded_on.isoformat() == "2025-03-14"
    expect(page.get_by_role("cell", name="14 March 2025")).to_be_visible()

    page.get_by_label("Revoked certificates").select_option("omit")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Build ZIP")).click()
    expect(page.get_by_role("link", name="Download ZIP")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download ZIP").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert rows == [
        {
            "recipient": "Lena Learner",
            "code": certificate.code_grouped,
            "status": "valid",
            "awarded": "2025-03-14",
            "issued": rows[0]["issued"],
            "file": rows[0]["file"],
        }
    ]
    assert rows[0]["file"] in archive.namelist()
