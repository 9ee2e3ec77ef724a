"""Who is present at a meeting. Today the chair marks presence by hand (``Presence``); once webinars record
attendance, ``present_member_ids`` reads ``webinars.selectors`` instead and nothing else in voting changes."""

from __future__ import annotations

from voting.models import Meeting, Presence


def present_member_ids(meeting: Meeting) -> set[int]:
    """The ids of the people attending the meeting now."""
    return set(Presence.objects.filter(meeting=meeting).values_list("member_id", flat=True))
