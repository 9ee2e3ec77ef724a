"""In Chromium: a learner without a name sees the notice on My certificates, follows it to "Your name on
certificates", is told what is wrong with a formula-like name, gives a real one and finds the certificate issued;
axe-core finds no serious or critical problem on either page, errors included."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certificates.models import Certificate
from tests.certificates.factories import ManualAwardFactory, issue
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(context, client, live_server, user):
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_a_learner_without_a_name_gives_it_and_gets_the_certificate(
    page, context, live_server, site_pages, client, axe
):
    nameless = UserFactory(email="nameless@example.org", display_name="")
    award = ManualAwardFactory(title="Metadata workshop")
    issue(recipient=nameless, source=award)
    _log_in(context, client, live_server, nameless)

    page.goto(live_server.url + reverse("certificates:mine"))
    expect(page.get_by_role("heading", name="Your certificates need your name")).to_be_visible()
    assert not axe(page), "My certificates with the notice"
    with page.expect_navigation():
        page.get_by_role("link", name="Give your name on certificates").click()

    field = page.get_by_label(re.compile("Your name on certificates"))
    field.fill("=HYPERLINK(1)")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    # Once in the error summary at the top (a link to the field), once next to the field.
    refusal = "A name may not begin with =, \\+, - or @"
    expect(page.get_by_role("link", name=re.compile(f"Your name on certificates: {refusal}"))).to_be_visible()
    expect(page.get_by_text(re.compile(f"^Error: {refusal}"))).to_be_visible()
    assert not axe(page), "the name page with an error"

    page.get_by_label(re.compile("Your name on certificates")).fill("Nora Nameless")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Metadata workshop")).to_be_visible()
    assert Certificate.objects.get(recipient=nameless).recipient_name == "Nora Nameless"
