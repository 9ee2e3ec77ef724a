"""cms.sites: the request's Wagtail site from cms.cache, the same as Wagtail finds, renewed when a site changes."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page, Site

from cms.sites import site_remember

pytestmark = pytest.mark.django_db


def _request(host="testserver"):
    return RequestFactory().get("/courses/learning/", HTTP_HOST=host)


def test_the_site_is_wagtails_own_then_read_from_the_cache(django_assert_num_queries):
    expected = Site.find_for_request(_request())
    request = _request()
    site_remember(request)
    assert Site.find_for_request(request) == expected
    assert Site.find_for_request(request).root_page_id == expected.root_page_id
    again = _request()
    with django_assert_num_queries(0):
        site_remember(again)
        assert Site.find_for_request(again).pk == expected.pk
    assert Site.find_for_request(again) is not Site.find_for_request(request)  # an instance per request


def test_a_site_changed_is_seen_on_the_next_request():
    site = Site.objects.get(is_default_site=True)
    request = _request()
    site_remember(request)
    site.site_name = "Renamed"
    site.save()
    fresh = _request()
    site_remember(fresh)
    assert Site.find_for_request(fresh).site_name == "Renamed"


def test_a_new_site_for_another_host_is_found_for_that_host():
    request = _request("other.example.org")
    site_remember(request)
    default = Site.find_for_request(request)
    other = Site.objects.create(hostname="other.example.org", port=80, root_page=Page.objects.get(depth=1))
    fresh = _request("other.example.org")
    site_remember(fresh)
    assert Site.find_for_request(fresh).pk == other.pk != getattr(default, "pk", None)
