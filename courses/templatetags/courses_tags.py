from django import template

from courses.selectors import courses_for_track as courses_for_track_select

register = template.Library()


@register.simple_tag
def courses_for_track(track: str):
    """The live courses of a track in the active language: ``{% courses_for_track page.track as courses %}``."""
    return courses_for_track_select(track=track)
