from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import membership_csv, services
from accounts.models import Membership, Profile, User
from accounts.names import display_name_clean
from accounts.validators import DISPLAY_NAME_MAX, validate_display_name


class DisplayNameField(forms.CharField):
    """The name printed on certificates: required, checked by ``accounts.names.display_name_clean``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your name on certificates"))
        kwargs.setdefault(
            "help_text",
            _("Your full name as it should be printed on your certificates and shown to other members."),
        )
        kwargs.setdefault("error_messages", {"required": _("Enter your name as it should appear on certificates.")})
        super().__init__(max_length=DISPLAY_NAME_MAX, required=True, **kwargs)
        self.widget.attrs.setdefault("autocomplete", "name")

    def clean(self, value):
        # A Refusal is a ValidationError: the field shows its message.
        return display_name_clean(super().clean(value))


class SignupForm(forms.Form):
    """What allauth's sign-up form asks beyond e-mail and password (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    display_name = DisplayNameField()

    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request, user):
        """Called by allauth once the user row exists."""
        services.display_name_set(user=user, display_name=self.cleaned_data["display_name"])


class ProfileForm(forms.Form):
    """What a person may change about themself on "My profile"."""

    display_name = DisplayNameField(
        label=_("Display name"),
        help_text=_("Shown to other members and printed on your certificates."),
    )
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Enter a two-letter country code, e.g. EE or LV."))],
        help_text=_("Two-letter ISO 3166 code, e.g. EE for Estonia."),
    )
    job_role = forms.ChoiceField(
        label=_("Job role"), choices=[("", _("Not stated")), *Profile.JobRole.choices], required=False
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The site switches to this language when you log in."),
    )
    bio = forms.CharField(
        label=_("About me"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    @classmethod
    def for_user(cls, user: User, profile: Profile, data=None) -> "ProfileForm":
        initial = {
            "display_name": user.display_name,
            "institution": profile.institution,
            "country": profile.country,
            "job_role": profile.job_role,
            "preferred_language": profile.preferred_language,
            "bio": profile.bio,
        }
        return cls(data=data, initial=initial)

    def clean_country(self):
        return self.cleaned_data["country"].upper()


class MemberFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Membership.Status.choices], required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All")), *Membership.Role.choices], required=False)
    q = forms.CharField(label=_("Name or e-mail contains"), max_length=100, required=False)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "role": "", "query": ""}
        return {
            "status": self.cleaned_data["status"],
            "role": self.cleaned_data["role"],
            "query": self.cleaned_data["q"].strip(),
        }


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        validators=[validate_display_name],
        help_text=_("Used only if the person has no account yet; they can change it later."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MembershipTermsForm(forms.Form):
    vote_weight = forms.DecimalField(
        label=_("Vote weight"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=3,
        help_text=_("How much this member's vote counts; 1 for most members, 0 for none."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a membership without an end date."),
    )

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(services.VALID_UNTIL_PAST, code="valid_until_past")
        return value


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header row, at most 2 MB and 5000 members."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    send_invitations = forms.BooleanField(
        label=_("E-mail the people added by this file"),
        required=False,
        initial=True,
        help_text=_("People without an account get a link to set their password."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > membership_csv.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="too_large")
        self.parsed = membership_csv.membership_csv_parse(upload.read())
        return upload
