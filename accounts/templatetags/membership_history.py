"""The membership history in words: ``{{ event.new_value|membership_values }}`` gives (label, value) pairs such as
("Vote weight", "2.5") and ("Valid until", "June 30, 2027") instead of the stored ``vote_weight: 2.500``."""

import datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.templatetags.figures import number_display

register = template.Library()

# The order a membership's terms are read in, whatever order the audit row stores them in.
_ORDER = ["role", "status", "vote_weight", "valid_until"]


def _label(key: str) -> str:
    for model in (Membership, User):
        try:
            return capfirst(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return capfirst(key.replace("_", " "))


def _value(key: str, value) -> str:
    if value is None or value == "":
        return _("No end date") if key == "valid_until" else "—"
    if key == "role":
        return str(Membership.Role(value).label) if value in Membership.Role.values else str(value)
    if key == "status":
        return str(Membership.Status(value).label) if value in Membership.Status.values else str(value)
    if key == "vote_weight":
        return number_display(value)
    if key == "valid_until":
        try:
            return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)


@register.filter
def membership_values(values) -> list[tuple[str, str]]:
    """An audit row's before or after, as (label, value) pairs in the active language."""
    if not isinstance(values, dict):
        return []
    # In a fixed order: PostgreSQL's jsonb does not keep the order the keys were written in.
    keys = sorted(values, key=lambda key: (_ORDER.index(key) if key in _ORDER else len(_ORDER), key))
    return [(_label(key), _value(key, values[key])) for key in keys]
