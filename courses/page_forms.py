"""The Wagtail edit form of a course: who may be named its issuer, and what a trainer may not change once it is live.

The issuer signs the course's certificates with its key, and the CPD hours are printed on them, so:

- the issuer offered is an association where the editor ``may_issue_for`` (an officer or a trainer of it; site
  administrators any), plus the course's current one so that an unrelated edit still saves;
- choosing an issuer is checked again in ``clean`` (a forged POST is refused, not only a filtered list), and so is
  changing the CPD hours, even of a draft: only someone who may issue for the course's association sets them;
- once the course is live, changing its issuer or its CPD hours needs an officer of the issuer it has now (or a site
  administrator). A trainer's attempt is refused in the form, with the reason, rather than queued in a workflow:
  Wagtail's approval tasks are per group, not per association, so no task can say "an officer of *this* course's
  association"; the refusal tells the trainer whom to ask.

The live values are read from the database row (Wagtail keeps drafts in revisions), so a draft cannot launder a
change: the comparison is always with what learners' certificates would carry today.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from accounts import roles
from accounts.models import Association
from accounts.refusals import Refusal


class CoursePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = self._stored_values()
        user = self.for_user
        if "issuer" in self.fields and not roles.is_site_admin(user):
            current = self._stored["issuer_id"] if self._stored else None
            issuable = roles.associations_issuable_by(user).values("pk")
            self.fields["issuer"].queryset = Association.objects.filter(Q(pk__in=issuable) | Q(pk=current))
        if "trainers" in self.fields:
            # Co-trainers are people who author courses (the Trainers group); current ones stay selectable.
            current = self.instance.trainers.all() if self.instance.pk else []
            self.fields["trainers"].queryset = (
                get_user_model()
                .objects.filter(Q(groups__name=roles.TRAINERS_GROUP) | Q(pk__in=[user.pk for user in current]))
                .distinct()
                .order_by("display_name", "email")
            )

    def _stored_values(self) -> dict | None:
        """The course as learners see it now (the database row), or None for a new course."""
        if not self.instance.pk:
            return None
        return (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk)
            .values("issuer_id", "cpd_hours", "live")
            .first()
        )

    def clean(self):
        cleaned = super().clean()
        user = self.for_user
        if roles.is_site_admin(user):
            return cleaned
        stored = self._stored
        issuer = cleaned.get("issuer")
        issuer_changed = issuer is not None and (stored is None or issuer.pk != stored["issuer_id"])
        if issuer_changed and not roles.may_issue_for(user, issuer):
            self.add_error(
                "issuer",
                Refusal(
                    _(
                        "You may name only an association where you are an officer or a trainer as the issuer. "
                        "Ask an officer of %(association)s to make you one of its trainers."
                    ),
                    params={"association": issuer.name},
                    code="issuer_not_allowed",
                ),
            )
        hours_changed = stored is not None and cleaned.get("cpd_hours") not in (None, stored["cpd_hours"])
        if hours_changed and not issuer_changed and not roles.may_issue_for(user, stored["issuer_id"]):
            # Even on a draft: the hours are printed on certificates signed in the issuer's name.
            self.add_error(
                "cpd_hours",
                Refusal(
                    _(
                        "You may set the CPD hours only of courses issued by an association where you are an "
                        "officer or a trainer."
                    ),
                    code="hours_not_allowed",
                ),
            )
        elif stored is not None and stored["live"] and not roles.is_association_officer(user, stored["issuer_id"]):
            hours = cleaned.get("cpd_hours")
            officers_of = Association.objects.filter(pk=stored["issuer_id"]).values_list("name", flat=True).first()
            if issuer_changed:
                self.add_error(
                    "issuer",
                    Refusal(
                        _(
                            "This course is published: only an officer of %(association)s may change its issuer. "
                            "Ask one of them, or a site administrator."
                        ),
                        params={"association": officers_of},
                        code="live_issuer",
                    ),
                )
            if hours is not None and hours != stored["cpd_hours"]:
                self.add_error(
                    "cpd_hours",
                    Refusal(
                        _(
                            "This course is published: only an officer of %(association)s may change its CPD "
                            "hours. Ask one of them, or a site administrator."
                        ),
                        params={"association": officers_of},
                        code="live_hours",
                    ),
                )
        if stored is None and user is not None and user.is_authenticated and "trainers" in cleaned:
            # Whoever creates a course trains it (and so may go on editing it).
            trainers = list(cleaned["trainers"] or [])
            if user not in trainers:
                cleaned["trainers"] = [*trainers, user]
        return cleaned
