from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses.association_dashboard import association_dashboard_register
        from courses.certificate_sources import certificate_sources_register
        from courses.h5p_activities import h5p_context_register
        from courses.track_listings import track_listings_register

        h5p_context_register()
        certificate_sources_register()
        track_listings_register()
        association_dashboard_register()
