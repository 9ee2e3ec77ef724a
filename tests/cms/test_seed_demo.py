"""seed_demo builds the whole demo, prints the logins, and running it again duplicates nothing."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page, Revision, Site

from accounts.models import Association, Membership, User
from accounts.roles import may_issue_for
from cms.models import FooterText, HomePage, MenuLink, StandardPage, TrackPage
from lms.demo import DEMO_PASSWORD


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "sites": Site.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "associations": Association.objects.count(),
        "memberships": Membership.objects.count(),
        "menu_links": MenuLink.objects.count(),
        "footer_texts": FooterText.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded_twice(django_db_setup, django_db_blocker):
    """Counts after one and after two runs, and the second run's output; rolled back afterwards."""
    from django.db import transaction
    from django.test import override_settings

    from tests.cms.conftest import FAST_HASHERS

    with django_db_blocker.unblock(), transaction.atomic(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=StringIO())
        first = _counts()
        output = StringIO()
        call_command("seed_demo", stdout=output)
        yield {"first": first, "second": _counts(), "output": output.getvalue()}
        transaction.set_rollback(True)


def test_running_seed_demo_twice_creates_no_duplicates(seeded_twice):
    assert seeded_twice["second"] == seeded_twice["first"]


def test_seed_demo_builds_the_site_pages_in_two_languages(seeded_twice, db):
    """Home, three tracks and About in English and Russian (the courses step adds the catalogue and courses)."""
    site_pages = [HomePage, TrackPage, StandardPage]
    assert sum(model.objects.count() for model in site_pages) == 2 * 5
    assert seeded_twice["first"]["footer_texts"] == 2
    assert seeded_twice["first"]["menu_links"] == 5  # three tracks, About, and the course catalogue


def test_seed_demo_prints_a_table_of_logins(seeded_twice):
    output = seeded_twice["output"]
    assert "E-mail" in output and "Password" in output and "Role" in output
    for email, role in [
        ("admin@lis-commons.local", "site administrator (superuser)"),
        ("association.admin@lis-commons.local", "association administrator"),
        ("board@lis-commons.local", "board member"),
        ("trainer@lis-commons.local", "trainer (Trainers group; trainer of the association)"),
        ("learner@lis-commons.local", "learner"),
    ]:
        line = next(line for line in output.splitlines() if line.startswith(email))
        assert DEMO_PASSWORD in line
        assert line.rstrip().endswith(role)


def test_seed_demo_prints_where_the_site_is_served(seeded_twice, settings):
    """`make run PORT=8124` sets SITE_URL to that address: the line says where to go, not always port 8000."""
    assert f"Demo ready on {settings.SITE_URL}/ (Russian: {settings.SITE_URL}/ru/)." in seeded_twice["output"]


def test_the_association_has_an_admin_a_board_member_a_trainer_and_three_members(seeded_twice, db):
    association = Association.objects.get(slug="baltic-library-association")
    roles = sorted(association.memberships.filter(status=Membership.Status.ACTIVE).values_list("role", flat=True))

    assert association.website and association.description
    assert roles == ["admin", "board", "member", "member", "member", "trainer"]


def test_the_superuser_and_the_trainer_have_their_powers(seeded_twice, db):
    admin = User.objects.get(email="admin@lis-commons.local")
    trainer = User.objects.get(email="trainer@lis-commons.local")

    assert admin.is_superuser and admin.is_staff
    assert trainer.groups.filter(name="Trainers").exists()
    # add, change and publish on the course catalogue, in both languages, and on no other page
    assert Group.objects.get(name="Trainers").page_permissions.count() == 1 * 2 * 3
    assert may_issue_for(trainer, Association.objects.get(slug="baltic-library-association"))
    assert all(hasattr(user, "profile") for user in User.objects.all())


def test_every_demo_person_can_log_in_with_the_printed_password(seeded_twice, client):
    """Through allauth's own login form: the e-mail addresses are verified."""
    response = client.post("/accounts/login/", {"login": "learner@lis-commons.local", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert client.get("/").context["user"].email == "learner@lis-commons.local"
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()


def test_the_demo_trainer_walks_as_the_readme_says(seeded_twice, client):
    """Logs in, edits the demo courses they train (and starts new ones in the association's name), opens no track
    page, and manages the certificates of their courses."""
    from courses.models import CourseIndexPage, CoursePage

    trainer = User.objects.get(email="trainer@lis-commons.local")
    client.force_login(trainer)
    course = CoursePage.objects.get(slug="verifying-information")
    catalogue = CourseIndexPage.objects.get(locale__language_code="en")
    track = TrackPage.objects.filter(locale__language_code="en").first()

    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/courses/coursepage/{catalogue.pk}/").status_code == 200
    assert client.get(f"/admin/pages/{track.pk}/edit/").status_code in (302, 403)
    assert client.get("/certificates/manage/").status_code == 200
