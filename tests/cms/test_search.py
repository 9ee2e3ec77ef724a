"""Search finds live, public pages in the reader's language only."""

from wagtail.models import Locale, PageViewRestriction

from cms.models import StandardPage


def _titles(response) -> list[str]:
    return [result.title for result in response.context["page_obj"]]


def test_search_finds_english_pages_on_the_english_site(client, site_pages):
    response = client.get("/search/", {"q": "quorum"})

    titles = _titles(response)
    assert response.status_code == 200
    assert "Online governance" in titles  # the track page, among the governance course's lessons
    assert "Онлайн-управление" not in titles
    assert f"{len(titles)} results for “quorum”" in response.content.decode()


def test_search_finds_russian_pages_on_the_russian_site_only(client, site_pages):
    """The same words never bring the other language's pages; /ru/ searches the Russian tree."""
    assert _titles(client.get("/ru/search/", {"q": "кворума"})) == ["Онлайн-управление"]
    assert _titles(client.get("/ru/search/", {"q": "quorum"})) == []
    assert _titles(client.get("/search/", {"q": "кворума"})) == []


def test_search_leaves_out_drafts_and_private_pages(client, site_pages):
    home = site_pages["home"]
    draft = StandardPage(title="Draft budget", slug="draft-budget", intro="Marzipan figures", live=False)
    home.add_child(instance=draft)
    private = StandardPage(title="Board only", slug="board-only", intro="Marzipan minutes")
    home.add_child(instance=private)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    public = StandardPage(title="Open day", slug="open-day", intro="Marzipan for visitors")
    home.add_child(instance=public)

    assert _titles(client.get("/search/", {"q": "marzipan"})) == ["Open day"]


def test_an_empty_query_shows_the_form_and_no_results(client, site_pages):
    response = client.get("/search/", {"q": "   "})

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert "result" not in response.content.decode().split("</form>", 1)[1]
    assert '<label for="search-q">' in response.content.decode()


def test_results_are_paginated_with_a_constant_number_of_queries(client, site_pages, django_assert_max_num_queries):
    """Fifteen matching pages: ten on the first results page, five on the second, the query count fixed."""
    home = site_pages["home"]
    for number in range(15):
        home.add_child(instance=StandardPage(title=f"Gazetteer {number}", slug=f"gazetteer-{number}"))

    with django_assert_max_num_queries(25):
        first = client.get("/search/", {"q": "gazetteer"})
    second = client.get("/search/", {"q": "gazetteer", "page": 2})

    assert len(_titles(first)) == 10
    assert len(_titles(second)) == 5
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?q=gazetteer&amp;page=2"' in first.content.decode()


def test_search_is_limited_to_the_active_locale_in_the_selector(site_pages):
    """The selector itself takes the locale: nothing of another language slips through."""
    from cms.selectors import page_search

    russian = Locale.objects.get(language_code="ru")
    results = page_search(query="Commons", locale=russian)

    assert {page.locale_id for page in results} == {russian.pk}
