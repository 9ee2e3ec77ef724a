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


def _restriction_paths() -> tuple[frozenset[str], frozenset[str]]:
    """The paths of the pages that carry a view restriction, and of the alias pages whose restrictions Wagtail reads
    from another page (the source carries one, or the source is itself an alias): two small queries, once per
    generation (cms.cache: a restriction saved or deleted, a page saved or moved, bumps it)."""
    from django.db.models import Q
    from wagtail.models import Page

    restricted = PageViewRestriction.objects.values_list("page_id", "page__path")
    restricted_ids = {page_id for page_id, _path in restricted}
    aliases = Page.objects.filter(Q(alias_of_id__in=restricted_ids) | Q(alias_of__alias_of__isnull=False))
    return frozenset(path for _id, path in restricted), frozenset(aliases.values_list("path", flat=True))


class KnownViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions on every request it serves (two queries: the ancestors' aliases,
    then the restrictions). A page none of whose ancestors (itself included) carries a restriction, or is an alias
    of one that does, has none: that is answered from the restricted pages' paths kept in cms.cache, without a
    query; any other page is asked exactly as Wagtail asks."""

    def get_view_restrictions(self):
        from cms.cache import memoised

        restricted, risky_aliases = memoised(None, ("view_restrictions",), _restriction_paths)
        steplen = self.steplen
        own_and_ancestors = {self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)}
        if self.alias_of_id is None and own_and_ancestors.isdisjoint(restricted | risky_aliases):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
