"""The course form in the Wagtail admin offers the right people and things: trainers are platform or association
trainers (never plain learners), the author is preselected on a new course, and skills and prerequisites are those of
the course's language."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Locale

from accounts.models import Membership
from cms.services import trainers_grant_section
from courses.models import CoursePage, Skill
from tests.courses.admin_posts import add_url, edit_url
from tests.courses.factories import catalogue, course_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def granted(db):
    trainers_grant_section(page=catalogue())


@pytest.fixture
def author(trainer, association):
    """A platform trainer who is a trainer of ``association`` (so may start a course in its name)."""
    MembershipFactory(user=trainer, association=association, role=Membership.Role.TRAINER)
    return trainer


def _options(html: str, name: str) -> dict[str, bool]:
    """Value -> selected, for a <select> or a group of checkboxes named ``name``."""
    soup = BeautifulSoup(html, "html.parser")
    select = soup.find("select", attrs={"name": name})
    if select is not None:
        return {o["value"]: o.has_attr("selected") for o in select.find_all("option") if o["value"]}
    return {i["value"]: i.has_attr("checked") for i in soup.find_all("input", attrs={"name": name})}


def test_trainers_lists_platform_and_association_trainers_not_learners(client, author, association, learner):
    association_trainer = UserFactory()
    MembershipFactory(user=association_trainer, association=association, role=Membership.Role.TRAINER)
    lapsed_trainer = UserFactory()
    MembershipFactory(
        user=lapsed_trainer, association=association, role=Membership.Role.TRAINER, status=Membership.Status.LAPSED
    )
    plain_member = UserFactory()
    MembershipFactory(user=plain_member, association=association, role=Membership.Role.MEMBER)
    client.force_login(author)
    offered = _options(client.get(add_url(CoursePage, catalogue())).content.decode(), "trainers")
    assert str(author.pk) in offered
    assert str(association_trainer.pk) in offered
    assert str(learner.pk) not in offered
    assert str(plain_member.pk) not in offered
    assert str(lapsed_trainer.pk) not in offered


def test_the_author_is_preselected_on_a_new_course(client, author):
    client.force_login(author)
    offered = _options(client.get(add_url(CoursePage, catalogue())).content.decode(), "trainers")
    assert offered[str(author.pk)] is True
    assert [pk for pk, selected in offered.items() if selected] == [str(author.pk)]


def test_skills_and_prerequisites_are_those_of_the_course_language(client, author, association):
    english, _ = Locale.objects.get_or_create(language_code="en")
    russian, _ = Locale.objects.get_or_create(language_code="ru")
    english_skill = Skill.objects.create(name="Fact-checking", category="information", locale=english)
    russian_skill = english_skill.copy_for_translation(russian)
    russian_skill.name = "Проверка фактов"
    russian_skill.save()
    english_course = course_create(issuer=association, title="Sources")
    russian_course = english_course.copy_for_translation(russian, copy_parents=True)
    course = course_create(issuer=association, title="Mine", trainers=[author])
    client.force_login(author)
    for url in (add_url(CoursePage, catalogue()), edit_url(course)):
        html = client.get(url).content.decode()
        skills = _options(html, "skills")
        prerequisites = _options(html, "prerequisites")
        assert str(english_skill.pk) in skills and str(russian_skill.pk) not in skills, url
        assert str(english_course.pk) in prerequisites and str(russian_course.pk) not in prerequisites, url
    assert str(course.pk) not in _options(client.get(edit_url(course)).content.decode(), "prerequisites")
