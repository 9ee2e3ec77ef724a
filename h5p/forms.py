from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from h5p import services
from h5p.models import H5PPackage
from h5p.validation import PackageRejected, package_inspect


class H5PPackageForm(WagtailAdminModelForm):
    """Create: upload and validate a .h5p file (nothing is written unless it is accepted). Edit: rename.

    The person (``for_user``) decides whether the package may install or change library code.
    """

    upload = forms.FileField(
        label=_("H5P file"),
        help_text=_("A self-contained .h5p file, exported with its libraries."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    class Meta:
        model = H5PPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        if self.instance.pk:
            del self.fields["upload"]
        else:
            self.fields["title"].required = False
            self.fields["title"].help_text = _("Leave empty to use the title inside the package.")
            self.fields["upload"].help_text = _(
                "A self-contained .h5p file, exported with its libraries (at most %(limit)s)."
            ) % {"limit": filesizeformat(settings.H5P_MAX_UPLOAD_BYTES)}
        self.inspected = None

    @property
    def uploader(self):
        user = getattr(self, "for_user", None)
        return user if getattr(user, "is_authenticated", False) else None

    def clean_upload(self):
        uploaded = self.cleaned_data["upload"]
        if self.uploader is None:
            # A web upload always has a person; None would mean a trusted command (see library_may_install).
            raise forms.ValidationError(_("Please log in to upload a package."), code="login_required")
        try:
            self.inspected = package_inspect(uploaded)
        except PackageRejected as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        existing = H5PPackage.objects.filter(content_hash=self.inspected.content_hash).first()
        if existing is not None:
            raise forms.ValidationError(
                _("This file was already uploaded as “%(title)s”. Choose that package instead."),
                code="duplicate",
                params={"title": existing.title},
            )
        try:
            services.package_libraries_check(inspected=self.inspected, user=self.uploader)
        except PackageRejected as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return uploaded

    def save(self, commit=True):
        if self.instance.pk:
            return services.package_title_update(package=self.instance, title=self.cleaned_data["title"])
        try:
            self.instance = services.package_upload(
                uploaded_file=self.cleaned_data["upload"],
                title=self.cleaned_data.get("title") or "",
                uploaded_by=self.uploader,
                inspected=self.inspected,
            )
        except PackageRejected as error:
            self.add_error("upload", error.message)
            raise
        return self.instance
