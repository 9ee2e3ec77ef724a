from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from accounts.services import profile_ensure, user_language_apply


def site_identity() -> SimpleNamespace:
    """The site as allauth's e-mails name it: "LIS Commons" at SITE_URL's host, never the request's host and port
    (django.contrib.sites is not installed, so allauth would fall back to the request)."""
    return SimpleNamespace(name=settings.WAGTAIL_SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Signs people up through allauth, gives each new user a profile, and logs them in in their language."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        return user_language_apply(request=request, response=response, user=user)

    def send_mail(self, template_prefix, email, context):
        super().send_mail(template_prefix, email, {"current_site": site_identity(), **context})
