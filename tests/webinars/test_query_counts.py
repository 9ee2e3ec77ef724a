"""The webinar list and a webinar page read a fixed number of queries, whatever the number of webinars."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.webinars.factories import WebinarFactory
from webinars.models import Registration

# Ours: associations for the filter, webinars with counts, presenters (list); webinar with counts, presenters,
# the viewer's registration, runs?, member?, recordings (page). The rest is the site's chrome (base.html: site,
# navigation, menus, footer, locale, the header's sections: the catalogue and, signed in, waiting polls and
# memberships) and, signed in, the session and the user. "runs?" asks the presenters already loaded for the page
# (accounts.roles.is_trainer_of reads prefetched trainers in memory: 21 -> 20).
LIST_QUERIES = 12
PAGE_QUERIES = 20


def _webinars(association, count):
    presenters = UserFactory.create_batch(2)
    people = UserFactory.create_batch(3)
    webinars = []
    for _ in range(count):
        webinar = WebinarFactory(association=association, presenters=presenters)
        for person in people:
            Registration.objects.create(webinar=webinar, user=person)
        webinars.append(webinar)
    return webinars, people


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_reads_the_same_queries_for_3_and_60_webinars(client, association, count, django_assert_num_queries):
    _webinars(association, count)
    client.get(reverse("webinars:list"))  # the first request of a site creates its navigation settings
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("webinars:list"))
    assert response.content.decode().count('class="webinar-card"') == count


@pytest.mark.parametrize("count", [3, 60])
def test_a_webinar_page_reads_the_same_queries_for_3_and_60_webinars(
    client, association, count, django_assert_num_queries
):
    webinars, people = _webinars(association, count)
    client.force_login(people[0])
    client.get(reverse("webinars:list"))
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(webinars[-1].get_absolute_url())
