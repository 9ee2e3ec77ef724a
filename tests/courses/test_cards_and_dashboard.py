"""Course cards (cover image, track, level, hours, the viewer's progress), track pages that list courses through
cms's registry, and My learning as a dashboard with a CPD chart drawn on the server."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils.html import format_html
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import TrackPage
from cms.tracks import TrackListing, track_listing_register, track_listing_unregister
from courses.selectors import cpd_chart
from courses.services import enrolment_create, lesson_complete
from tests.certificates.factories import issue
from tests.courses.factories import catalogue, course_create, home_page, lesson_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def track_page():
    page = TrackPage(title="Media literacy", slug="media-literacy", track="media-literacy", intro="Judge sources.")
    return home_page().add_child(instance=page)


def _cover(tmp_path) -> Image:
    path = tmp_path / "cover.png"
    PILImage.new("RGB", (1600, 900), (11, 83, 148)).save(path)
    with path.open("rb") as handle:
        return Image.objects.create(title="Cover", file=ImageFile(handle, name="cover.png"))


def test_a_card_shows_track_level_hours_and_a_decorative_band_without_a_cover(client, association):
    course_create(issuer=association, title="Checking sources", level="intermediate", estimated_hours=3, cpd_hours=2)

    html = client.get(catalogue().url).content.decode()

    card = html[html.index('<li class="card course-card">') :]
    assert '<div class="course-card__placeholder course-card__placeholder--media-literacy" aria-hidden="true">' in card
    assert '<p class="course-card__track">Media literacy</p>' in card
    assert "<dt>Level</dt><dd>Intermediate</dd>" in card
    assert "<dt>Study time</dt><dd>3 h</dd>" in card
    assert "<dt>CPD hours</dt><dd>2</dd>" in card


def test_a_cover_image_is_a_lazy_responsive_rendition(client, association, tmp_path):
    course = course_create(issuer=association, title="Checking sources")
    course.cover = _cover(tmp_path)
    course.save_revision().publish()

    html = client.get(catalogue().url).content.decode()

    img = re.search(r'<img [^>]*class="course-card__image"[^>]*>', html).group(0)
    assert 'loading="lazy"' in img and 'alt=""' in img and "sizes=" in img
    assert re.search(r'srcset="[^"]+ 400w, [^"]+ 800w"', img)


def test_the_cover_costs_no_query_per_card(client, association, learner, tmp_path, django_assert_max_num_queries):
    cover = _cover(tmp_path)
    for _ in range(3):
        course = course_create(issuer=association)
        course.cover = cover
        course.save_revision().publish()
    client.force_login(learner)
    client.get(catalogue().url)  # renditions are made once
    with django_assert_max_num_queries(40) as captured:
        client.get(catalogue().url)
    small = len(captured.captured_queries)
    for _ in range(5):
        course = course_create(issuer=association)
        course.cover = cover
        course.save_revision().publish()
    client.get(catalogue().url)
    with django_assert_max_num_queries(small):
        client.get(catalogue().url)


def test_an_enrolled_learner_sees_progress_in_words_on_the_card(client, association, learner):
    course = course_create(issuer=association, title="Checking sources")
    first = lesson_create(course)
    lesson_create(course)
    enrolment_create(learner=learner, course=course)
    lesson_complete(learner=learner, lesson=first)
    client.force_login(learner)

    html = client.get(catalogue().url).content.decode()

    assert "Progress: 1 of 2 lessons complete (50%)" in html
    assert f'<progress id="progress-{course.pk}" max="100" value="50">' in html


def test_someone_not_enrolled_sees_no_progress(client, association, outsider):
    course_create(issuer=association)
    client.force_login(outsider)

    assert "course-progress" not in client.get(catalogue().url).content.decode()


def test_the_track_page_lists_its_courses_as_styled_cards(client, association, track_page):
    course_create(issuer=association, title="Checking sources")
    course_create(issuer=association, title="Running meetings", track="online-governance")

    html = client.get(track_page.url).content.decode()

    assert '<link rel="stylesheet" href="/static/css/courses.css">' in html
    assert '<h2 id="track-courses-heading">Courses in this track</h2>' in html
    assert "Checking sources" in html and "Running meetings" not in html


def test_another_app_may_add_a_listing_to_track_pages(client, track_page):
    track_listing_register(
        "elsewhere", lambda request, page: TrackListing(html=format_html("<p>More on {}</p>", page.track))
    )
    try:
        html = client.get(track_page.url).content.decode()
    finally:
        track_listing_unregister("elsewhere")

    assert "<p>More on media-literacy</p>" in html


def test_a_listing_that_is_not_marked_safe_is_escaped(client, track_page):
    track_listing_register("careless", lambda request, page: TrackListing(html="<script>alert(1)</script>"))
    try:
        html = client.get(track_page.url).content.decode()
    finally:
        track_listing_unregister("careless")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_cms_templates_do_not_reach_into_other_apps_templates_or_tags():
    """Import contracts cannot see templates: cms's templates name no template or tag library of a higher app."""
    offenders = []
    for path in (Path(settings.BASE_DIR) / "cms/templates").rglob("*.html"):
        text = path.read_text()
        for app in ("courses", "webinars", "voting", "certificates", "h5p"):
            if re.search(rf"""["']{app}/|{{% load [^%]*\b{app}_""", text):
                offenders.append(f"{path.name}: {app}")
    assert not offenders


