"""Pages of course cards (the catalogue, track pages) in one query: the rows of the page carry the total.

``Paginator.get_page`` counts the rows, then fetches the page: two queries. Here the page's rows are fetched with a
window count of the whole result (``COUNT(*) OVER ()``, computed before LIMIT/OFFSET), so a listing costs one query
whatever the number of courses. Only a page number past the end costs two more (the count, then the last page), as
``get_page`` answers it. The result is Django's own ``Page``, so templates use the usual ``page_obj`` API.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

PAGE_PARAMETER = "page"


PAGE_NUMBER_MAX = 1_000_000  # beyond any listing; keeps OFFSET within a 64-bit integer (SQLite refuses larger)


def page_number(value) -> int:
    """The page asked for in a query string: a positive whole number (at most ``PAGE_NUMBER_MAX``, so past the end
    of any listing), else 1. Never an error."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), PAGE_NUMBER_MAX)


def page_with_count(queryset, *, number, per_page: int) -> Page:
    """Page ``number`` (anything: see ``page_number``) of an ordered ``queryset``, ``per_page`` rows a page.

    One query; a number past the last page gives the last page (three queries), as ``Paginator.get_page`` does.
    """
    number = page_number(number)
    paginator = Paginator(queryset, per_page)
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(listing_total=Window(Count("pk")))[offset : offset + per_page])
    if rows:
        paginator.count = rows[0].listing_total  # a cached_property: set, it is never counted again
        page = Page(rows, number, paginator)
    elif number == 1:
        paginator.count = 0
        page = Page([], 1, paginator)
    else:
        page = paginator.get_page(number)
        page.object_list = list(page.object_list)
    return page_links_add(page)


def page_links_add(page: Page) -> Page:
    """Give ``page`` its ``page_links`` for the navigation (courses/includes/pagination.html): the first and last
    page numbers, two either side of this one, and None for each gap between them."""
    elided = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    page.page_links = [None if number == page.paginator.ELLIPSIS else number for number in elided]
    return page
