"""Wagtail hooks of the wiring: the anonymous page cache learns which page Wagtail's serve view answers with."""

from wagtail import hooks

from lms import page_cache


@hooks.register("before_serve_page")
def page_cache_page_served(page, request, serve_args, serve_kwargs):
    page_cache.page_served(request=request, page=page, args=serve_args, kwargs=serve_kwargs)
