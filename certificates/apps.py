from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates import signals  # noqa: F401  (connects the receivers)
        from certificates.association_dashboard import association_dashboard_register

        association_dashboard_register()
