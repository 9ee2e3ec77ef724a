import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import AssociationFactory
from webinars.models import Webinar


class WebinarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webinar
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Webinar {n}: cataloguing today")
    description = "What changed in cataloguing practice this year."
    association = factory.SubFactory(AssociationFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    time_zone = "Europe/Tallinn"
    cpd_hours = Decimal("1.00")
    track = "future-lis-skills"

    @factory.post_generation
    def presenters(self, create, extracted, **kwargs):
        if create and extracted:
            self.presenters.add(*extracted)
