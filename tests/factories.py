"""Factories shared by every app's tests. They build data through the project's own services."""

import factory
from django.utils.text import slugify

from accounts.models import Association, Membership, User
from accounts.services import user_create

DEFAULT_PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", DEFAULT_PASSWORD)
        verified = kwargs.pop("verified", True)
        user = user_create(password=password, **kwargs)
        if verified:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Library Association {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = "EE"
    description = "A national association of library and information professionals."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
