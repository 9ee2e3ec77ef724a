from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import admin_login_redirect
from lms.health import HealthView

# Every login goes through allauth (throttle, verified address): both admins' login pages redirect there.
admin.site.login = admin_login_redirect("/django-admin/")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon (not a 404)."""
    return redirect(static_url("favicon.ico"))


urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/login/", admin_login_redirect("/admin/"), name="admin_login"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("h5p/", include("h5p.urls")),
    path("webinars/callbacks/", include("webinars.callbacks")),  # called by BigBlueButton: no language prefix
]

# Pages people read come in every language: /... is English, /ru/... Russian.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("cms.urls")),
    path("courses/", include("courses.urls")),
    # /certificates/... (English) stays the address on credentials and QR codes; /ru/certificates/... is Russian.
    path("certificates/", include("certificates.urls")),
    path("voting/", include("voting.urls")),
    path("webinars/", include("webinars.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.BIGBLUEBUTTON_SIMULATOR:  # development and tests only: production settings refuse it
    urlpatterns.insert(0, path("bigbluebutton-simulator/", include("webinars.simulator")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
