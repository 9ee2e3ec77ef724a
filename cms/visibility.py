"""Which pages everyone may see: Wagtail's ``PageQuerySet.public()`` as a condition read inside the listing's own
query. ``public()`` first reads every view restriction (a query of its own, each time it is called); this is
``NOT EXISTS`` a restriction on the page or one of its ancestors, the same rule in no extra query."""

from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction


def not_view_restricted() -> Exists:
    """For ``queryset.filter(...)`` on any page model: no view restriction (password, login, groups) applies."""
    restricted = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    return ~Exists(restricted)
