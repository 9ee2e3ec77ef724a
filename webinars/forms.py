"""The Wagtail admin form of a webinar: a person names as host only an association they may issue for (its officers
and trainers), since the host signs the certificates of attendance."""

from wagtail.admin.forms import WagtailAdminModelForm

from accounts.roles import associations_issuable_by


class WebinarAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not user.is_superuser and "association" in self.fields:
            self.fields["association"].queryset = associations_issuable_by(user).order_by("name")
