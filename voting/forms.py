"""Forms of the chair: a new rules version, a meeting, a poll. They parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from voting.models import Body, Meeting, Poll, RuleSet
from webinars import selectors as webinar_selectors


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RuleSetForm(forms.ModelForm):
    entitled_roles = forms.MultipleChoiceField(
        label=_("Roles on the roll"),
        choices=Membership.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every role."),
    )

    class Meta:
        model = RuleSet
        fields = [
            "body",
            "name",
            "quorum_base",
            "quorum_by",
            "quorum_num",
            "quorum_den",
            "majority",
            "majority_base",
            "count_by",
            "abstentions_count",
            "tie",
            "proxy_limit",
            "proxy_kind",
            "entitled_roles",
        ]

    def terms(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("body"), data.pop("name")
        return data


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.ChoiceField(label=_("Body"), choices=Body.choices)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    webinar = forms.ModelChoiceField(
        label=_("Held as the online meeting"),
        queryset=None,
        required=False,
        help_text=_(
            "Optional. Then those present are the members attending that online meeting; "
            "otherwise the chair marks presence by hand."
        ),
    )

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["webinar"].queryset = webinar_selectors.association_meetings(association=association)


class PollForm(forms.Form):
    ruleset = forms.ModelChoiceField(label=_("Rules of procedure"), queryset=RuleSet.objects.none())
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Poll.Kind.choices)
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Poll.Secrecy.choices)
    options = forms.CharField(
        label=_("Options or candidates"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line. Not needed for a motion (yes / no / abstain)."),
    )
    min_choices = forms.IntegerField(label=_("Choose at least"), min_value=1, initial=1)
    max_choices = forms.IntegerField(label=_("Choose at most"), min_value=1, initial=1)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, initial=1)
    opens_at = forms.DateTimeField(label=_("Opens at"), required=False, widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), required=False, widget=DateTimeInput())

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruleset"].queryset = RuleSet.objects.filter(association=association).order_by("body", "-version")
        self.fields["meeting"].queryset = Meeting.objects.filter(association=association)

    def poll_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = data["options"].splitlines()
        return data
