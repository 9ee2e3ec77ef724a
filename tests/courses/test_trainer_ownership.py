"""Trainers own their courses in Wagtail: they create courses in the catalogue and edit, preview and publish only
the courses they train (and those courses' lessons). Every refusal is checked on the server, by posting to the
admin URL as the wrong person and finding nothing changed. Nobody deletes a page that holds learners' records."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Membership
from cms.services import trainers_grant_section
from courses.models import CoursePage, LessonPage
from courses.services import enrolment_create
from tests.courses.admin_posts import add_url, edit_url, form_data, publish
from tests.courses.factories import catalogue, course_create, lesson_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def granted(db):
    """The Trainers group's rights on the catalogue, as the data migration and seed_demo grant them."""
    trainers_grant_section(page=catalogue())


@pytest.fixture
def other_trainer(db):
    """In the Trainers group, but not a trainer of ``course``."""
    user = UserFactory(email="olga.trainer@example.org")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


@pytest.fixture
def site_admin(db):
    user = UserFactory(email="root@example.org")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def _state(page):
    page.refresh_from_db()
    return (page.title, page.live, page.latest_revision_id, page.live_revision_id)


# --------------------------------------------------------------------------------------------- own courses


def test_a_trainer_opens_the_editor_and_the_preview_of_their_course_and_its_lessons(client, trainer, course):
    client.force_login(trainer)
    lesson = LessonPage.objects.child_of(course).first()

    assert client.get(edit_url(course)).status_code == 200
    assert client.get(edit_url(lesson)).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk])).status_code == 200
    assert client.get(add_url(LessonPage, course)).status_code == 200


def test_a_trainer_publishes_a_change_to_their_course_through_the_admin(client, trainer, course):
    client.force_login(trainer)
    data = publish(form_data(client, edit_url(course), CoursePage, title="Checking sources, revised"))

    response = client.post(edit_url(course), data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Checking sources, revised" and course.live


def test_a_trainer_adds_and_publishes_a_lesson_in_their_course(client, trainer, course):
    client.force_login(trainer)
    url = add_url(LessonPage, course)
    data = publish(form_data(client, url, LessonPage, title="Lateral reading", slug="lateral-reading"))

    assert client.post(url, data).status_code == 302
    assert LessonPage.objects.child_of(course).live().filter(title="Lateral reading").exists()


def test_a_trainer_who_creates_a_course_becomes_its_trainer(client, trainer, association):
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    client.force_login(trainer)
    url = add_url(CoursePage, catalogue())
    data = form_data(
        client,
        url,
        CoursePage,
        title="Open data for librarians",
        slug="open-data",
        summary="Finding and reusing open data.",
        issuer=association.pk,
        cpd_hours="3",
        track="future-lis-skills",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    created = CoursePage.objects.get(slug="open-data")
    assert list(created.trainers.all()) == [trainer]
    assert created.permissions_for_user(trainer).can_edit()
    assert client.get(edit_url(created)).status_code == 200


def test_a_trainer_deletes_a_lesson_of_their_course_that_no_learner_opened(client, trainer, course):
    lesson = lesson_create(course, title="Spare lesson")
    client.force_login(trainer)

    response = client.post(reverse("wagtailadmin_pages:delete", args=[lesson.pk]))

    assert response.status_code == 302
    assert not LessonPage.objects.filter(pk=lesson.pk).exists()


def test_the_explorer_lists_only_the_courses_a_trainer_trains(client, trainer, course, association):
    course_create(issuer=association, title="Somebody else's course")
    client.force_login(trainer)

    html = client.get(reverse("wagtailadmin_explore", args=[catalogue().pk])).content.decode()

    assert "Checking sources" in html
    assert "Somebody else&#x27;s course" not in html and "Somebody else's course" not in html


# ------------------------------------------------------------------------------------------ others' courses


@pytest.mark.parametrize("page_kind", ["course", "lesson"])
def test_another_trainer_cannot_open_or_post_the_edit_form(client, trainer, other_trainer, course, page_kind):
    page = course if page_kind == "course" else LessonPage.objects.child_of(course).first()
    model = CoursePage if page_kind == "course" else LessonPage
    client.force_login(trainer)
    data = publish(form_data(client, edit_url(page), model, title="Hijacked"))
    before = _state(page)
    client.force_login(other_trainer)

    assert client.get(edit_url(page)).status_code in (302, 403)
    response = client.post(edit_url(page), data)

    assert response.status_code in (302, 403)
    assert _state(page) == before
    assert not page.permissions_for_user(other_trainer).can_edit()


@pytest.mark.parametrize("action", ["unpublish", "delete"])
@pytest.mark.parametrize("page_kind", ["course", "lesson"])
def test_another_trainer_cannot_unpublish_or_delete(client, other_trainer, course, action, page_kind):
    page = course if page_kind == "course" else LessonPage.objects.child_of(course).first()
    client.force_login(other_trainer)

    response = client.post(reverse(f"wagtailadmin_pages:{action}", args=[page.pk]))

    assert response.status_code in (302, 403)
    assert CoursePage.objects.filter(pk=course.pk, live=True).exists()
    assert type(page).objects.filter(pk=page.pk, live=True).exists()


def test_another_trainer_cannot_publish_through_the_bulk_action_or_add_a_lesson(client, other_trainer, course):
    lesson = LessonPage.objects.child_of(course).first()
    lesson.title = "Draft by the real trainer"
    lesson.save_revision()
    client.force_login(other_trainer)

    client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={lesson.pk}",
        {"include_descendants": ""},
    )
    response = client.post(add_url(LessonPage, course), {"title": "Intruder", "slug": "intruder"})

    lesson.refresh_from_db()
    assert lesson.title != "Draft by the real trainer"
    assert response.status_code in (302, 403)
    assert not LessonPage.objects.filter(slug="intruder").exists()


def test_a_trainer_cannot_edit_the_catalogue_page_itself(client, trainer, course):
    page = catalogue()
    client.force_login(trainer)

    assert client.get(edit_url(page)).status_code in (302, 403)
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk])).status_code in (302, 403)
    page.refresh_from_db()
    assert page.live
    permissions = page.permissions_for_user(trainer)
    assert permissions.can_add_subpage() and not permissions.can_edit() and not permissions.can_delete()


