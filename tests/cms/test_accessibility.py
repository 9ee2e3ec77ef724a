"""The site's pages pass axe-core with no serious or critical violations, in English and Russian.

The pages are rendered by the test client, then loaded into Debian's Chromium with the site's CSS so
that axe sees the real markup and colours (no live server: the demo data stays in this test's transaction).
"""

import pytest
from django.conf import settings

PAGES = ["/", "/ru/", "/media-literacy/", "/ru/online-governance/", "/ru/about/", "/search/?q=quorum"]

pytestmark = [pytest.mark.browser]


def test_public_pages_have_no_serious_accessibility_violations(page, axe, client, site_pages):
    rendered = {url: client.get(url).content.decode() for url in PAGES}
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    problems = {}
    for url, html in rendered.items():
        page.set_content(html)
        page.add_style_tag(content=css)
        if found := axe(page):
            problems[url] = str(found)
    assert page.evaluate("() => typeof axe.run") == "function"  # axe really ran
    assert problems == {}
