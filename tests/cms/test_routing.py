"""Routes are kept per path (cms.routing): a page served again is found without a query, and any change to the page
tree, a site or a locale is seen by the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db

ROUTING_TABLES = ('"wagtailcore_site"', '"wagtailcore_locale"', '"wagtailcore_page"', '"cms_homepage"')


def _routing_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if any(t in query["sql"] for t in ROUTING_TABLES)]


def test_a_page_served_again_is_routed_without_a_query(client, site_pages):
    client.get("/about/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/about/")

    assert response.status_code == 200
    assert _routing_queries(queries) == []


def test_each_language_keeps_its_own_route(client, site_pages):
    client.get("/about/")

    response = client.get("/ru/about/")

    assert response.status_code == 200
    assert response.context["page"].pk == site_pages["about_ru"].pk


def test_a_page_published_under_a_new_slug_moves_at_once(client, site_pages):
    assert client.get("/about/").status_code == 200
    about = site_pages["about"].specific
    about.slug = "about-us"
    about.save_revision().publish()

    # Not served from the kept route: Wagtail's redirect from the old slug answers.
    old = client.get("/about/")
    assert (old.status_code, old["Location"]) == (302, "/about-us/")
    assert client.get("/about-us/").status_code == 200


def test_an_unpublished_page_is_gone_at_once(client, site_pages):
    assert client.get("/about/").status_code == 200

    site_pages["about"].specific.unpublish()

    # Not served from the kept route: the 404 is answered with the translation that is still live (cms.fallback).
    response = client.get("/about/")
    assert (response.status_code, response["Location"]) == (302, "/ru/about/")


def test_a_view_restriction_added_to_a_kept_route_applies_at_once(client, site_pages):
    assert client.get("/about/").status_code == 200

    PageViewRestriction.objects.create(page=site_pages["about"], restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/about/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_each_request_gets_its_own_copy_of_a_kept_page(client, site_pages):
    first = client.get("/about/").context["page"]
    first.title = "Changed in memory by the first request"

    second = client.get("/about/").context["page"]

    assert second is not first
    assert second.title == site_pages["about"].title
