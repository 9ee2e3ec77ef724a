"""Certificates test data, built through the app's own services."""

import datetime
from decimal import Decimal

import factory

from certificates.models import Certificate, CertificateTemplate, ManualAward
from certificates.services import certificate_issue
from tests.factories import AssociationFactory


class ManualAwardFactory(factory.django.DjangoModelFactory):
    """A generic source: any model works as the source of a certificate."""

    class Meta:
        model = ManualAward

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Workshop on metadata {n}")
    date = datetime.date(2026, 11, 20)
    cpd_hours = Decimal("3.5")


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    title = "Certificate of completion"
    body = (
        "This certifies that\n\n{recipient}\n\ncompleted\n\n{achievement}\n\n"
        "{cpd_hours} hours, {date}, {issuer}. Code {code}"
    )
    language = "en"


def issue(*, recipient, source=None, issuer=None, hours="3.5", kind=Certificate.Kind.EVENT, template=None, actor=None):
    """Issue through the service (callers wrap it in django_capture_on_commit_callbacks to run the tasks)."""
    if source is None:
        source = ManualAwardFactory(association=issuer) if issuer else ManualAwardFactory()
    return certificate_issue(
        recipient=recipient,
        achievement_title=getattr(source, "title", str(source)),
        kind=kind,
        cpd_hours=Decimal(hours),
        issuer=issuer or source.association,
        source=source,
        template=template,
        actor=actor,
    )
