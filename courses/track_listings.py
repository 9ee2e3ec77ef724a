"""Courses on track pages: the one module where courses register with cms's track listings (cms.tracks).

cms knows nothing of courses: a track page asks every registered app for its listing and prints the HTML. Courses
render their cards with their own templates and name their own stylesheet.
"""

from django.template.loader import render_to_string

from cms.tracks import TrackListing, track_listing_register


def courses_listing(request, page) -> TrackListing:
    """One page (``?page=``) of the live courses of the page's track in its language, as cards (with the viewer's
    progress) and the links to the other pages."""
    from courses.pagination import PAGE_PARAMETER
    from courses.selectors import courses_for_track, courses_with_progress

    shown = courses_for_track(track=page.track, locale_id=page.locale_id, page=request.GET.get(PAGE_PARAMETER))
    courses_with_progress(user=request.user, courses=shown.object_list)
    html = render_to_string("courses/includes/track_courses.html", {"page_obj": shown}, request=request)
    return TrackListing(html=html, stylesheets=("css/courses.css",))


def track_listings_register() -> None:
    """Called from CoursesConfig.ready()."""
    track_listing_register("courses", courses_listing, order=10)
