from django import template

from courses.selectors import courses_for_track as courses_for_track_select

register = template.Library()


@register.simple_tag
def courses_for_track(page):
    """The live courses of a TrackPage's track: ``{% courses_for_track page as courses %}``."""
    return courses_for_track_select(track=page.track, locale_id=page.locale_id)
