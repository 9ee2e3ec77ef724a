"""No link lands on a page that does not exist in its language.

Login's ``next``, the language switcher and the profile language send a reader to the same address under their
language's prefix (``/ru/courses/...``). Where the page has no translation in that language, this middleware
answers the 404 with a redirect to the translation that exists and a message that says so.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from cms.selectors import translation_fallback


class TranslationFallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        fallback = translation_fallback(request=request)
        if fallback is None:
            return response
        if fallback.page.locale.language_code != fallback.asked:
            # Said in the language of the page the reader lands on, where the message is shown.
            with translation.override(fallback.page.locale.language_code):
                messages.info(
                    request,
                    _("This page is not available in %(language)s, so it is shown in %(available)s.")
                    % {
                        "language": translation.get_language_info(fallback.asked)["name_translated"],
                        "available": translation.get_language_info(fallback.page.locale.language_code)[
                            "name_translated"
                        ],
                    },
                )
        return redirect(fallback.url)
