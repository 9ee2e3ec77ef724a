"""Pages for the person: my profile, my associations, the public association page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")
MY_ASSOCIATIONS_URL = reverse("accounts:my_associations")
PROFILE_DATA = {
    "display_name": "Mia Tamm",
    "institution": "Tartu University Library",
    "country": "ee",
    "job_role": "librarian",
    "preferred_language": "ru",
    "bio": "Cataloguer.",
}


@pytest.mark.parametrize("url", [PROFILE_URL, MY_ASSOCIATIONS_URL])
def test_anonymous_visitor_is_sent_to_login(client, url):
    """My profile and My associations need a login."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_form_shows_the_current_values(client, member):
    """The form is filled with what is saved, with a label for every field and one h1."""
    member.profile.institution = "National Library"
    member.profile.save(update_fields=["institution"])
    client.force_login(member)
    response = client.get(PROFILE_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="National Library"' in content
    assert content.count("<h1") == 1
    assert '<label for="id_country">' in content


def test_profile_is_saved_through_the_form(client, member):
    """Every profile field and the display name are saved; the country code is upper-cased."""
    client.force_login(member)
    response = client.post(PROFILE_URL, PROFILE_DATA)
    assert response.status_code == 302
    member.refresh_from_db()
    profile = member.profile
    assert member.display_name == "Mia Tamm"
    assert (profile.institution, profile.country, profile.job_role) == ("Tartu University Library", "EE", "librarian")
    assert (profile.preferred_language, profile.bio) == ("ru", "Cataloguer.")


@pytest.mark.parametrize(
    ("field", "value"), [("country", "Estonia"), ("preferred_language", "xx"), ("job_role", "wizard")]
)
def test_invalid_profile_values_are_refused_and_nothing_changes(client, member, field, value):
    """A bad value is reported next to its field and nothing is saved."""
    client.force_login(member)
    response = client.post(PROFILE_URL, {**PROFILE_DATA, field: value})
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    member.refresh_from_db()
    assert member.profile.institution == ""


def test_people_made_outside_user_create_get_a_profile_on_first_visit(client, db):
    """Users created without a profile (createsuperuser, admin) get one when they open My profile."""
    from accounts.models import User

    user = User.objects.create_user(email="bare@example.org", password="x" * 20)
    client.force_login(user)
    assert client.get(PROFILE_URL).status_code == 200
    assert user.profile.preferred_language == "en"


def test_my_associations_lists_memberships_with_status_and_manage_links(client, association_admin, association):
    """Every membership is listed with its status; only associations the person administers get a manage link."""
    lapsed_in = AssociationFactory(name="Finnish Library Association")
    MembershipFactory(user=association_admin, association=lapsed_in, status=Membership.Status.LAPSED)
    client.force_login(association_admin)
    content = client.get(MY_ASSOCIATIONS_URL).content.decode()
    assert "Estonian Librarians Association" in content
    assert "Finnish Library Association" in content
    assert "Lapsed" in content
    assert reverse("accounts:member_list", kwargs={"slug": "ela"}) in content
    assert reverse("accounts:member_list", kwargs={"slug": lapsed_in.slug}) not in content


def test_my_associations_offers_no_manage_link_once_the_admin_membership_has_expired(client, association_admin):
    """An administrator whose membership is past its end date manages nothing (the same rule as the member pages)."""
    Membership.objects.filter(user=association_admin).update(valid_until=timezone.localdate() - timedelta(days=1))
    client.force_login(association_admin)
    content = client.get(MY_ASSOCIATIONS_URL).content.decode()
    assert "Estonian Librarians Association" in content
    assert reverse("accounts:member_list", kwargs={"slug": "ela"}) not in content


def test_my_associations_is_only_about_me(client, member, other_admin):
    """Other people's memberships never appear."""
    client.force_login(member)
    content = client.get(MY_ASSOCIATIONS_URL).content.decode()
    assert "Latvian Library Association" not in content


class TestAssociationPage:
    def test_public_page_shows_description_and_website_to_anyone(self, client, association):
        """Anonymous visitors see the description and website, under one h1."""
        association.website = "https://ela.example.org/"
        association.save(update_fields=["website"])
        response = client.get(association.get_absolute_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert "A national association of library" in content
        assert 'href="https://ela.example.org/"' in content
        assert content.count("<h1") == 1

    def test_logo_has_alternative_text(self, client, association):
        """The logo's alt text names the association."""
        association.logo = "associations/logos/ela.png"
        association.save(update_fields=["logo"])
        content = client.get(association.get_absolute_url()).content.decode()
        assert 'alt="Logo of Estonian Librarians Association"' in content

    def test_admin_sees_the_manage_link(self, client, association, association_admin):
        """The association's administrator gets a link to manage members."""
        client.force_login(association_admin)
        content = client.get(association.get_absolute_url()).content.decode()
        assert reverse("accounts:member_list", kwargs={"slug": "ela"}) in content

    @pytest.mark.parametrize("persona", ["member", "board_member", "other_admin", "outsider"])
    def test_others_do_not_see_the_manage_link(self, client, association, request, persona):
        """Members, board members, other associations' admins and outsiders get no manage link."""
        client.force_login(request.getfixturevalue(persona))
        content = client.get(association.get_absolute_url()).content.decode()
        assert reverse("accounts:member_list", kwargs={"slug": "ela"}) not in content

    def test_unknown_association_is_404(self, client, db):
        """An unknown slug is 404."""
        assert client.get(reverse("accounts:association_detail", kwargs={"slug": "nope"})).status_code == 404

    def test_page_is_translated_under_ru(self, client, association, association_admin):
        """Under /ru/ the page is served in Russian."""
        client.force_login(association_admin)
        response = client.get("/ru" + association.get_absolute_url())
        assert response.status_code == 200
        assert '<html lang="ru"' in response.content.decode()
