"""Enrolment rules: open, members only, closed, leaving and joining again, staff enrolling others."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Membership
from accounts.refusals import Refusal
from courses.models import Enrolment, EnrolmentMode
from courses.services import course_completion_refresh, enrolment_create, enrolment_leave
from tests.courses.factories import course_create, lesson_create

pytestmark = pytest.mark.django_db


def test_a_learner_enrols_in_an_open_course(learner, course):
    """Self-enrolment in an open course creates an active enrolment made by nobody else."""
    enrolment = enrolment_create(learner=learner, course=course)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.enrolled_by is None


def test_enrolling_twice_returns_the_same_enrolment(learner, course):
    """A double click does not create a second enrolment."""
    first = enrolment_create(learner=learner, course=course)
    second = enrolment_create(learner=learner, course=course)
    assert first.pk == second.pk
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 1


def test_the_database_refuses_a_second_enrolment_row(learner, course):
    """One enrolment per learner and course is a database constraint, not only a Python check."""
    enrolment_create(learner=learner, course=course)
    with pytest.raises(IntegrityError):
        Enrolment.objects.create(learner=learner, course=course, enrolled_at=timezone.now())


def test_a_learner_leaves_and_joins_again(learner, course):
    """Leaving keeps the row; joining again reactivates it."""
    enrolment_create(learner=learner, course=course)
    left = enrolment_leave(learner=learner, course=course)
    assert left.status == Enrolment.Status.LEFT
    assert left.left_at is not None
    again = enrolment_create(learner=learner, course=course)
    assert again.pk == left.pk
    assert again.status == Enrolment.Status.ACTIVE
    assert again.left_at is None


def test_leaving_a_course_one_is_not_in_is_refused(learner, course):
    with pytest.raises(Refusal):
        enrolment_leave(learner=learner, course=course)


def test_a_member_only_course_refuses_a_learner_without_membership(outsider, association):
    """Members-only courses check for a current membership of the issuing association."""
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.MEMBERS)
    with pytest.raises(Refusal, match="current members"):
        enrolment_create(learner=outsider, course=course)
    assert not Enrolment.objects.exists()


def test_a_member_only_course_admits_a_current_member(member, association):
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.MEMBERS)
    assert enrolment_create(learner=member, course=course).is_active


def test_a_member_only_course_refuses_lapsed_and_expired_memberships(member, association):
    """A lapsed membership, or one past its validity date, is not current."""
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.MEMBERS)
    membership = Membership.objects.get(user=member, association=association)
    membership.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    membership.save(update_fields=["valid_until"])
    with pytest.raises(Refusal):
        enrolment_create(learner=member, course=course)
    membership.valid_until = None
    membership.status = Membership.Status.LAPSED
    membership.save(update_fields=["valid_until", "status"])
    with pytest.raises(Refusal):
        enrolment_create(learner=member, course=course)


def test_a_membership_of_another_association_does_not_count(other_admin, association):
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.MEMBERS)
    with pytest.raises(Refusal):
        enrolment_create(learner=other_admin, course=course)


def test_a_closed_course_refuses_self_enrolment(learner, association):
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.CLOSED)
    with pytest.raises(Refusal, match="invitation"):
        enrolment_create(learner=learner, course=course)
    assert not Enrolment.objects.exists()


def test_a_trainer_enrols_a_learner_in_a_closed_course(learner, trainer, association):
    """Course staff enrol anyone, whatever the enrolment mode; the enrolment names who did it."""
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.CLOSED, trainers=[trainer])
    enrolment = enrolment_create(learner=learner, course=course, actor=trainer)
    assert enrolment.enrolled_by == trainer


def test_an_association_admin_enrols_a_non_member_in_a_member_only_course(outsider, association_admin, association):
    course = course_create(issuer=association, enrolment_mode=EnrolmentMode.MEMBERS)
    assert enrolment_create(learner=outsider, course=course, actor=association_admin).is_active


def test_a_learner_cannot_enrol_someone_else(learner, outsider, course):
    with pytest.raises(Refusal):
        enrolment_create(learner=outsider, course=course, actor=learner)
    assert not Enrolment.objects.exists()


def test_an_admin_of_another_association_cannot_enrol_people(outsider, other_admin, course):
    with pytest.raises(Refusal):
        enrolment_create(learner=outsider, course=course, actor=other_admin)


def test_a_course_past_its_end_date_refuses_self_enrolment(learner, association):
    course = course_create(issuer=association, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Refusal, match="ended"):
        enrolment_create(learner=learner, course=course)


def test_prerequisites_must_be_completed_before_self_enrolment(learner, association):
    """A course with prerequisites admits learners who completed them."""
    basics = course_create(issuer=association, title="Basics")
    lesson = lesson_create(basics)
    advanced = course_create(issuer=association, title="Advanced")
    advanced.prerequisites.set([basics])
    advanced.save()
    with pytest.raises(Refusal, match="Basics"):
        enrolment_create(learner=learner, course=advanced)
    enrolment_create(learner=learner, course=basics)
    from courses.services import lesson_complete

    lesson_complete(learner=learner, lesson=lesson)
    assert course_completion_refresh(learner=learner, course=basics) is not None
    assert enrolment_create(learner=learner, course=advanced).is_active
