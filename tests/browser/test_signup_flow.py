"""A newcomer's first visit, end to end in Chromium: sign up, confirm the address, log in, land home."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL = "Nadia.Newcomer@example.org"
PASSWORD = "a long and unguessable passphrase 7"
CONFIRM_LINK = re.compile(r"https?://\S+/confirm-email/[^\s/]+/")


def _submit(page, form):
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()


def test_a_newcomer_signs_up_confirms_the_address_logs_in_and_lands_on_the_home_page(page, live_server, site_pages):
    """Sign-up sends one confirmation link; until it is followed nobody can log in; then login lands home."""
    page.goto(live_server.url + reverse("account_signup"))
    signup = page.locator("form:has(input[name=password1])")
    signup.get_by_label(re.compile("Your name on certificates")).fill("Nadia Newcomer")
    signup.locator("input[name=email]").fill(EMAIL)
    signup.locator("input[name=password1]").fill(PASSWORD)
    signup.locator("input[name=password2]").fill(PASSWORD)
    _submit(page, signup)

    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert [address.lower() for address in message.to] == [EMAIL.lower()]
    link = CONFIRM_LINK.search(message.body)
    assert link, f"no confirmation link in:\n{message.body}"
    user = User.objects.get(email__iexact=EMAIL)
    assert user.display_name == "Nadia Newcomer"
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()

    page.goto(link.group(0))
    _submit(page, page.locator('form[action*="confirm-email"]'))
    assert EmailAddress.objects.filter(user=user, email__iexact=EMAIL, verified=True).exists()

    page.goto(live_server.url + reverse("account_login"))
    login = page.locator("form:has(input[name=password])")
    login.locator("input[name=login]").fill(EMAIL)
    login.locator("input[name=password]").fill(PASSWORD)
    _submit(page, login)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("button", name=re.compile("log out", re.IGNORECASE))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^log in$", re.IGNORECASE))).to_have_count(0)