def test_my_learning_is_a_dashboard_of_progress_and_cpd_hours(client, association, learner):
    course = course_create(issuer=association, title="Checking sources")
    lesson = lesson_create(course)
    lesson_create(course)
    enrolment_create(learner=learner, course=course)
    lesson_complete(learner=learner, lesson=lesson)
    issue(recipient=learner, hours="3.5")
    client.force_login(learner)

    html = client.get(reverse("courses:learning")).content.decode()

    assert "<dt>Courses in progress</dt><dd>1</dd>" in html
    assert "<dt>CPD hours earned</dt><dd>3.5</dd>" in html
    assert "Progress: 1 of 2 lessons complete (50%)" in html
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img" aria-labelledby="cpd-chart-title"' in svg
    assert '<title id="cpd-chart-title">' in svg
    assert re.search(r'<rect x="56" y="6" width="200.0" height="20"', svg)
    assert "<caption>CPD hours per year</caption>" in html
    assert "http" not in svg.replace("http://www.w3.org", "")  # nothing fetched from elsewhere


def test_the_chart_keeps_coordinates_unlocalised_in_russian(client, association, learner):
    issue(recipient=learner, hours="2.5")
    client.force_login(learner)

    html = client.get("/ru" + reverse("courses:learning")).content.decode()

    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    assert 'width="200.0"' in svg and 'x="262.0"' in svg  # a decimal point in geometry
    assert ">2,5</text>" in svg  # a decimal comma in what people read (the |number filter: no trailing zero)


def test_the_chart_scales_bars_to_the_busiest_year():
    chart = cpd_chart([(2024, "2"), (2025, "8"), (2026, "0")])

    assert [bar.width for bar in chart["bars"]] == ["50.0", "200.0", "0.0"]
    assert chart["total"] == 10
    assert cpd_chart([])["bars"] == []


def test_my_learning_costs_no_more_with_more_certificates(client, learner, django_assert_max_num_queries):
    issue(recipient=learner, hours="1")
    client.force_login(learner)
    client.get(reverse("courses:learning"))
    with django_assert_max_num_queries(30) as captured:
        client.get(reverse("courses:learning"))
    small = len(captured.captured_queries)
    for _ in range(5):
        issue(recipient=learner, hours="1")
    with django_assert_max_num_queries(small):
        client.get(reverse("courses:learning"))
