"""Listings leave out what view restrictions hide, as Wagtail's public() does, inside their own query."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cms.visibility import not_view_restricted

pytestmark = pytest.mark.django_db


def test_a_restricted_page_and_everything_below_it_are_left_out_as_public_leaves_them_out(site_pages):
    track = site_pages["tracks"]["media-literacy"]
    PageViewRestriction.objects.create(page=track, restriction_type=PageViewRestriction.LOGIN)

    ours = set(Page.objects.filter(not_view_restricted()).values_list("pk", flat=True))

    assert ours == set(Page.objects.public().values_list("pk", flat=True))
    assert track.pk not in ours
    assert not ours & set(track.get_descendants().values_list("pk", flat=True))
    assert site_pages["tracks"]["online-governance"].pk in ours and site_pages["home"].pk in ours


def test_the_rule_costs_no_query_of_its_own(site_pages):
    PageViewRestriction.objects.create(page=site_pages["about"], restriction_type=PageViewRestriction.LOGIN)

    with CaptureQueriesContext(connection) as queries:
        pages = list(Page.objects.filter(not_view_restricted()))

    assert len(queries) == 1
    assert site_pages["about"] not in pages


def test_the_home_page_does_not_list_a_restricted_track(client, site_pages):
    hidden = site_pages["tracks"]["online-governance"]
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    html = client.get(site_pages["home"].url).content.decode()
    tracks = re.search(r'<section aria-labelledby="tracks-heading">.*?</section>', html, re.S).group(0)

    assert f'href="{hidden.url}"' not in tracks
    assert f'href="{site_pages["tracks"]["media-literacy"].url}"' in tracks


def _wagtails_answer(page):
    """Wagtail's own get_view_restrictions (the query the memo stands in for)."""
    return set(Page.get_view_restrictions(page))


def test_a_page_with_no_restriction_above_it_is_answered_without_a_query_as_wagtail_answers(site_pages):
    about = Page.objects.get(pk=site_pages["about"].pk).specific
    about.get_view_restrictions()  # the restricted pages' paths are read once per generation

    with CaptureQueriesContext(connection) as queries:
        restrictions = set(about.get_view_restrictions())

    assert len(queries) == 0
    assert restrictions == _wagtails_answer(about) == set()


def test_a_restriction_added_above_a_page_applies_at_once(client, site_pages):
    track = site_pages["tracks"]["media-literacy"]
    assert client.get(track.url).status_code == 200  # the paths are known: none restricted
    restriction = PageViewRestriction.objects.create(
        page=site_pages["home"], restriction_type=PageViewRestriction.LOGIN
    )
    fresh = Page.objects.get(pk=track.pk).specific

    assert set(fresh.get_view_restrictions()) == {restriction} == _wagtails_answer(fresh)
    assert client.get(track.url).status_code == 302  # to the login page


def test_a_removed_restriction_no_longer_applies(client, site_pages):
    track = site_pages["tracks"]["media-literacy"]
    restriction = PageViewRestriction.objects.create(page=track, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(track.url).status_code == 302
    restriction.delete()

    assert client.get(track.url).status_code == 200
    assert set(Page.objects.get(pk=track.pk).specific.get_view_restrictions()) == set()


def test_a_page_moved_under_a_restricted_page_is_restricted(client, site_pages):
    about = site_pages["about"]
    track = site_pages["tracks"]["media-literacy"]
    PageViewRestriction.objects.create(page=track, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(about.url).status_code == 200
    Page.objects.get(pk=about.pk).move(Page.objects.get(pk=track.pk), pos="last-child")
    moved = Page.objects.get(pk=about.pk).specific

    assert {r.page_id for r in moved.get_view_restrictions()} == {track.pk}
    assert client.get(moved.url).status_code == 302


def test_an_alias_of_a_restricted_page_carries_its_restriction_as_wagtail_has_it(site_pages):
    about = Page.objects.get(pk=site_pages["about"].pk).specific
    restriction = PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    alias = about.create_alias(parent=site_pages["tracks"]["online-governance"], update_slug="about-alias").specific

    assert set(alias.get_view_restrictions()) == {restriction} == _wagtails_answer(alias)
