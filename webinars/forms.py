"""The Wagtail admin forms of webinars: a person names as host only an association they may issue for (its officers
and trainers), since the host signs the certificates of attendance; a recording retention only for an association
they are an officer of."""

from wagtail.admin.forms import WagtailAdminModelForm

from accounts.roles import associations_issuable_by, associations_officered_by


class _AssociationLimitedForm(WagtailAdminModelForm):
    associations = staticmethod(associations_issuable_by)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not user.is_superuser and "association" in self.fields:
            self.fields["association"].queryset = self.associations(user).order_by("name")


class WebinarAdminForm(_AssociationLimitedForm):
    associations = staticmethod(associations_issuable_by)


class RecordingPolicyAdminForm(_AssociationLimitedForm):
    associations = staticmethod(associations_officered_by)
