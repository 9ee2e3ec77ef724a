"""Views for what is not a page: enrol, leave, mark complete, quiz submission, My learning, and the trainer's course
dashboard (roster, one learner's attempts, un-enrol, gradebook, CSV exports)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.refusals import Refusal, refusal_message
from cms.sites import site_remember
from courses.dashboard import course_gradebook, course_roster, learner_attempts
from courses.exports import gradebook_csv, roster_csv
from courses.forms import EnrolByEmailForm
from courses.models import CoursePage, LessonPage
from courses.permissions import is_course_staff
from courses.selectors import learning_dashboard
from courses.services import (
    enrolment_create,
    enrolment_leave,
    enrolment_remove,
    lesson_complete,
    quiz_attempt_submit,
)


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().select_related("issuer"), pk=course_id)


@login_required
@require_POST
def enrol(request, course_id: int):
    course = _live_course(course_id)
    try:
        enrolment_create(learner=request.user, course=course)
    except Refusal as error:
        refusal_message(request, error)
    else:
        messages.success(request, _("You are enrolled in “%(title)s”.") % {"title": course.title})
    return redirect(course.url)


@login_required
@require_POST
def leave(request, course_id: int):
    course = _live_course(course_id)
    try:
        enrolment_leave(learner=request.user, course=course)
    except Refusal as error:
        refusal_message(request, error)
    else:
        messages.success(
            request, _("You left “%(title)s”. Your progress is kept if you join again.") % {"title": course.title}
        )
    return redirect(course.url)


@login_required
@require_POST
def lesson_mark_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        completion = lesson_complete(learner=request.user, lesson=lesson)
    except Refusal as error:
        refusal_message(request, error)
        return redirect(lesson.url)
    messages.success(request, _("Lesson marked complete."))
    if completion is not None:
        return redirect(lesson.course().url)
    return redirect(lesson.url)


@login_required
@require_POST
def quiz_submit(request, lesson_id: int, block_id: str):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    data = {key: request.POST.getlist(key) for key in request.POST if key.startswith("q")}
    try:
        attempt = quiz_attempt_submit(
            learner=request.user,
            lesson_id=lesson.pk,
            block_id=block_id,
            token=request.POST.get("attempt_token", ""),
            data=data,
        )
    except Refusal as error:
        refusal_message(request, error)
    else:
        if attempt.passed:
            messages.success(request, _("You scored %(score)d%%: passed.") % {"score": attempt.score})
        else:
            messages.warning(request, _("You scored %(score)d%%: not passed yet.") % {"score": attempt.score})
    return redirect(f"{lesson.url}#quiz-{block_id}")


def _course_run_by(user, course_id: int) -> CoursePage:
    """The live course, if this person runs it (its trainers, officers of its issuer, site administrators)."""
    course = _live_course(course_id)
    if not is_course_staff(user=user, course=course):
        raise PermissionDenied
    return course


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def roster(request, course_id: int):
    course = _course_run_by(request.user, course_id)
    form = EnrolByEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["learner"]
        try:
            enrolment_create(learner=learner, course=course, actor=request.user)
        except Refusal as error:
            refusal_message(request, error)
        else:
            messages.success(request, _("%(person)s is enrolled.") % {"person": learner.get_full_name()})
            return redirect("courses:roster", course_id=course.pk)
    context = {"course": course, "form": form, **course_roster(course=course)}
    return render(request, "courses/roster.html", context)


@login_required
def roster_export(request, course_id: int):
    course = _course_run_by(request.user, course_id)
    return _csv_response(roster_csv(course_roster(course=course)), f"participants-{course.pk}.csv")


def _participant(course: CoursePage, learner_id: int):
    """A learner who is or was enrolled in the course (404 for anyone else: the roster never listed them)."""
    return get_object_or_404(get_user_model(), pk=learner_id, enrolments__course=course.canonical())


@login_required
def participant(request, course_id: int, learner_id: int):
    course = _course_run_by(request.user, course_id)
    learner = _participant(course, learner_id)
    context = {"course": course, "learner": learner, **learner_attempts(course=course, learner=learner)}
    return render(request, "courses/participant.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participant_remove(request, course_id: int, learner_id: int):
    """GET: what un-enrolling will do, and a button; POST: do it."""
    course = _course_run_by(request.user, course_id)
    learner = _participant(course, learner_id)
    if request.method == "POST":
        try:
            enrolment_remove(actor=request.user, course=course, learner=learner)
        except Refusal as error:
            refusal_message(request, error)
        else:
            messages.success(
                request,
                _("%(person)s is no longer enrolled in “%(title)s”.")
                % {"person": learner.get_full_name() or learner.email, "title": course.title},
            )
        return redirect("courses:roster", course_id=course.pk)
    enrolment = learner.enrolments.get(course=course)
    return render(
        request, "courses/participant_remove.html", {"course": course, "learner": learner, "enrolment": enrolment}
    )


@login_required
def gradebook(request, course_id: int):
    course = _course_run_by(request.user, course_id)
    return render(request, "courses/gradebook.html", {"course": course, **course_gradebook(course=course)})


@login_required
def gradebook_export(request, course_id: int):
    course = _course_run_by(request.user, course_id)
    return _csv_response(gradebook_csv(course_gradebook(course=course)), f"gradebook-{course.pk}.csv")


@login_required
def my_learning(request):
    site_remember(request)  # the courses' and lessons' links ask for the site: from the cache, not a query
    return render(request, "courses/learning.html", learning_dashboard(user=request.user))
