"""Issue 8, finding 2: a course and its translations are ONE course.

One enrolment, one progress, one completion, one certificate (printed in the language the learner finished in)
and the CPD hours counted once, whichever translations the learner used.
"""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from certificates.selectors import cpd_transcript
from courses.models import CourseCompletion, Enrolment, LessonProgress
from courses.selectors import course_progress
from courses.services import enrolment_create, lesson_complete, lesson_visit_record, quiz_attempt_submit
from tests.courses.factories import course_create, lesson_create, paragraph, quiz_block, translate
from tests.courses.test_completion import _finish
from tests.courses.test_quizzes import RIGHT, _token

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian_course(course, reading_lesson, quiz_lesson):
    """The course fixture translated into Russian; the Russian quiz is its own block (as translators write it)."""
    translated = translate(course, title="Проверка источников")
    translate(reading_lesson, title="Почему источники важны", body=[paragraph("Абзац об источниках.")])  # noqa: RUF001
    translate(quiz_lesson, title="Тест", body=[quiz_block(block_id="quiz-ru")])
    translated.refresh_from_db()  # its child count
    return translated


def _lesson_ru(russian_course, title):
    return russian_course.get_children().specific().get(title=title)


def test_enrolled_in_english_opens_the_russian_lesson_without_enrolling_again(
    client, enrolled, course, russian_course, reading_lesson
):
    lesson = _lesson_ru(russian_course, "Почему источники важны")
    client.force_login(enrolled)
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert Enrolment.objects.filter(learner=enrolled).count() == 1
    # The visit is recorded on the original lesson: progress is one record for both languages.
    assert LessonProgress.objects.get(learner=enrolled).lesson_id == reading_lesson.pk


def test_enrolling_in_the_translation_reuses_the_one_enrolment(enrolled, course, russian_course):
    enrolment = enrolment_create(learner=enrolled, course=russian_course)
    assert enrolment.course_id == course.pk
    assert Enrolment.objects.filter(learner=enrolled).count() == 1


def test_a_learner_enrolling_in_russian_first_is_enrolled_in_the_course(learner, course, russian_course):
    enrolment = enrolment_create(learner=learner, course=russian_course)
    assert enrolment.course_id == course.pk
    assert course_progress(user=learner, course=course).lessons[0].locale_id == course.locale_id


def test_progress_made_in_english_shows_on_the_russian_course_page(
    client, enrolled, course, russian_course, reading_lesson
):
    lesson_complete(learner=enrolled, lesson=reading_lesson)
    progress = course_progress(user=enrolled, course=russian_course)
    assert progress.done == 1
    assert _lesson_ru(russian_course, "Почему источники важны").pk in progress.completed_ids
    client.force_login(enrolled)
    content = client.get(russian_course.url).content.decode()
    assert 'value="50"' in content  # the progress bar, not an enrol button
    assert reverse("courses:enrol", args=[russian_course.pk]) not in content


def test_finishing_across_languages_gives_one_completion_one_certificate_and_cpd_counted_once(
    enrolled, course, russian_course, reading_lesson, quiz_lesson, django_capture_on_commit_callbacks
):
    """Half in English, half in Russian: one completion; the certificate is in Russian, where the learner finished."""
    quiz_ru = _lesson_ru(russian_course, "Тест")
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(learner=enrolled, lesson=reading_lesson)
        enrolment_create(learner=enrolled, course=russian_course)
        quiz_attempt_submit(
            learner=enrolled,
            lesson_id=quiz_ru.pk,
            block_id="quiz-ru",
            token=_token(enrolled, quiz_ru, block_id="quiz-ru"),
            data=RIGHT,
        )
        # Passing the English quiz afterwards changes nothing.
        quiz_attempt_submit(
            learner=enrolled,
            lesson_id=quiz_lesson.pk,
            block_id="quiz-1",
            token=_token(enrolled, quiz_lesson),
            data=RIGHT,
        )
    completion = CourseCompletion.objects.get(learner=enrolled)
    assert completion.course_id == course.pk
    assert completion.language == "ru"
    certificate = Certificate.objects.get(recipient=enrolled)
    assert certificate.language == "ru"
    assert certificate.achievement_title == "Проверка источников"
    assert certificate.source_id == str(course.pk)
    assert cpd_transcript(user=enrolled)["total"] == course.cpd_hours


