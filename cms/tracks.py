"""The three training tracks. Pages of the site (cms) and courses both name one, by the same code."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    MEDIA_LITERACY = "media-literacy", _("Media literacy")
    FUTURE_LIS_SKILLS = "future-lis-skills", _("Future LIS skills")
    ONLINE_GOVERNANCE = "online-governance", _("Online governance")


# ------------------------------------------------------------------------------------------- track listings
# A track page lists what other apps offer on its track (courses, webinars...). cms sits below them and must not
# import them, nor include their templates or template tags: each app registers a listing here, from its
# AppConfig.ready(), and renders it with its own templates. (The same shape as h5p.access.)


@dataclass(frozen=True, slots=True)
class TrackListing:
    """What one app shows on a track page: rendered HTML and the stylesheets (static paths) it needs.

    ``html`` is printed as it is only when marked safe (``render_to_string`` output is); a plain string is escaped.
    """

    html: str
    stylesheets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Provider:
    order: int
    render: Callable[[Any, Any], TrackListing | None]


_listings: dict[str, _Provider] = {}


def track_listing_register(name: str, render: Callable[[Any, Any], TrackListing | None], *, order: int = 100) -> None:
    """Register (or replace: safe when ``ready()`` runs twice) ``render(request, track_page)``; it returns a
    ``TrackListing`` or None when it has nothing to show. Listings appear by ``order``, then name."""
    _listings[name] = _Provider(order=order, render=render)


def track_listing_unregister(name: str) -> None:
    """Forget a listing (tests register temporary ones)."""
    _listings.pop(name, None)


def track_listings(*, request, page) -> list[TrackListing]:
    """Every registered app's listing for this track page, in order."""
    listings = []
    for _name, provider in sorted(_listings.items(), key=lambda item: (item[1].order, item[0])):
        listing = provider.render(request, page)
        if listing is not None:
            listings.append(listing)
    return listings
