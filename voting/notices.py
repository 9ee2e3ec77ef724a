"""The e-mails of voting: a poll is open, a poll closes soon. Plain text, in the site's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from accounts.models import User
from voting.models import Poll, RollEntry


def _link(poll: Poll) -> str:
    return settings.SITE_URL + poll.get_absolute_url()


def _casters(entries) -> dict[int, int]:
    """Who casts how many of these roll entries (a proxy holder may cast several)."""
    counts: dict[int, int] = {}
    for entry in entries:
        counts[entry.casts_for] = counts.get(entry.casts_for, 0) + 1
    return counts


def _send(poll: Poll, counts: dict[int, int], subject: str, opening: str) -> int:
    people = User.objects.filter(pk__in=counts, is_active=True).only("email")
    closes = (
        _("It closes at %(when)s (UTC).") % {"when": poll.closes_at.strftime("%Y-%m-%d %H:%M")}
        if poll.closes_at
        else _("The chair closes it.")
    )
    messages = []
    for person in people:
        body = "\n\n".join(
            [
                opening,
                _("You cast %(count)s vote(s) on its roll.") % {"count": counts[person.pk]},
                closes,
                _("Vote here: %(link)s") % {"link": _link(poll)},
            ]
        )
        messages.append((subject, body, None, [person.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def poll_opened(poll: Poll) -> int:
    entries = RollEntry.objects.filter(poll=poll)
    subject = _("Poll open: %(title)s") % {"title": poll.title}
    opening = _("%(association)s has opened a poll: %(title)s.") % {
        "association": poll.association,
        "title": poll.title,
    }
    return _send(poll, _casters(entries), subject, opening)


def poll_reminder(poll: Poll) -> int:
    entries = RollEntry.objects.filter(poll=poll, cast_record__isnull=True)
    subject = _("Reminder: you have not voted yet: %(title)s") % {"title": poll.title}
    opening = _("The poll %(title)s of %(association)s closes soon and your vote is not cast yet.") % {
        "association": poll.association,
        "title": poll.title,
    }
    return _send(poll, _casters(entries), subject, opening)
