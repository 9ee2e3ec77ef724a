from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebinarsConfig(AppConfig):
    name = "webinars"
    verbose_name = _("Webinars and meetings")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Membership
        from webinars.permissions import officer_cache_forget, officer_cache_warm

        user_logged_in.connect(officer_cache_warm, dispatch_uid="webinars.officer_cache_warm")
        post_save.connect(officer_cache_forget, sender=Membership, dispatch_uid="webinars.officer_cache_forget")
        post_delete.connect(officer_cache_forget, sender=Membership, dispatch_uid="webinars.officer_cache_forget_del")
