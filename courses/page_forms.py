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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from accounts import roles
from accounts.models import Association
from accounts.refusals import Refusal


def time_zone_note() -> str:
    """ "Times are in Europe/Riga (UTC+02:00)": the zone the admin reads and shows times in (the editor's own, or
    the site's ``TIME_ZONE``), with its offset now."""
    offset = timezone.localtime().strftime("%z")
    return _("Times are in %(zone)s (UTC%(offset)s).") % {
        "zone": timezone.get_current_timezone_name(),
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


class AuthoringPageForm(WagtailAdminPageForm):
    """The admin form of courses and lessons.

    - A new page whose slug a sibling already uses gets the next free one (``-2``, ``-3``...). Wagtail 8's autosave
      creates the page while its author is still typing, so starting a second course (or lesson) with the same title
      would otherwise stop at "The slug is already in use" on an address the author never chose. An existing page
      keeps Wagtail's refusal: renaming a published address is never done silently.
    - The scheduling dialog says which time zone its times are in, and when the page is scheduled to go live.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        note = time_zone_note()
        for name in ("go_live_at", "expire_at"):
            if name in self.fields:
                self.fields[name].help_text = note
        scheduled = getattr(self.instance, "go_live_at", None) if self.instance.pk else None
        if scheduled and "go_live_at" in self.fields:
            local = timezone.localtime(scheduled)
            when = f"{date_format(local, 'DATE_FORMAT')} {local:%H:%M} {timezone.get_current_timezone_name()}"
            self.fields["go_live_at"].help_text = _("Scheduled for %(when)s. %(note)s") % {"when": when, "note": note}

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        parent = getattr(self, "parent_page", None)
        if not slug or self.instance.pk or parent is None:
            return slug
        candidate, suffix = slug, 1
        while not Page._slug_is_available(candidate, parent, self.instance):
            suffix += 1
            candidate = f"{slug}-{suffix}"
        return candidate


class CoursePageForm(AuthoringPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = self._stored_values()
        user = self.for_user
        if "issuer" in self.fields and not roles.is_site_admin(user):
            current = self._stored["issuer_id"] if self._stored else None
            issuable = roles.associations_issuable_by(user).values("pk")
            self.fields["issuer"].queryset = Association.objects.filter(Q(pk__in=issuable) | Q(pk=current))
        if "trainers" in self.fields:
            # Co-trainers are platform trainers and association trainers (accounts.roles); current ones stay.
            current = list(self.instance.trainers.all()) if self.instance.pk else []
            self.fields["trainers"].queryset = (
                get_user_model()
                .objects.filter(Q(pk__in=roles.trainer_candidates().values("pk")) | Q(pk__in=[u.pk for u in current]))
                .order_by("display_name", "email")
            )
            if not self.instance.pk and user is not None and user.is_authenticated and not self.is_bound:
                self.initial["trainers"] = [user.pk]  # the author trains the course they start
        locale_id = getattr(self.instance, "locale_id", None)
        if locale_id is not None:
            # A course offers skills and prerequisites of its own language (current choices stay selectable).
            if "skills" in self.fields:
                chosen = list(self.instance.skills.all()) if self.instance.pk else []
                self.fields["skills"].queryset = self.fields["skills"].queryset.filter(
                    Q(locale_id=locale_id) | Q(pk__in=[skill.pk for skill in chosen])
                )
            if "prerequisites" in self.fields:
                chosen = list(self.instance.prerequisites.all()) if self.instance.pk else []
                self.fields["prerequisites"].queryset = (
                    self.fields["prerequisites"]
                    .queryset.filter(Q(locale_id=locale_id) | Q(pk__in=[page.pk for page in chosen]))
                    .exclude(pk=self.instance.pk)
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
