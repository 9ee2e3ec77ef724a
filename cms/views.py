from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale

from cms.selectors import page_search

RESULTS_PER_PAGE = 10


def search(request):
    """Site search over live, public pages in the current language."""
    query = request.GET.get("q", "").strip()[:200]
    results = page_search(query=query, locale=Locale.get_active())
    page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "page_obj": page_obj})
