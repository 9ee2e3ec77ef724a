"""Who is present at a meeting: the one place voting decides it.

A meeting linked to an association meeting on BigBlueButton (``Meeting.webinar``) counts the members attending it
now, as ``webinars.selectors.present_members`` records them (an open attendance interval: someone who left is
not present). A meeting without one keeps the chair's marks (``Presence``).
"""

from __future__ import annotations

from voting.models import Meeting, Presence
from webinars import selectors as webinar_selectors


def presence_is_recorded(meeting: Meeting) -> bool:
    """Whether presence comes from the online meeting's attendance (then the chair does not mark it)."""
    return meeting.webinar_id is not None


def present_member_ids(meeting: Meeting) -> set[int]:
    """The ids of the people attending the meeting now."""
    if presence_is_recorded(meeting):
        return set(webinar_selectors.present_members(webinar=meeting.webinar))
    return set(Presence.objects.filter(meeting=meeting).values_list("member_id", flat=True))
