"""Who runs the source of a certificate: apps that issue certificates register their source models here.

``certificates`` knows nothing of courses or webinars. An app whose objects earn certificates (a course) registers
the model once, in ``AppConfig.ready()``, with:

- ``run_by(user)``: the objects of that model this person runs (a course's trainers), as a queryset. They list,
  issue by hand, revoke and export the certificates of those objects, and nothing else;
- ``achievement(obj)``: what a certificate of it says (title, kind, CPD hours, issuing association), used when
  one of them issues it by hand.

Officers of the issuing association manage all of its certificates anyway (``accounts.roles``); this registry
only adds the people who run a source. A registry rather than asking ``roles.is_trainer_of(user,
certificate.source)`` directly: the certificates list needs the reverse question ("which sources does this person
run?") as a query, which only the source's app can answer without certificates guessing at its fields, and the
rule of who runs a webinar may differ from who trains a course.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Model, QuerySet
from django.db.models.functions import Cast

from accounts.models import Association


@dataclass(frozen=True, slots=True)
class Achievement:
    """What a certificate of a source says."""

    title: str
    kind: str
    cpd_hours: Decimal
    issuer: Association


@dataclass(frozen=True, slots=True)
class SourceRegistration:
    model: type[Model]
    run_by: Callable[[Any], QuerySet]
    achievement: Callable[[Model], Achievement]

    @property
    def content_type(self) -> ContentType:
        # As certificate_issue records it (for_concrete_model=False), so the keys match.
        return ContentType.objects.get_for_model(self.model, for_concrete_model=False)

    def source_ids_run_by(self, user) -> QuerySet:
        """The primary keys, as the text ``Certificate.source_id`` holds, of the sources this person runs."""
        return self.run_by(user).annotate(source_key=Cast("pk", output_field=CharField())).values("source_key")


_registry: dict[str, SourceRegistration] = {}


def register_source(
    model: type[Model], *, run_by: Callable[[Any], QuerySet], achievement: Callable[[Model], Achievement]
) -> None:
    """Register (or replace: safe when ``ready()`` runs twice) the people who run objects of ``model``."""
    _registry[model._meta.label_lower] = SourceRegistration(model=model, run_by=run_by, achievement=achievement)


def unregister_source(model: type[Model]) -> None:
    _registry.pop(model._meta.label_lower, None)


def registrations() -> list[SourceRegistration]:
    return list(_registry.values())


def registration_for(source_type: ContentType | int | None) -> SourceRegistration | None:
    if source_type is None:
        return None
    if not isinstance(source_type, ContentType):
        source_type = ContentType.objects.get_for_id(source_type)
    return _registry.get(f"{source_type.app_label}.{source_type.model}")


def source_run_by(user, *, source_type: ContentType | int, source_id: str) -> bool:
    """True when this person runs the source (e.g. trains the course) the certificate was issued for."""
    if user is None or not user.is_authenticated:
        return False
    registration = registration_for(source_type)
    if registration is None:
        return False
    return registration.source_ids_run_by(user).filter(source_key=str(source_id)).exists()


def sources_run_by(user) -> list[tuple[SourceRegistration, QuerySet]]:
    """Per registered model, the objects this person runs (querysets, not yet evaluated)."""
    if user is None or not user.is_authenticated:
        return []
    return [(registration, registration.run_by(user)) for registration in _registry.values()]
