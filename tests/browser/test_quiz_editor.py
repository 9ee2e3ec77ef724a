"""The quiz editor in Chromium: a choice question shows its options, a true-or-false question its answer and
that answer's help text, never both; switching the kind switches what is shown."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytest.importorskip("playwright")

from playwright.sync_api import expect

from tests.courses.factories import course_create, lesson_create, question, quiz_block
from tests.factories import AssociationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRUE_FALSE_HELP = "For a true-or-false question only"


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_the_editor_shows_options_or_the_true_false_answer_by_kind(live_server, page, site_pages):
    assert (Path(settings.BASE_DIR) / "static/courses/quiz-editor.js").exists()
    editor = UserFactory(email="quiz-editor@example.org")
    editor.is_superuser = editor.is_staff = True
    editor.save(update_fields=["is_superuser", "is_staff"])
    course = course_create(issuer=AssociationFactory(), title="Checking sources")
    tf = question("Shares prove accuracy.", [], kind="true_false") | {"answer": "false"}
    single = question("Which source is primary?", [("The dataset", True), ("A blog", False)])
    lesson = lesson_create(course, title="Quiz", body=[quiz_block(questions=[tf, single])])
    _log_in(page, live_server, editor)
    page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[lesson.pk]))

    kinds = page.locator('select[name$="-kind"]')
    expect(kinds).to_have_count(2)
    first, second = (kinds.nth(i).locator('xpath=ancestor::*[@data-contentpath="kind"]/..') for i in range(2))
    answer = '> [data-contentpath="answer"]'
    options = '> [data-contentpath="options"]'
    expect(first.locator(answer)).to_be_visible()
    expect(first.locator(answer)).to_contain_text(TRUE_FALSE_HELP)
    expect(first.locator(options)).to_be_hidden()
    expect(second.locator(answer)).to_be_hidden()
    expect(second.locator(options)).to_be_visible()
    expect(page.locator(f"text={TRUE_FALSE_HELP} >> visible=true")).to_have_count(1)

    kinds.nth(1).select_option("true_false")
    expect(second.locator(answer)).to_be_visible()
    expect(second.locator(options)).to_be_hidden()
    kinds.nth(0).select_option("multiple")
    expect(first.locator(options)).to_be_visible()
    expect(first.locator(answer)).to_be_hidden()
