"""Certificate management by role: officers (admin, board) of an association manage all of its certificates; a
course's trainers manage those of their own courses, even without a membership; everyone else gets 404 and
changes nothing. The role x action matrix: list, issue by hand, revoke, export, download."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Membership
from accounts.refusals import Refusal
from certificates import services
from certificates.models import Certificate, CertificateExport, ManualAward
from courses.models import CoursePage
from courses.services import course_certificate_issue
from tests.certificates.factories import issue
from tests.courses.factories import course_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "officer",
    "board",
    "association_trainer",
    "course_trainer",
    "member_in_trainers",
    "outsider",
    "anonymous",
]


def _in_trainers_group(user):
    group, _ = Group.objects.get_or_create(name="Trainers")
    user.groups.add(group)
    return user


@pytest.fixture
def people(association, association_admin, board_member, outsider):
    association_trainer = _in_trainers_group(
        MembershipFactory(association=association, role=Membership.Role.TRAINER, user__email="at@example.org").user
    )
    member_in_trainers = _in_trainers_group(MembershipFactory(association=association, user__email="mt@e.org").user)
    course_trainer = _in_trainers_group(UserFactory(email="ct@example.org"))  # no membership at all
    return {
        "officer": association_admin,
        "board": board_member,
        "association_trainer": association_trainer,
        "course_trainer": course_trainer,
        "member_in_trainers": member_in_trainers,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def course(association, people):
    return course_create(issuer=association, title="Metadata basics", trainers=[people["course_trainer"]])


@pytest.fixture
def course_certificate(course, learner):
    from courses.models import CourseCompletion

    completion = CourseCompletion.objects.create(learner=learner, course=course)
    return course_certificate_issue(completion=completion)


@pytest.fixture
def award_certificate(association, association_admin):
    """Issued by an officer by hand, in the association's name: not of any course."""
    recipient = UserFactory(email="workshop.guest@example.org")
    _award, (certificate,) = services.manual_award_issue(
        actor=association_admin,
        association=association,
        title="Cataloguing workshop",
        description="",
        date="2026-11-20",
        cpd_hours=2,
        recipients=[recipient],
    )
    return certificate


def _login(client, people, persona):
    if people[persona] is not None:
        client.force_login(people[persona])


# Who may do what: True = allowed, False = 404 (anonymous: sent to log in).
OFFICERS = {"officer", "board"}
COURSE = OFFICERS | {"course_trainer"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_manage_list_shows_each_person_what_they_manage(
    client, people, persona, course_certificate, award_certificate
):
    _login(client, people, persona)

    response = client.get(reverse("certificates:manage"))

    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    if persona not in COURSE:
        assert response.status_code == 404
        return
    body = response.content.decode()
    assert response.status_code == 200
    assert course_certificate.verification_code in body
    assert (award_certificate.verification_code in body) == (persona in OFFICERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_officers_issue_by_hand_in_the_associations_name(client, people, persona, association, learner):
    _login(client, people, persona)
    data = {
        "association": association.pk,
        "title": "Reading group",
        "kind": "event",
        "date": "2026-11-20",
        "cpd_hours": "1",
        "recipients": learner.email,
    }

    response = client.post(reverse("certificates:manual_issue"), data)

    if persona in OFFICERS:
        assert response.status_code == 302
        assert Certificate.objects.filter(recipient=learner, issuer=association).count() == 1
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not ManualAward.objects.exists() and not Certificate.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_courses_trainers_issue_its_certificate_by_hand(client, people, persona, course, learner):
    _login(client, people, persona)
    key = f"{ContentType.objects.get_for_model(CoursePage).pk}:{course.pk}"

    response = client.post(reverse("certificates:source_issue"), {"source": key, "recipients": learner.email})

    if persona == "course_trainer":
        assert response.status_code == 302
        certificate = Certificate.objects.get(recipient=learner)
        assert (certificate.source_id, certificate.issuer_id) == (str(course.pk), course.issuer_id)
        assert (certificate.achievement_title, certificate.cpd_hours) == ("Metadata basics", course.cpd_hours)
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not Certificate.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["course", "award"])
def test_revoking_is_for_the_certificates_managers_only(
    client, people, persona, which, course_certificate, award_certificate
):
    certificate = course_certificate if which == "course" else award_certificate
    allowed = persona in (COURSE if which == "course" else OFFICERS)
    _login(client, people, persona)

    response = client.post(
        reverse("certificates:revoke", kwargs={"code": certificate.verification_code}), {"reason": "Not attended"}
    )

    certificate.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and certificate.is_revoked
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not certificate.is_revoked and not certificate.events.filter(action="revoked").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_exporting_a_courses_certificates_is_for_its_managers_only(
    client, people, persona, course, course_certificate, association
):
    _login(client, people, persona)

    response = client.post(
        reverse("certificates:export_request"),
        {
            "association": association.pk,
            "source_type": ContentType.objects.get_for_model(CoursePage).pk,
            "source_id": course.pk,
        },
    )

    if persona in COURSE:
        export = CertificateExport.objects.get()
        assert response.status_code == 302 and export.requested_by == people[persona]
        assert client.get(reverse("certificates:export_detail", args=[export.public_id])).status_code == 200
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not CertificateExport.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["course", "award"])
def test_downloading_someone_elses_certificate_is_for_its_managers_only(
    client, people, persona, which, course_certificate, award_certificate
):
    certificate = course_certificate if which == "course" else award_certificate
    allowed = persona in (COURSE if which == "course" else OFFICERS)
    _login(client, people, persona)

    response = client.get(reverse("certificates:download_pdf", kwargs={"code": certificate.verification_code}))

    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)


