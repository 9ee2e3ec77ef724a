"""axe-core in Chromium finds no serious or critical problem on the accounts pages, in English and Russian.

Pages are rendered by the test client (logged in, inside the test's transaction), then loaded into Debian's
Chromium with the site's and the accounts CSS, so axe sees the real markup and colours. No live server:
a transactional test would flush what migrations seeded for the other tests.
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership
from tests.factories import MembershipFactory

CSS = [settings.BASE_DIR / "static" / "css" / "site.css", settings.BASE_DIR / "static" / "css" / "accounts.css"]

pytestmark = [pytest.mark.browser]


def serious_violations(page, axe, rendered: dict[str, str]) -> dict[str, str]:
    """Run axe on each rendered page (with the site's CSS); return the serious and critical violations by page."""
    css = "\n".join(path.read_text() for path in CSS)
    problems = {}
    for name, html in rendered.items():
        page.set_content(html)
        page.add_style_tag(content=css)
        if found := axe(page):
            problems[name] = str(found)
    return problems


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def test_the_axe_check_finds_a_known_problem(page, axe):
    """Guards the guard: an unlabelled input is reported."""
    assert serious_violations(page, axe, {"broken": '<html lang="en"><title>x</title><main><input></main></html>'})


@pytest.mark.parametrize("language", ["en", "ru"])
def test_member_administration_and_personal_pages_have_no_serious_violations(
    page, axe, client, association, association_admin, language
):
    """Roster, member page, invite, import, profile, my associations and the public page, as the admin."""
    pending = MembershipFactory(association=association, status=Membership.Status.PENDING)
    MembershipFactory(association=association, status=Membership.Status.LAPSED, role=Membership.Role.BOARD)
    client.force_login(association_admin)
    slug = association.slug
    paths = [
        url("accounts:member_list", language, slug=slug),
        url("accounts:member_detail", language, slug=slug, membership_id=pending.pk),
        url("accounts:member_invite", language, slug=slug),
        url("accounts:member_import", language, slug=slug),
        url("accounts:profile", language),
        url("accounts:my_associations", language),
        url("accounts:association_detail", language, slug=slug),
        url("accounts:association_dashboard", language, slug=slug),
        url("accounts:member_approve", language, slug=slug, membership_id=pending.pk),
    ]
    rendered = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        rendered[path] = response.content.decode()
    assert serious_violations(page, axe, rendered) == {}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_sign_in_pages_have_no_serious_violations(page, axe, client, db, language):
    """Our allauth overrides: login, sign-up, password reset, e-mail verification sent, inactive."""
    names = ["account_login", "account_signup", "account_reset_password", "account_email_verification_sent"]
    rendered = {name: client.get(url(name, language)).content.decode() for name in [*names, "account_inactive"]}
    assert serious_violations(page, axe, rendered) == {}


def test_forms_with_errors_have_no_serious_violations(page, axe, client, association_admin, member):
    """Refused login, invite and terms forms and the CSV problem report stay accessible."""
    login = client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"})
    client.force_login(association_admin)
    invite = client.post(reverse("accounts:member_invite", kwargs={"slug": "ela"}), {"email": "bad", "role": "member"})
    terms = client.post(
        reverse("accounts:member_change_terms", kwargs={"slug": "ela", "membership_id": member.memberships.get().pk}),
        {"vote_weight": "-1", "valid_until": "not a date"},
    )
    upload = SimpleUploadedFile("m.csv", b"email,role\r\nbad,king\r\n", content_type="text/csv")
    report = client.post(reverse("accounts:member_import", kwargs={"slug": "ela"}), {"file": upload})
    assert [r.status_code for r in (login, invite, terms, report)] == [200, 400, 400, 400]
    rendered = {
        "login": login.content.decode(),
        "invite": invite.content.decode(),
        "terms": terms.content.decode(),
        "import report": report.content.decode(),
    }
    assert serious_violations(page, axe, rendered) == {}
