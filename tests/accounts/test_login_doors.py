"""Every login goes through allauth: the site, the Wagtail admin and the Django admin share one door.

The admins' own login pages only redirect to allauth's login (with ``next``), so they share its failed-login
throttle (ACCOUNT_RATE_LIMITS["login_failed"], 5 failures per address in 5 minutes in these settings) and its
rule that an unverified address cannot log in. A POST of credentials to an admin login page logs nobody in.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
THROTTLED = "Too many failed login attempts. Try again later."
DOORS = {"site": "/accounts/login/", "wagtail": "/admin/login/", "django": "/django-admin/login/"}


def _superuser(email: str, *, verified: bool) -> User:
    user = UserFactory(email=email, verified=verified)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def staff():
    """Sam runs the site: a superuser with a verified address."""
    return _superuser("sam@example.org", verified=True)


@pytest.fixture
def unverified_staff():
    """Uma is a superuser whose address was never verified."""
    return _superuser("uma@example.org", verified=False)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def login_form_url(client, door: str) -> str:
    """Open a door; return the URL of the login form it leads to (allauth's, with ``next``)."""
    response = client.get(door)
    if door == DOORS["site"]:
        return door
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL + "?next=")
    return response["Location"]


def test_the_only_authentication_backend_is_allauths(db):
    """No backend besides allauth's checks a password (Django's ModelBackend is not configured); any other backend
    only grants permissions (webinars.permissions.RolesBackend) and authenticates nobody."""
    from django.utils.module_loading import import_string

    from tests.factories import UserFactory

    assert settings.AUTHENTICATION_BACKENDS[0] == "allauth.account.auth_backends.AuthenticationBackend"
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS
    user = UserFactory(email="door@example.org")
    user.set_password("a long enough passphrase")
    user.save()
    for path in settings.AUTHENTICATION_BACKENDS[1:]:
        backend = import_string(path)()
        for credentials in ({"username": user.email, "password": "a long enough passphrase"}, {"email": user.email}):
            assert backend.authenticate(None, **credentials) is None
        assert backend.get_user(user.pk) is None


@pytest.mark.parametrize(("door", "next_url"), [("wagtail", "/admin/"), ("django", "/django-admin/")])
def test_an_admin_login_page_redirects_to_allauths_login_with_next(client, door, next_url):
    response = client.get(DOORS[door])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={next_url.replace('/', '%2F')}"


def test_the_admins_send_anonymous_visitors_to_allauths_login(client):
    """Opening either admin while logged out ends on allauth's login page, with the admin as ``next``."""
    for start, next_url in (("/admin/pages/", "/admin/pages/"), ("/django-admin/accounts/user/", None)):
        response = client.get(start, follow=True)
        final_url, _status = response.redirect_chain[-1]
        assert final_url.startswith(LOGIN_URL + "?next=")
        if next_url:
            assert response.context["redirect_field_value"] == next_url
        assert response.status_code == 200


def test_an_admin_login_page_ignores_a_foreign_next(client):
    response = client.get(DOORS["wagtail"] + "?next=https://evil.example.org/")
    assert response["Location"] == f"{LOGIN_URL}?next=%2Fadmin%2F"


@pytest.mark.parametrize("door", ["wagtail", "django"])
def test_posting_credentials_to_an_admin_login_page_logs_nobody_in(client, staff, door):
    """The admins' own login forms are gone: a POST is redirected, never authenticated."""
    response = client.post(DOORS[door], {"username": "sam@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("door", ["site", "wagtail", "django"])
def test_twenty_wrong_passwords_at_any_door_are_throttled(client, staff, door):
    """After five failures for the address, the other fifteen are refused, and then so is the right password."""
    url = login_form_url(client, DOORS[door])
    refused = 0
    for _attempt in range(20):
        response = client.post(url, {"login": "sam@example.org", "password": "wrong"})
        refused += THROTTLED in response.content.decode()
    assert refused == 15
    response = client.post(url, {"login": "sam@example.org", "password": DEFAULT_PASSWORD})
    assert THROTTLED in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_three_doors_share_one_counter(client, staff):
    """Two failures at the site, two through the Wagtail admin, one through the Django admin: the sixth is refused."""
    urls = [login_form_url(client, DOORS[door]) for door in ("site", "site", "wagtail", "wagtail", "django")]
    for url in urls:
        response = client.post(url, {"login": "sam@example.org", "password": "wrong"})
        assert THROTTLED not in response.content.decode()
    for door in ("site", "wagtail", "django"):
        response = client.post(login_form_url(client, DOORS[door]), {"login": "sam@example.org", "password": "x"})
        assert THROTTLED in response.content.decode()


@pytest.mark.parametrize(("door", "admin_page"), [("wagtail", "/admin/"), ("django", "/django-admin/")])
def test_an_unverified_account_cannot_get_into_an_admin(client, unverified_staff, door, admin_page):
    """The right password of a superuser whose address is not verified does not log in."""
    url = login_form_url(client, DOORS[door])
    response = client.post(url, {"login": "uma@example.org", "password": DEFAULT_PASSWORD}, follow=True)
    assert logged_in_user_id(client) is None
    assert "You cannot log in until you confirm your e-mail address." in response.content.decode()
    response = client.get(admin_page)
    assert response.status_code == 302


@pytest.mark.parametrize(("door", "admin_page"), [("wagtail", "/admin/"), ("django", "/django-admin/")])
def test_a_verified_staff_account_gets_into_the_admin(client, staff, door, admin_page):
    url = login_form_url(client, DOORS[door])
    response = client.post(url, {"login": "sam@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == admin_page
    assert int(logged_in_user_id(client)) == staff.pk
    assert client.get(admin_page).status_code == 200


@pytest.mark.parametrize("door", ["wagtail", "django"])
def test_a_logged_in_person_without_admin_access_is_refused_not_looped(client, door):
    """Mia (no staff rights) asking for an admin gets a 403 page, not a redirect back to the login."""
    client.force_login(UserFactory(email="mia@example.org"))
    response = client.get(DOORS[door] + "?next=/admin/")
    assert response.status_code == 403
    assert "You do not have permission to access the admin." in response.content.decode()


def test_the_wagtail_admin_has_no_password_reset_of_its_own(client):
    assert client.get("/admin/password_reset/").status_code == 404


def test_createsuperuser_accounts_must_verify_before_the_admin(client):
    """A superuser made on the command line has no verified address: the login sends a confirmation instead."""
    User.objects.create_superuser(email="root@example.org", password=DEFAULT_PASSWORD)
    url = login_form_url(client, DOORS["wagtail"])
    client.post(url, {"login": "root@example.org", "password": DEFAULT_PASSWORD})
    assert logged_in_user_id(client) is None