def test_a_course_trainer_cannot_revoke_through_the_service_a_certificate_of_another_course(
    people, association, learner, award_certificate
):
    other = course_create(issuer=association, title="Not theirs")
    from courses.models import CourseCompletion

    certificate = course_certificate_issue(completion=CourseCompletion.objects.create(learner=learner, course=other))

    for target in (certificate, award_certificate):
        with pytest.raises(Refusal) as refused:
            services.certificate_revoke(certificate=target, actor=people["course_trainer"], reason="x")
        assert refused.value.status == 404
        target.refresh_from_db()
        assert not target.is_revoked


def test_a_course_trainer_who_leaves_the_course_no_longer_manages_its_certificates(
    client, people, course, course_certificate
):
    trainer = people["course_trainer"]
    course.trainers.remove(trainer)
    course.save()
    client.force_login(trainer)

    assert client.get(reverse("certificates:manage")).status_code == 404
    assert client.get(reverse("certificates:revoke", args=[course_certificate.verification_code])).status_code == 404


def test_the_manage_list_costs_the_same_queries_for_a_course_trainer_however_many_certificates(
    client, people, course, association, django_assert_max_num_queries
):
    from courses.models import CourseCompletion

    for _ in range(3):
        course_certificate_issue(completion=CourseCompletion.objects.create(learner=UserFactory(), course=course))
    issue(recipient=UserFactory(), issuer=association)  # not theirs
    client.force_login(people["course_trainer"])
    client.get(reverse("certificates:manage"))  # the first visit creates per-site and per-user settings rows

    # session, user, page chrome (menu, footer, the header's sections: catalogue, waiting polls, memberships), roles,
    # the lists
    with django_assert_max_num_queries(24):
        response = client.get(reverse("certificates:manage"))
    for _ in range(5):
        course_certificate_issue(completion=CourseCompletion.objects.create(learner=UserFactory(), course=course))
    with django_assert_max_num_queries(24):
        more = client.get(reverse("certificates:manage"))

    assert response.content.decode().count("/revoke/") == 3
    assert more.content.decode().count("/revoke/") == 8


def test_the_course_issue_form_names_the_courses_a_trainer_trains_and_labels_its_fields(client, people, course):
    client.force_login(people["course_trainer"])

    body = client.get(reverse("certificates:source_issue")).content.decode()

    assert "<h1>Issue a course certificate by hand</h1>" in body
    assert "Metadata basics" in body
    for name in ("source", "recipients"):
        assert f'<label for="id_{name}">' in body


@pytest.mark.parametrize("persona", ["officer", "course_trainer", "member_in_trainers", "outsider"])
def test_my_certificates_links_to_management_only_for_those_who_manage_some(client, people, persona, course):
    client.force_login(people[persona])

    body = client.get(reverse("certificates:mine")).content.decode()

    assert (reverse("certificates:manage") in body) == (persona in {"officer", "course_trainer"})


@pytest.mark.parametrize("persona", ["officer", "board", "course_trainer", "member_in_trainers", "outsider"])
def test_the_link_from_my_certificates_opens_management_for_exactly_those_it_is_shown_to(
    client, people, persona, course
):
    """Finding 8: certificate management could not be found. The link is shown to who may open it, and it opens."""
    client.force_login(people[persona])
    body = client.get(reverse("certificates:mine")).content.decode()
    shown = reverse("certificates:manage") in body
    assert shown == (persona in {"officer", "board", "course_trainer"})
    assert (client.get(reverse("certificates:manage")).status_code == 200) == shown


@pytest.mark.parametrize("persona", ["officer", "board"])
def test_the_officers_dashboard_links_to_certificate_management(client, people, persona, association):
    client.force_login(people[persona])
    dashboard = client.get(reverse("accounts:association_dashboard", kwargs={"slug": association.slug}))
    assert f'href="{reverse("certificates:manage")}"' in dashboard.content.decode()