def test_a_learner_without_admin_access_reaches_no_editor(client, learner, course):
    client.force_login(learner)

    response = client.get(edit_url(course))

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# ------------------------------------------------------------------------------------- learners' records


@pytest.fixture
def with_learner(course, learner):
    enrolment_create(learner=learner, course=course)
    return learner


@pytest.mark.parametrize("action", ["unpublish", "delete"])
def test_its_own_trainer_cannot_delete_or_unpublish_a_course_with_enrolments(
    client, trainer, course, with_learner, action
):
    client.force_login(trainer)

    response = client.post(reverse(f"wagtailadmin_pages:{action}", args=[course.pk]))

    assert response.status_code in (302, 403)
    assert CoursePage.objects.filter(pk=course.pk, live=True).exists()


def test_nobody_deletes_a_course_with_learners_records_not_even_a_site_admin(client, site_admin, course, with_learner):
    client.force_login(site_admin)

    response = client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))

    assert response.status_code in (302, 403)
    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert not course.permissions_for_user(site_admin).can_delete()


def test_nobody_deletes_the_catalogue_above_a_course_with_learners_records(client, site_admin, course, with_learner):
    client.force_login(site_admin)

    response = client.post(reverse("wagtailadmin_pages:delete", args=[catalogue().pk]), follow=True)

    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert "holds learners&#x27; enrolments, progress or completions, so it cannot be deleted" in (
        response.content.decode()
    )


def test_the_bulk_delete_above_a_course_with_learners_records_is_refused_too(client, site_admin, course, with_learner):
    """The explorer's bulk delete met PROTECT (a 500, nothing deleted); it is refused with the same message."""
    client.force_login(site_admin)
    parent = catalogue()
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    next_url = reverse("wagtailadmin_explore", args=[parent.get_parent().pk])

    response = client.post(f"{url}?id={parent.pk}&next={next_url}", follow=True)

    assert response.status_code == 200
    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert "holds learners&#x27; enrolments, progress or completions, so it cannot be deleted" in (
        response.content.decode()
    )


def test_a_lesson_a_learner_opened_cannot_be_deleted_by_its_trainer(client, trainer, course, with_learner):
    from courses.services import lesson_visit_record

    lesson = LessonPage.objects.child_of(course).first()
    lesson_visit_record(learner=with_learner, lesson=lesson)
    client.force_login(trainer)

    client.post(reverse("wagtailadmin_pages:delete", args=[lesson.pk]))

    assert LessonPage.objects.filter(pk=lesson.pk).exists()


def test_a_site_admin_unpublishes_a_course_with_learners_records(client, site_admin, course, with_learner):
    client.force_login(site_admin)

    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[course.pk]))

    assert response.status_code == 302
    course.refresh_from_db()
    assert not course.live


def test_the_database_protects_learners_records_from_a_page_deleted_in_code(course, with_learner):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        CoursePage.objects.get(pk=course.pk).delete()


def test_a_trainer_submits_their_course_for_moderation(client, trainer, course):
    """Wagtail's default workflow (set on the tree root) takes the trainer's submission."""
    client.force_login(trainer)
    data = form_data(client, edit_url(course), CoursePage, title="Checking sources, for review")
    data["action-submit"] = "action-submit"

    response = client.post(edit_url(course), data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.workflow_in_progress
    assert course.title == "Checking sources"  # live until a moderator approves
