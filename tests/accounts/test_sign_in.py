"""Signing up, confirming the address, logging in, throttling, and the person's language on login.

allauth 65.22 with ACCOUNT_EMAIL_VERIFICATION="mandatory" and ACCOUNT_RATE_LIMITS["login_failed"]
"10/m/ip,5/5m/key": the sixth failed attempt for one address within five minutes is refused with
allauth's form error "Too many failed login attempts. Try again later." (status 200, no login),
even when the password is then right.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
SIGNUP_URL = reverse("account_signup")
PASSWORD = "reading room at midnight 77"


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def sign_up(client, email="sam@example.org"):
    return client.post(
        SIGNUP_URL, {"display_name": "Sam Example", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signup_sends_a_confirmation_email_and_does_not_log_in(client):
    """Sign-up creates the user with a profile, sends one confirmation e-mail and does not log in."""
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="sam@example.org")
    assert user.profile.preferred_language == "en"  # every user gets a profile
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert logged_in_user_id(client) is None


def test_login_before_confirming_is_refused_with_a_clear_message(client):
    """With mandatory verification, the right password still does not log in before confirmation."""
    sign_up(client)
    mail.outbox.clear()
    response = client.post(LOGIN_URL, {"login": "sam@example.org", "password": PASSWORD}, follow=True)
    assert logged_in_user_id(client) is None
    content = response.content.decode()
    assert "You cannot log in until you confirm your e-mail address." in content


def test_after_confirming_login_works(client):
    """Following the confirmation link and confirming lets the person log in."""
    sign_up(client)
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[0].body).group(1)
    confirm_url = reverse("account_confirm_email", kwargs={"key": key})
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "sam@example.org" in page.content.decode()
    assert client.post(confirm_url).status_code == 302
    response = client.post(LOGIN_URL, {"login": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert int(logged_in_user_id(client)) == User.objects.get(email="sam@example.org").pk


def test_wrong_password_error_is_tied_to_the_form(client, member):
    """A wrong password is announced (role=alert) and nobody is logged in."""
    response = client.post(LOGIN_URL, {"login": "mia@example.org", "password": "wrong"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "not correct" in content
    assert logged_in_user_id(client) is None


def test_the_sixth_failed_login_is_throttled_even_with_the_right_password(client, member):
    """allauth's per-address limit (5 failures in 5 minutes) refuses the sixth attempt with its message."""
    for _ in range(5):
        response = client.post(LOGIN_URL, {"login": "mia@example.org", "password": "wrong"})
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(LOGIN_URL, {"login": "mia@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_login_switches_to_the_preferred_language(client, member):
    """Mia prefers Russian: after login the language cookie is set and she lands on the Russian page."""
    member.profile.preferred_language = "ru"
    member.profile.save(update_fields=["preferred_language"])
    response = client.post(LOGIN_URL, {"login": "mia@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_login_keeps_next_but_in_the_preferred_language(client, member):
    """The page asked for is kept, in the person's language."""
    member.profile.preferred_language = "ru"
    member.profile.save(update_fields=["preferred_language"])
    next_url = reverse("accounts:my_associations")
    response = client.post(f"{LOGIN_URL}?next={next_url}", {"login": "mia@example.org", "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/ru" + next_url


def test_english_speaker_logging_in_on_the_russian_page_gets_english(client, member):
    """The preferred language wins over the language of the login page."""
    response = client.post("/ru" + LOGIN_URL, {"login": "mia@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert not response["Location"].startswith("/ru/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_inactive_account_sees_the_inactive_page(client):
    """A deactivated account with the right password lands on our inactive page, not logged in."""
    user = UserFactory(email="gone@example.org")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.post(LOGIN_URL, {"login": "gone@example.org", "password": DEFAULT_PASSWORD}, follow=True)
    assert logged_in_user_id(client) is None
    assert response.redirect_chain == [(reverse("account_inactive"), 302)]
    assert "This account has been deactivated." in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_inactive",
        "account_reset_password_from_key_done",
    ],
)
@pytest.mark.parametrize("prefix", ["", "/ru"])
def test_allauth_pages_use_the_site_layout_with_one_h1(client, name, prefix):
    """Our overrides extend base.html, have one h1 and follow the URL's language."""
    with translation.override("en"):  # the English path; the prefix picks the language
        path = reverse(name)
    response = client.get(prefix + path)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="skip-link"' in content  # our base.html, not allauth's bare layout
    assert content.count("<h1") == 1
    assert f'lang="{prefix.strip("/") or "en"}"' in content


def test_logout_page_uses_the_site_layout(client, member):
    """The logout confirmation page extends base.html with one h1."""
    client.force_login(member)
    content = client.get(reverse("account_logout")).content.decode()
    assert 'class="skip-link"' in content
    assert content.count("<h1") == 1


def test_password_change_falls_back_to_the_site_layout(client, member):
    """allauth pages we do not override one by one still extend base.html."""
    client.force_login(member)
    content = client.get(reverse("account_change_password")).content.decode()
    assert 'class="skip-link"' in content


def test_signup_errors_are_tied_to_their_fields(client):
    """Field errors have ids that the inputs reference with aria-describedby; labels are visible."""
    response = client.post(SIGNUP_URL, {"email": "bad", "password1": "x", "password2": "y"})
    content = response.content.decode()
    assert 'id="id_email_error"' in content
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_email_error', content)
    assert '<label for="id_email">' in content


def test_password_reset_sends_a_link(client, member):
    """Asking for a reset e-mails a key link."""
    response = client.post(reverse("account_reset_password"), {"email": "mia@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
