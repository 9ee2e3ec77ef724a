"""The project's URLs plus ``/__bench_minimal__/``: the yardstick every page is measured against. It passes
through the project's whole middleware stack and does nothing else, so page / minimal is what a page costs
beyond the framework's own floor on this machine, whatever the machine's load."""

from django.http import HttpResponse
from django.urls import path

from lms.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


MINIMAL_URL = "/__bench_minimal__/"

urlpatterns = [path(MINIMAL_URL.strip("/") + "/", minimal, name="bench_minimal"), *project_urlpatterns]
