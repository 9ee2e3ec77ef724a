"""Demo people: a superuser, one association with its admin, board and members, a trainer and a learner.

The trainer is in the Trainers group (authors courses in Wagtail) and holds the ``trainer`` role in the
association, so they may name it as the issuer of their courses.

Everyone can log in at once with ``DEMO_PASSWORD`` (their e-mail address is verified).
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Association, Membership, User
from accounts.roles import TRAINERS_GROUP
from accounts.services import profile_ensure, user_create
from lms.demo import DEMO_PASSWORD, Login

ASSOCIATION = {
    "slug": "baltic-library-association",
    "name": "Baltic Library Association",
    "country": "LV",
    "website": "https://baltic-libraries.example.org/",
    "description": (
        "A regional association of public, school and academic librarians from Estonia, Latvia and "
        "Lithuania. It runs training in three languages, an annual conference and an online general assembly."
    ),
}


@dataclass(frozen=True)
class Person:
    email: str
    display_name: str
    role: str  # as printed in the table of logins
    membership: str | None = None  # Membership.Role in the demo association
    superuser: bool = False
    trainer: bool = False
    profile: dict = field(default_factory=dict)


PEOPLE = [
    Person("admin@lis-commons.local", "Site Administrator", "site administrator (superuser)", superuser=True),
    Person(
        "association.admin@lis-commons.local",
        "Alice Tamm",
        "association administrator",
        membership=Membership.Role.ADMIN,
        profile={"institution": "Tallinn Central Library", "country": "EE", "job_role": "manager"},
    ),
    Person(
        "board@lis-commons.local",
        "Bob Ozols",
        "board member",
        membership=Membership.Role.BOARD,
        profile={"institution": "National Library of Latvia", "country": "LV", "job_role": "librarian"},
    ),
    Person(
        "member1@lis-commons.local",
        "Mia Kalnina",
        "member",
        membership=Membership.Role.MEMBER,
        profile={"institution": "Riga Technical University Library", "country": "LV", "job_role": "archivist"},
    ),
    Person(
        "member2@lis-commons.local",
        "Mart Saar",
        "member",
        membership=Membership.Role.MEMBER,
        profile={"institution": "Tartu Public Library", "country": "EE", "job_role": "librarian"},
    ),
    Person(
        "member3@lis-commons.local",
        "Ruta Petraityte",
        "member",
        membership=Membership.Role.MEMBER,
        profile={"institution": "Vilnius University Library", "country": "LT", "job_role": "information_specialist"},
    ),
    Person(
        "trainer@lis-commons.local",
        "Tom Kask",
        "trainer (Trainers group; trainer of the association)",
        membership=Membership.Role.TRAINER,
        trainer=True,
        profile={"institution": "Estonian Library Training Centre", "country": "EE", "job_role": "educator"},
    ),
    Person(
        "learner@lis-commons.local",
        "Lena Sokolova",
        "learner",
        profile={
            "institution": "Narva City Library",
            "country": "EE",
            "job_role": "librarian",
            "preferred_language": "ru",
        },
    ),
]


@transaction.atomic
def build_people() -> list[Login]:
    """Users (found by e-mail), the association (by slug) and active memberships; returns their logins."""
    association = _association()
    trainers, _created = Group.objects.get_or_create(name=TRAINERS_GROUP)
    logins = []
    for person in PEOPLE:
        user = _user(email=person.email, display_name=person.display_name, profile=person.profile)
        if person.superuser and not (user.is_superuser and user.is_staff):
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        if person.trainer:
            user.groups.add(trainers)
        if person.membership is not None:
            Membership.objects.update_or_create(
                user=user,
                association=association,
                defaults={"role": person.membership, "status": Membership.Status.ACTIVE},
            )
        logins.append(Login(email=person.email, password=DEMO_PASSWORD, role=person.role))
    return logins


def _association() -> Association:
    fields = {key: value for key, value in ASSOCIATION.items() if key != "slug"}
    association, _created = Association.objects.update_or_create(slug=ASSOCIATION["slug"], defaults=fields)
    return association


def _user(*, email: str, display_name: str, profile: dict) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(email=email, password=DEMO_PASSWORD, display_name=display_name, **profile)
    else:
        profile_ensure(user=user)
        if user.display_name != display_name:
            user.display_name = display_name
            user.save(update_fields=["display_name"])
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
