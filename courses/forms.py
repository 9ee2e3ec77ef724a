from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Language, Level, Skill, Track


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search courses"), required=False, max_length=200)
    track = forms.ChoiceField(label=_("Track"), required=False, choices=[("", _("All tracks")), *Track.choices])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"), required=False, queryset=Skill.objects.none(), empty_label=_("All skills")
    )

    def __init__(self, *args, locale=None, languages=None, **kwargs):
        """``locale``: the catalogue's Locale (or its id), whose skills are offered; ``languages``: the codes to offer
        (those some course can be taken in); None offers every one."""
        super().__init__(*args, **kwargs)
        if languages is not None:
            self.fields["language"].choices = [
                ("", _("All languages")),
                *[(code, label) for code, label in Language.choices if code in languages],
            ]
        skills = Skill.objects.order_by("name")
        self.fields["skill"].queryset = skills.filter(locale=locale) if locale is not None else skills

    def clean_q(self):
        return self.cleaned_data["q"].strip()


class EnrolByEmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to enrol"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this e-mail address. Ask the person to sign up first."))
        self.cleaned_data["learner"] = user
        return email