def test_a_certificate_for_the_translation_is_the_certificate_of_the_course(
    enrolled, course, russian_course, reading_lesson, quiz_lesson, django_capture_on_commit_callbacks
):
    """The certificates app's one-per-source rule holds across languages: both translations name the original."""
    from courses.services import course_certificate_issue, course_completion_refresh

    with django_capture_on_commit_callbacks(execute=True):
        _finish(enrolled, reading_lesson, quiz_lesson)
    completion = course_completion_refresh(learner=enrolled, course=russian_course, language="ru")
    assert course_certificate_issue(completion=completion) == Certificate.objects.get(recipient=enrolled)
    assert Certificate.objects.filter(recipient=enrolled).count() == 1
    assert Certificate.objects.get(recipient=enrolled).language == "en"


def test_an_english_only_course_completed_in_english_is_certified_in_english_for_a_russian_speaker(
    enrolled, reading_lesson, quiz_lesson, django_capture_on_commit_callbacks
):
    """Issue 8, finding 4: the PDF follows the course's language, not the learner's profile."""
    from accounts.services import profile_ensure

    profile = profile_ensure(user=enrolled)
    profile.preferred_language = "ru"
    profile.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        _finish(enrolled, reading_lesson, quiz_lesson)
    assert Certificate.objects.get(recipient=enrolled).language == "en"


def test_the_language_switch_on_a_lesson_lands_on_the_same_lesson_in_russian(
    client, enrolled, russian_course, reading_lesson
):
    lesson_ru = _lesson_ru(russian_course, "Почему источники важны")
    client.force_login(enrolled)
    content = client.get(reading_lesson.url).content.decode()
    assert f'name="next" type="hidden" value="{reading_lesson.url}"' in content  # set_language adds /ru/ back
    response = client.post(reverse("set_language"), {"language": "ru", "next": reading_lesson.url})
    assert response.url == lesson_ru.url
    assert client.get(response.url).status_code == 200


def test_a_lesson_only_the_original_has_still_counts_and_opens(client, learner, association):
    """Translations may lag: the course follows its original's lessons."""
    course = course_create(issuer=association)
    first = lesson_create(course)
    translated = translate(course)
    translate(first)
    second = lesson_create(course)
    enrolment_create(learner=learner, course=translated)
    lesson_visit_record(learner=learner, lesson=second)
    lesson_complete(learner=learner, lesson=first)
    assert course_progress(user=learner, course=translated).total == 2
    assert lesson_complete(learner=learner, lesson=second) is not None


def test_in_a_russian_lesson_untranslated_blocks_carry_lang_en_and_the_default_quiz_heading_is_russian(
    client, enrolled, course, reading_lesson, quiz_lesson
):
    """Issue 8, finding 5: what is still English says so; what the platform wrote speaks Russian."""
    translate(course, title="Проверка источников")
    lesson_ru = translate(reading_lesson, title="Почему источники важны")  # the body left as the original's
    quiz_ru = translate(quiz_lesson, title="Тест", body=[quiz_block(block_id="quiz-ru")])  # default heading
    client.force_login(enrolled)
    content = client.get(lesson_ru.url).content.decode()
    assert '<div lang="en">' in content
    assert "A paragraph about checking sources." in content.split('<div lang="en">', 1)[1]
    quiz = client.get(quiz_ru.url).content.decode()
    assert "Проверьте себя" in quiz
    assert "Check your understanding" not in quiz
    assert '<div lang="en">' not in quiz  # the Russian quiz is its own block


def test_my_learning_shows_the_course_in_the_readers_language_with_the_progress_made_in_another(
    client, enrolled, course, russian_course, reading_lesson
):
    """Enrolled and progressing in English, a Russian reader's My learning shows the Russian title, its link and
    the Russian lesson to resume; an English reader still sees the original."""
    lesson_complete(learner=enrolled, lesson=reading_lesson)
    client.force_login(enrolled)

    url = reverse("courses:learning")  # before a Russian request leaves Russian active for reverse()
    russian = client.get("/ru" + url).content.decode()
    english = client.get(url).content.decode()

    assert "Проверка источников" in russian and f'href="{russian_course.url}"' in russian
    assert _lesson_ru(russian_course, "Тест").url in russian  # where to resume, in Russian
    assert course.title in english and "Проверка источников" not in english
