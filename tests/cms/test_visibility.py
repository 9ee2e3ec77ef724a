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
