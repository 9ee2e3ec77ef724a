"""The issuer of a course signs its certificates: only an association where the editor may issue (an officer or
a trainer of it) may be named, checked on the server; once the course is live, its issuer and CPD hours change
only by an officer of the issuer (or a site administrator). The exact attack of the audit now fails."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from accounts.models import Membership
from certificates.models import Certificate
from cms.services import trainers_grant_section
from courses.models import CoursePage
from tests.courses.admin_posts import add_url, edit_url, form_data, publish
from tests.courses.factories import catalogue, course_create
from tests.courses.test_completion import _finish
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def granted(db):
    trainers_grant_section(page=catalogue())


def _issuer_options(html: str) -> set[str]:
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "issuer"})
    return {option["value"] for option in select.find_all("option") if option["value"]}


def _stored(course):
    return CoursePage.objects.values_list("issuer_id", "cpd_hours", "live_revision_id").get(pk=course.pk)


def test_the_audited_attack_fails_and_no_certificate_is_issued_in_the_other_associations_name(
    client,
    trainer,
    course,
    other_association,
    enrolled,
    reading_lesson,
    quiz_lesson,
    django_capture_on_commit_callbacks,
):
    """A trainer in no association sets another association as issuer and 99 CPD hours, then completes the course."""
    client.force_login(trainer)
    before = _stored(course)
    data = publish(form_data(client, edit_url(course), CoursePage, issuer=other_association.pk, cpd_hours="99"))

    response = client.post(edit_url(course), data)

    assert response.status_code == 200  # the form again, with the reasons
    errors = response.context["form"].errors
    assert "issuer" in errors and "cpd_hours" in errors
    assert _stored(course) == before
    with django_capture_on_commit_callbacks(execute=True):
        _finish(enrolled, reading_lesson, quiz_lesson)
    certificate = Certificate.objects.get(recipient=enrolled)
    assert certificate.issuer == course.issuer and certificate.cpd_hours == Decimal("4")
    assert not Certificate.objects.filter(issuer=other_association).exists()


def test_the_issuer_list_offers_only_associations_where_the_editor_may_issue(client, trainer, association):
    mine = AssociationFactory(name="Trainer's own association")
    MembershipFactory(user=trainer, association=mine, role=Membership.Role.TRAINER)
    MembershipFactory(user=trainer, association=association, role=Membership.Role.MEMBER)
    AssociationFactory(name="Unrelated association")
    client.force_login(trainer)

    html = client.get(add_url(CoursePage, catalogue())).content.decode()

    assert _issuer_options(html) == {str(mine.pk)}


def test_a_forged_issuer_on_a_new_course_is_refused_and_nothing_is_created(client, trainer, association):
    """Posting an association the list did not offer (a plain membership is not enough) creates nothing."""
    MembershipFactory(user=trainer, association=association, role=Membership.Role.MEMBER)
    MembershipFactory(user=trainer, role=Membership.Role.TRAINER)  # of another association: the form opens
    client.force_login(trainer)
    url = add_url(CoursePage, catalogue())
    data = form_data(
        client, url, CoursePage, title="Forged", slug="forged", summary="x", issuer=association.pk, cpd_hours="99"
    )

    response = client.post(url, publish(data))

    assert response.status_code == 200
    assert "issuer" in response.context["form"].errors
    assert not CoursePage.objects.filter(slug="forged").exists()


def test_the_form_refuses_a_foreign_issuer_even_when_offered_by_a_widened_list(trainer, course, other_association):
    """clean() checks the rule itself, not only the choices: the server-side check stands alone."""
    form_class = CoursePage.get_edit_handler().get_form_class()
    form = form_class(instance=course, for_user=trainer, parent_page=catalogue())
    form.fields["issuer"].queryset = type(other_association).objects.all()  # as if the filter were missing
    form.cleaned_data = {"issuer": other_association, "cpd_hours": course.cpd_hours, "trainers": [trainer]}
    form._errors = {}

    form.clean()

    assert "issuer" in form.errors
    assert "You may name only an association where you are an officer or a trainer" in str(form.errors["issuer"])


def test_an_association_trainer_cannot_change_the_hours_of_a_live_course(client, trainer, course, association):
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    client.force_login(trainer)
    before = _stored(course)

    response = client.post(edit_url(course), publish(form_data(client, edit_url(course), CoursePage, cpd_hours="40")))

    assert response.status_code == 200
    message = str(response.context["form"].errors["cpd_hours"])
    assert "only an officer of Estonian Librarians Association may change its CPD hours" in message
    assert _stored(course) == before


def test_a_trainer_cannot_launder_new_hours_through_a_draft(client, trainer, course, association):
    """A draft revision with other hours is compared with the live row, so saving the draft is refused too."""
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    client.force_login(trainer)
    before = _stored(course)

    response = client.post(edit_url(course), form_data(client, edit_url(course), CoursePage, cpd_hours="40"))

    assert response.status_code == 200 and "cpd_hours" in response.context["form"].errors
    assert _stored(course) == before
    assert CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object().cpd_hours == Decimal("4")


def test_an_officer_who_trains_the_course_changes_the_hours_of_a_live_course(client, trainer, course, association):
    MembershipFactory(user=trainer, association=association, role=Membership.Role.BOARD)
    client.force_login(trainer)

    response = client.post(edit_url(course), publish(form_data(client, edit_url(course), CoursePage, cpd_hours="6")))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.cpd_hours == Decimal("6")


def test_a_trainer_sets_the_hours_of_a_course_not_yet_published(client, trainer, association):
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    draft = course_create(issuer=association, title="Draft course", trainers=[trainer])
    draft.unpublish()
    client.force_login(trainer)

    response = client.post(edit_url(draft), form_data(client, edit_url(draft), CoursePage, cpd_hours="12"))

    assert response.status_code == 302
    assert CoursePage.objects.get(pk=draft.pk).get_latest_revision_as_object().cpd_hours == Decimal("12")


def test_an_unrelated_edit_saves_when_the_trainer_may_no_longer_issue_for_the_issuer(client, trainer, course):
    """The course's current issuer stays selectable, so a title fix does not force a new issuer."""
    client.force_login(trainer)

    response = client.post(edit_url(course), publish(form_data(client, edit_url(course), CoursePage, title="Fixed")))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Fixed" and course.issuer_id == _stored(course)[0]


