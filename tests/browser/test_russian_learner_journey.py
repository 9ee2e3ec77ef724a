"""Issue 8 in Chromium: a Russian learner enrols, switches language inside a lesson, finishes, gets ONE certificate.

Each step asserts what the learner sees; axe-core finds no serious or critical violation on the pages visited.
"""

import pytest
from django.conf import settings
from django.test import Client

pytest.importorskip("playwright")

from playwright.sync_api import expect

from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment
from tests.courses.factories import course_create, lesson_create, paragraph, question, quiz_block, translate
from tests.factories import AssociationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _quiz(block_id, text, right, wrong):
    return quiz_block(block_id=block_id, questions=[question(text, [(right, True), (wrong, False)])], pass_mark=100)


@pytest.fixture
def courses():
    """A course in English and Russian (reading, reading, quiz) and an English-only course."""
    association = AssociationFactory(name="Baltic Library Association", slug="bla")
    course = course_create(issuer=association, title="Verifying information", cpd_hours=3)
    first = lesson_create(course, title="Why verification matters", body=[paragraph("Verification starts here.")])
    second = lesson_create(course, title="Lateral reading", body=[paragraph("Leave the page to check it.")])
    quiz = lesson_create(
        course, title="Quiz", body=[_quiz("final", "Which source is primary?", "The dataset", "A blog post")]
    )
    russian = translate(course, title="Проверка информации", language="ru")
    translate(first, title="Зачем проверять", body=[paragraph("Проверка начинается здесь.")])
    translate(second, title="Латеральное чтение", body=[paragraph("Выйдите со страницы, чтобы проверить её.")])  # noqa: RUF001
    translate(quiz, title="Тест", body=[_quiz("final-ru", "Какой источник первичный?", "Набор данных", "Блог")])  # noqa: RUF001
    russian.refresh_from_db()
    english_only = course_create(issuer=association, title="Research data services")
    lesson_create(english_only, title="What researchers need")
    return {"course": course, "russian": russian, "english_only": english_only, "second": second}


@pytest.fixture
def irina():
    return UserFactory(email="irina@example.org", display_name="Ирина Петрова", preferred_language="ru")


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": live_server.url},
        ]
    )


def test_a_russian_learner_takes_one_course_across_both_languages(live_server, page, axe, courses, irina):
    def assert_accessible():
        violations = axe(page)
        assert not violations, str(violations)

    russian = courses["russian"]
    _log_in(page, live_server, irina)

    # The Russian catalogue and course page: the rule is stated, in Russian.
    page.goto(f"{live_server.url}{russian.url}")
    expect(page.get_by_text("Пройдите уроки 1 и 2 и сдайте тест в уроке 3.")).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Записаться на курс").click()
    expect(page.get_by_role("link", name="Начать курс: Зачем проверять")).to_be_visible()
    page.get_by_role("link", name="Начать курс: Зачем проверять").click()
    page.get_by_role("button", name="Отметить урок как завершённый").click()
    expect(page.get_by_text("Вы завершили этот урок.")).to_be_visible()

    # Next lesson, then the language switch: the same lesson in English, enrolled, progress kept.
    page.get_by_role("link", name="Латеральное чтение →").click()
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(f"{live_server.url}{courses['second'].url}")
    expect(page.get_by_role("heading", name="Lateral reading")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "33")  # 1 of 3, done in Russian
    page.get_by_role("button", name="Mark this lesson complete").click()
    expect(page.get_by_text("You have completed this lesson.")).to_be_visible()
    assert_accessible()

    # Back to Russian for the quiz.
    page.get_by_role("button", name="Русский").click()
    page.get_by_role("link", name="Тест →").click()
    assert_accessible()
    page.get_by_label("Набор данных").check()  # noqa: RUF001
    page.get_by_role("button", name="Отправить ответы").click()
    expect(page.get_by_text("Вы завершили курс.")).to_be_visible()

    # One certificate, in Russian, listed once; My certificates under /ru/ speaks Russian and links to verification.
    page.goto(f"{live_server.url}/ru/certificates/mine/")
    expect(page.get_by_role("heading", name="Проверка информации")).to_have_count(1)
    expect(page.get_by_role("link", name="Проверить сертификат")).to_be_visible()
    assert_accessible()
    page.get_by_role("link", name="Проверить сертификат").click()
    expect(page).to_have_url(f"{live_server.url}/ru/certificates/verify/")
    assert_accessible()

    assert Enrolment.objects.filter(learner=irina).count() == 1
    assert CourseCompletion.objects.filter(learner=irina).count() == 1
    certificate = Certificate.objects.get(recipient=irina)
    assert (certificate.language, certificate.achievement_title) == ("ru", "Проверка информации")


def test_log_in_to_enrol_on_an_english_only_course_lands_on_it_with_a_notice(live_server, page, axe, courses, irina):
    english_only = courses["english_only"]
    page.goto(f"{live_server.url}{english_only.url}")
    page.get_by_role("link", name="Log in to enrol").click()
    page.get_by_label("Email").fill(irina.email)
    page.get_by_label("Password").fill("correct horse battery staple 42")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}{english_only.url}")
    expect(page.get_by_text("This page is not available in Russian, so it is shown in English.")).to_be_visible()
    expect(page.get_by_role("button", name="Enrol in this course")).to_be_visible()
    violations = axe(page)
    assert not violations, str(violations)
