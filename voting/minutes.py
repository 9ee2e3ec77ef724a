"""Minutes of a meeting (or of a single poll): agenda of polls, roll and presence, proxies, results with the rules
that decided them, and each poll's audit chain head. JSON first; the PDF is the same data through a template.

The PDF is rendered by WeasyPrint the way certificates are: from a string, with a fetcher that accepts inline
``data:`` URLs only, so rendering never reaches the network or the file system.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from voting import rules, selectors, services
from voting.models import Meeting, Poll, milli_to_weight
from voting.presence import present_member_ids


def _iso(value):
    return value.isoformat() if value else None


def _poll(poll: Poll) -> dict:
    rule = poll.ruleset.as_rule()
    verdict = services.poll_audit_verify(poll=poll)
    results = selectors.poll_results(poll)
    roll = poll.roll.select_related("member", "holder").order_by("member__email")
    return {
        "id": poll.pk,
        "title": poll.title,
        "kind": poll.kind,
        "secrecy": poll.secrecy,
        "state": poll.state,
        "opened_at": _iso(poll.opened_at),
        "closed_at": _iso(poll.closed_at),
        "rules": {
            "name": rule.name,
            "version": rule.version,
            "text": [rules.quorum_text(rule), rules.majority_text(rule), rules.tie_text(rule)],
        },
        "roll": {
            "hash": poll.roll_hash,
            "heads": poll.roll_heads,
            "weight": str(milli_to_weight(poll.roll_weight)),
            "entries": [
                {
                    "member": str(entry.member),
                    "weight": str(milli_to_weight(entry.weight)),
                    "cast_by_proxy": str(entry.holder) if entry.holder_id else None,
                }
                for entry in roll
            ],
        },
        "present": {"heads": poll.present_heads, "weight": _weight_or_none(poll.present_weight)},
        "proxies": [
            {
                "member": str(proxy.grantor),
                "holder": str(proxy.holder),
                "granted_at": _iso(proxy.granted_at),
                "revoked_at": _iso(proxy.revoked_at),
                "instruction": proxy.instruction,
            }
            for proxy in selectors.proxy_register(poll)
        ],
        "proxies_not_applied": [
            {"member": str(row.member), "holder": str(row.holder), "reason": row.reason}
            for row in selectors.proxies_not_applied(poll)
        ],
        "result": None
        if results is None
        else {
            "outcome": str(results.outcome.result),
            "outcome_text": rules.result_words(results.outcome.result),
            "winners": [row.label for row in results.rows if row.won],
            "tied": [row.label for row in results.rows if row.key in results.outcome.tied],
            "rules_cited": list(results.outcome.cited),
            "ballots": results.cast_heads,
            "weight": results.cast_weight,
            "turnout_by_head_percent": results.turnout_heads,
            "turnout_by_weight_percent": results.turnout_weight,
            "options": [{"option": row.label, "heads": row.heads, "weight": row.weight} for row in results.rows],
            "receipts_counted": poll.receipts.count(),
        },
        "named_votes": [{"member": name, "choices": choices} for name, choices in selectors.named_votes(poll)],
        "audit": {"entries": verdict.entries, "head": verdict.head, "verified": verdict.ok},
    }


def _weight_or_none(milli):
    return None if milli is None else str(milli_to_weight(milli))


def minutes(*, polls, meeting: Meeting | None = None) -> dict:
    polls = list(polls)
    association = (meeting or polls[0]).association if (meeting or polls) else None
    present = []
    if meeting is not None:
        ids = present_member_ids(meeting)
        present = sorted(str(membership.user) for membership in association.memberships.filter(user_id__in=ids))
    return {
        "association": str(association) if association else None,
        "meeting": None
        if meeting is None
        else {"title": meeting.title, "body": meeting.get_body_display(), "starts_at": _iso(meeting.starts_at)},
        "present": present,
        "generated_at": timezone.now().isoformat(),
        "polls": [_poll(poll) for poll in polls],
    }


def meeting_minutes(meeting: Meeting) -> dict:
    polls = meeting.polls.select_related("ruleset", "association").order_by("pk")
    return minutes(polls=polls, meeting=meeting)


def poll_minutes(poll: Poll) -> dict:
    return minutes(polls=[poll], meeting=None)


def minutes_pdf(data: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("voting/minutes.html", {"minutes": data})
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
