"""Sign-up asks for the name printed on certificates: required, tidied, and refused when blank, formula-like,
an e-mail address or too long (nothing is created then). My profile applies the same rule."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.names import display_name_clean
from accounts.refusals import Refusal
from accounts.validators import DISPLAY_NAME_MAX

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("account_signup")
PASSWORD = "reading room at midnight 77"


def _sign_up(client, display_name, email="sam@example.org"):
    data = {"display_name": display_name, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(SIGNUP_URL, data)


def test_the_signup_form_asks_for_the_name_first_with_a_label(client):
    body = client.get(SIGNUP_URL).content.decode()
    assert '<label for="id_display_name">Your name on certificates' in body
    assert body.index('name="display_name"') < body.index('name="email"')
    assert 'autocomplete="name"' in body


def test_signing_up_stores_the_tidied_name(client):
    response = _sign_up(client, "  Sam   Example-Иванов ")
    assert response.status_code == 302
    assert User.objects.get(email="sam@example.org").display_name == "Sam Example-Иванов"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your name as it should appear on certificates."),
        ("   ", "Enter your name as it should appear on certificates."),
        ("=cmd|' /C calc'!A0", "A name may not begin with =, +, - or @"),
        ("@SUM(1)", "A name may not begin with =, +, - or @"),
        ("sam@example.org", "A name may not be an e-mail address."),
        ("S" * (DISPLAY_NAME_MAX + 1), "at most 150 characters"),
    ],
)
def test_a_bad_name_is_refused_and_no_account_is_made(client, typed, message):
    response = _sign_up(client, typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_the_rule_refuses_with_a_400_refusal():
    with pytest.raises(Refusal) as caught:
        display_name_clean("+1 555")
    assert caught.value.status == 400 and caught.value.code == "formula"


def test_names_from_every_script_and_with_joiners_are_accepted():
    assert display_name_clean("Zoë O'Brien-Łukasiewicz") == "Zoë O'Brien-Łukasiewicz"
    assert display_name_clean("\u0645\u06cc\u200c\u0631\u0627") == "\u0645\u06cc\u200c\u0631\u0627"  # Persian ZWNJ


def test_my_profile_no_longer_accepts_an_empty_name(client, learner):
    client.force_login(learner)
    data = {"display_name": "", "preferred_language": "en", "country": "", "job_role": ""}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 400
    learner.refresh_from_db()
    assert learner.display_name
