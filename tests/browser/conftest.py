"""Browser tests: Debian's Chromium, driven by Playwright, against Django's live server.

The live server runs in a thread of the test process, so these tests use a transactional database. Its
flush at the end of each test would drop the Wagtail root page and default Site that migrations create;
``serialized_rollback`` puts them back before each test.
"""

import pytest
from wagtail.models import Page, Site

from cms.models import HomePage, TrackPage
from cms.tracks import Track


@pytest.fixture
def site_pages(transactional_db):
    """The smallest page tree the site needs: a HomePage as the default Site's root, with one TrackPage."""
    home = Page.get_first_root_node().add_child(
        instance=HomePage(
            title="LIS Commons",
            slug="lis-commons",
            intro="Training and governance for library and information professionals.",
        )
    )
    track = home.add_child(
        instance=TrackPage(
            title="Media literacy",
            slug="media-literacy",
            track=Track.MEDIA_LITERACY,
            intro="Teach people to find, judge and use information.",
            audience="Public and school librarians.",
        )
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save(update_fields=["root_page"])
    return {"home": home, "track": track}
