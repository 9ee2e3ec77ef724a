"""The site at phone size (390 x 844) and on a desktop, in English and Russian: a compact header with a Menu button
that works by keyboard (and a menu that stays reachable without JavaScript), no page wider than the screen, axe-core
finding nothing serious or critical on the main pages, and focus on the message after a form posts and redirects."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

pytest.importorskip("playwright")

from playwright.sync_api import expect

from courses.services import enrolment_create, lesson_complete
from tests.certificates.factories import issue
from tests.courses.factories import catalogue, course_create, lesson_create, paragraph, quiz_block
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HEADER_MAX_PX = 120  # closed, at phone size


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _visit(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


@pytest.fixture
def learning_site(site_pages):
    """A course with a reading lesson and a quiz, in English and (copied) Russian; a learner enrolled in both, one
    lesson done, one certificate; a member of the issuing association."""
    association = AssociationFactory(name="Baltic Library Association")
    learner = UserFactory(email="lena@example.org", display_name="Lena Sokolova")
    member = MembershipFactory(association=association).user
    course = course_create(issuer=association, title="Verifying information", cpd_hours=3, estimated_hours=3)
    reading = lesson_create(course, title="Why verification matters", section="Foundations", body=[paragraph()])
    quiz = lesson_create(course, title="Check yourself", body=[quiz_block(block_id="final")])
    russian, _created = Locale.objects.get_or_create(language_code="ru")
    pages = {"en": {"home": site_pages["home"], "track": site_pages["track"], "catalogue": catalogue()}}
    pages["en"].update(course=course, lesson=quiz)
    pages["ru"] = {}
    for name in ("home", "track", "catalogue", "course", "lesson"):
        source = pages["en"][name] if name != "lesson" else reading
        translated = source.copy_for_translation(russian)
        translated.save_revision().publish()
        if name == "lesson":
            translated = quiz.copy_for_translation(russian)
            translated.save_revision().publish()
        pages["ru"][name] = translated.specific
    enrolment_create(learner=learner, course=course)
    enrolment_create(learner=learner, course=pages["ru"]["course"])
    lesson_complete(learner=learner, lesson=reading)
    issue(recipient=learner, issuer=association, hours="3")
    return {"pages": pages, "learner": learner, "member": member, "course": course}


def _main_pages(site, language):
    pages = site["pages"][language]
    with translation.override(language):
        return {
            "home": pages["home"].url,
            "track": pages["track"].url,
            "catalogue": pages["catalogue"].url,
            "course": pages["course"].url,
            "lesson": pages["lesson"].url,
            "my learning": reverse("courses:learning"),
            "my certificates": reverse("certificates:mine"),
            "transcript": reverse("certificates:transcript"),
            "webinars": reverse("webinars:list"),
            "calendar feed": reverse("webinars:calendar"),
        }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_main_pages_pass_axe_and_fit_the_screen_in_both_languages(page, live_server, learning_site, axe, viewport):
    """Home, track, catalogue, course, lesson, My learning, My certificates, transcript, webinars and the calendar
    feed (its address field once overflowed a phone); English and Russian."""
    page.set_viewport_size(viewport)
    _log_in(page, live_server, learning_site["learner"])
    problems = {}
    for language in ("en", "ru"):
        for name, path in _main_pages(learning_site, language).items():
            _visit(page, live_server.url + path)
            violations = axe(page)
            if violations:
                problems[f"{language} {name}"] = str(violations)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                problems[f"{language} {name}"] = f"{width} px wide in a {viewport['width']} px viewport"

    assert not problems, problems


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("who", ["visitor", "learner", "member"])
def test_the_header_is_compact_at_phone_size(page, live_server, learning_site, language, who):
    page.set_viewport_size(PHONE)
    if who != "visitor":
        _log_in(page, live_server, learning_site[who])
    _visit(page, live_server.url + learning_site["pages"][language]["home"].url)

    height = page.locator(".site-header").bounding_box()["height"]

    print(f"header at 390x844, {language}, {who}: {height:.0f} px")
    assert height <= HEADER_MAX_PX
    expect(page.get_by_role("button", name="Menu" if language == "en" else "Меню")).to_be_visible()


def test_the_menu_button_opens_and_closes_by_keyboard(page, live_server, learning_site):
    page.set_viewport_size(PHONE)
    _log_in(page, live_server, learning_site["member"])
    _visit(page, live_server.url + "/")
    button = page.get_by_role("button", name="Menu")
    courses = page.locator(".site-nav").get_by_role("link", name="Courses")
    expect(courses).to_be_hidden()

    for _ in range(5):  # skip link, brand, then the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu-button')"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(button).to_have_attribute("aria-expanded", "true")
    expect(courses).to_be_visible()
    expect(page.locator(".site-nav").get_by_role("link", name="Voting")).to_be_visible()
    page.keyboard.press("Tab")
    expect(courses).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(courses).to_be_hidden()
    page.keyboard.press("Space")
    expect(courses).to_be_visible()


def test_on_a_desktop_the_menu_is_open_and_the_button_hidden(page, live_server, learning_site):
    page.set_viewport_size(DESKTOP)
    _visit(page, live_server.url + "/")

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator(".site-nav").get_by_role("link", name="Webinars")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= HEADER_MAX_PX


def test_without_javascript_the_menu_is_reachable(browser, live_server, learning_site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        _visit(page, live_server.url + "/")

        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.locator(".site-nav").get_by_role("link", name="Courses")).to_be_visible()
    finally:
        context.close()


def test_after_enrolling_focus_is_on_the_message(page, live_server, learning_site):
    course = course_create(issuer=learning_site["course"].issuer, title="Running an online assembly")
    lesson_create(course)
    page.set_viewport_size(PHONE)
    _log_in(page, live_server, UserFactory(email="new.learner@example.org"))
    _visit(page, live_server.url + course.url)

    page.get_by_role("button", name="Enrol in this course").click()

    message = page.locator(".messages")
    expect(message).to_contain_text("You are enrolled in")
    expect(message).to_be_focused()


def test_after_submitting_a_quiz_focus_is_on_the_quiz(page, live_server, learning_site):
    """The redirect names the quiz (#quiz-final): focus lands there, on the result, not at the top of the page."""
    page.set_viewport_size(PHONE)
    _log_in(page, live_server, learning_site["learner"])
    _visit(page, live_server.url + learning_site["pages"]["en"]["lesson"].url)

    page.get_by_label("The original dataset").check()
    page.get_by_label("True").check()
    page.get_by_role("button", name="Submit answers").click()

    expect(page.locator(".messages")).to_contain_text("You scored")
    expect(page.locator("#quiz-final")).to_be_focused()
