import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DisplayNameField
from accounts.models import Association, User
from certificates.models import Certificate, CertificateTemplate


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=80,
        help_text=_("As printed on the certificate, e.g. ABCD-EFGH-…; spaces and dashes do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the recipient and kept in the record; never on the public verification page."),
    )


class CertificateNameForm(forms.Form):
    """The learner's name as printed on their certificates."""

    display_name = DisplayNameField()


def recipients_parse(text: str) -> list[User]:
    """Registered, active users from addresses separated by commas, semicolons or white space (at most 500)."""
    emails = [e.strip().lower() for e in re.split(r"[,;\s]+", text) if e.strip()]
    if not emails:
        raise ValidationError(_("Name at least one recipient."))
    if len(emails) > 500:
        raise ValidationError(_("At most 500 recipients at a time."))
    users = {u.email.lower(): u for u in User.objects.filter(email__in=set(emails), is_active=True)}
    unknown = [e for e in dict.fromkeys(emails) if e not in users]
    if unknown:
        raise ValidationError(
            _("No registered user has the address: %(emails)s. Ask them to sign up first, then issue again."),
            params={"emails": ", ".join(unknown)},
        )
    return list(dict.fromkeys(users[e] for e in emails))


def awarded_on_check(value):
    """An achievement is awarded once it happened: not in the future."""
    if value and value > timezone.localdate():
        raise ValidationError(_("The date awarded cannot be in the future."), code="awarded_in_future")
    return value


AWARDED_HELP = _("The day the achievement was awarded (e.g. the workshop's last day); printed on the certificate.")

RECIPIENTS_HELP = _("One or more addresses, separated by commas or new lines. Each must belong to a registered user.")


class SourceIssueForm(forms.Form):
    """A course's trainer hands its certificate to people by hand (who took it offline, say)."""

    source = forms.ChoiceField(label=_("Course or event"))
    awarded_on = forms.DateField(
        label=_("Date awarded"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today.") + " " + AWARDED_HELP,
    )
    recipients = forms.CharField(
        label=_("Recipients' e-mail addresses"), widget=forms.Textarea(attrs={"rows": 4}), help_text=RECIPIENTS_HELP
    )

    def __init__(self, *args, sources, **kwargs):
        """``sources``: (key, object) pairs from ``selectors.sources_issuable_by``."""
        super().__init__(*args, **kwargs)
        self._sources = dict(sources)
        self.fields["source"].choices = [("", "---------")] + [(key, str(obj)) for key, obj in sources]

    def clean_source(self):
        return self._sources[self.cleaned_data["source"]]

    def clean_awarded_on(self):
        return awarded_on_check(self.cleaned_data["awarded_on"])

    def clean_recipients(self):
        return recipients_parse(self.cleaned_data["recipients"])


class ManualIssueForm(forms.Form):
    association = forms.ModelChoiceField(label=_("Issuing association"), queryset=Association.objects.none())
    title = forms.CharField(label=_("Achievement"), max_length=300, help_text=_("e.g. the workshop's title."))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Certificate.Kind.EVENT, Certificate.Kind.EVENT.label),
            (Certificate.Kind.OTHER, Certificate.Kind.OTHER.label),
        ],
    )
    date = forms.DateField(
        label=_("Date awarded"), widget=forms.DateInput(attrs={"type": "date"}), help_text=AWARDED_HELP
    )
    cpd_hours = forms.DecimalField(label=_("CPD hours"), min_value=0, max_digits=6, decimal_places=2)
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=CertificateTemplate.objects.none(),
        required=False,
        empty_label=_("The association's default"),
    )
    recipients = forms.CharField(
        label=_("Recipients' e-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=RECIPIENTS_HELP,
    )

    def __init__(self, *args, associations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
        self.fields["template"].queryset = CertificateTemplate.objects.filter(association__in=associations)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        return awarded_on_check(self.cleaned_data["date"])

    def clean_recipients(self):
        return recipients_parse(self.cleaned_data["recipients"])

    def clean(self):
        cleaned = super().clean()
        template, association = cleaned.get("template"), cleaned.get("association")
        if template and association and template.association_id != association.pk:
            self.add_error("template", _("Choose a template of the issuing association."))
        return cleaned
