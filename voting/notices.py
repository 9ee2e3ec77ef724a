"""The e-mails of voting: a poll is open, a poll closes soon, a proxy was not applied. Plain text, each in its
recipient's preferred language (``accounts.selectors.user_preferred_language``), whatever the sender's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_preferred_language
from voting.models import AuditEntry, Poll, RollEntry
from voting.services import proxy_not_applied_text


def _link(poll: Poll) -> str:
    return settings.SITE_URL + poll.get_absolute_url()


def _casters(entries) -> dict[int, int]:
    """Who casts how many of these roll entries (a proxy holder may cast several)."""
    counts: dict[int, int] = {}
    for entry in entries:
        counts[entry.casts_for] = counts.get(entry.casts_for, 0) + 1
    return counts


def _closes(poll: Poll) -> str:
    if poll.closes_at:
        return _("It closes at %(when)s (UTC).") % {"when": poll.closes_at.strftime("%Y-%m-%d %H:%M")}
    return _("The chair closes it.")


def _send(people, write) -> int:
    """One message per person, written by ``write(person) -> (subject, paragraphs)`` in that person's language."""
    messages = []
    for person in people:
        with translation.override(user_preferred_language(user=person)):
            subject, paragraphs = write(person)
            messages.append((subject, "\n\n".join(paragraphs), None, [person.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def _recipients(ids):
    return User.objects.filter(pk__in=ids, is_active=True).only("email", "display_name")


def _to_casters(poll: Poll, entries, subject, opening) -> int:
    counts = _casters(entries)

    def write(person):
        return subject(), [
            opening(),
            _("You cast %(count)s vote(s) on its roll.") % {"count": counts[person.pk]},
            _closes(poll),
            _("Vote here: %(link)s") % {"link": _link(poll)},
        ]

    return _send(_recipients(counts), write)


def poll_opened(poll: Poll) -> int:
    words = {"association": poll.association, "title": poll.title}
    return _to_casters(
        poll,
        RollEntry.objects.filter(poll=poll),
        lambda: _("Poll open: %(title)s") % words,
        lambda: _("%(association)s has opened a poll: %(title)s.") % words,
    )


def poll_reminder(poll: Poll) -> int:
    words = {"association": poll.association, "title": poll.title}
    return _to_casters(
        poll,
        RollEntry.objects.filter(poll=poll, cast_record__isnull=True),
        lambda: _("Reminder: you have not voted yet: %(title)s") % words,
        lambda: _("The poll %(title)s of %(association)s closes soon and your vote is not cast yet.") % words,
    )


def proxies_not_applied(poll: Poll) -> int:
    """Tell each member whose proxy was not applied when the poll opened, and why (from the audit chain)."""
    reasons = {
        entry.payload["grantor"]: entry.payload
        for entry in AuditEntry.objects.filter(poll=poll, kind="proxy_not_applied").order_by("sequence")
    }
    roll = dict(RollEntry.objects.filter(poll=poll, member_id__in=reasons).values_list("member_id", "holder_id"))
    named = {p["holder"] for p in reasons.values()} | {holder for holder in roll.values() if holder}
    people = {user.pk: user for user in User.objects.filter(pk__in=named)}

    def write(person):
        payload = reasons[person.pk]
        words = {"title": poll.title, "holder": people.get(payload["holder"], "?")}
        paragraphs = [
            _("Your proxy to %(holder)s was not applied in the poll %(title)s, because %(reason)s.")
            % {**words, "reason": proxy_not_applied_text(payload["reason"])},
        ]
        if person.pk not in roll:
            paragraphs.append(_("You are not on the roll of this poll."))
        elif roll[person.pk]:
            paragraphs.append(
                _("Your vote is cast by %(holder)s, who holds your proxy.") % {"holder": people[roll[person.pk]]}
            )
        else:
            paragraphs += [
                _("You cast your vote yourself."),
                _closes(poll),
                _("Vote here: %(link)s") % {"link": _link(poll)},
            ]
        return _("Your proxy was not applied: %(title)s") % words, paragraphs

    return _send(_recipients(reasons), write)