def test_a_trainer_who_may_name_no_issuer_is_told_so_instead_of_an_empty_form(client, trainer, association):
    MembershipFactory(user=trainer, association=association, role=Membership.Role.MEMBER)
    client.force_login(trainer)
    url = add_url(CoursePage, catalogue())

    response = client.get(url, follow=True)

    assert "you are not a trainer or an officer of any" in response.content.decode()
    assert client.post(url, {"title": "x", "slug": "x", "issuer": association.pk}).status_code == 302
    assert not CoursePage.objects.filter(slug="x").exists()


def test_a_trainer_cannot_set_the_hours_of_a_draft_course_in_a_name_they_may_not_issue_in(client, trainer, association):
    """An officer set the course up and listed the trainer; the hours stay the officer's to set."""
    draft = course_create(issuer=association, title="Officer's draft", trainers=[trainer])
    draft.unpublish()
    client.force_login(trainer)

    response = client.post(edit_url(draft), form_data(client, edit_url(draft), CoursePage, cpd_hours="99"))

    assert response.status_code == 200
    assert "You may set the CPD hours only of courses issued by" in str(response.context["form"].errors)
    assert CoursePage.objects.get(pk=draft.pk).get_latest_revision_as_object().cpd_hours == Decimal("4")


def test_a_trainer_cannot_copy_a_course_into_a_new_one_in_a_name_they_may_not_issue_in(client, trainer, course):
    """The copy view publishes without the edit form; the hook refuses it, and no course appears."""
    from django.urls import reverse

    client.force_login(trainer)
    before = CoursePage.objects.count()

    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[course.pk]),
        {
            "new_title": "Copy",
            "new_slug": "copy",
            "new_parent_page": catalogue().pk,
            "copy_subpages": "on",
            "publish_copies": "on",
        },
        follow=True,
    )

    assert "may start a new course in its name" in response.content.decode()
    assert CoursePage.objects.count() == before
