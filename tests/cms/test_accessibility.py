"""The site's pages pass axe-core with no serious or critical violations, in English and Russian.

The pages are rendered by the test client, then loaded into Debian's Chromium with the site's CSS so
that axe sees the real markup and colours (no live server: the demo data stays in this test's transaction).
"""

import shutil

import pytest
from django.conf import settings

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = ["/", "/ru/", "/media-literacy/", "/ru/online-governance/", "/ru/about/", "/search/?q=quorum"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)"),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed"),
]


def test_public_pages_have_no_serious_accessibility_violations(client, site_pages):
    from playwright.sync_api import sync_playwright

    rendered = {url: client.get(url).content.decode() for url in PAGES}
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    problems, rules_passed = {}, 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
        )
        page = browser.new_page(bypass_csp=True)
        for url, html in rendered.items():
            page.set_content(html)
            page.add_style_tag(content=css)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("() => axe.run(document)")
            rules_passed += len(result["passes"])
            serious = [
                f"{violation['id']}: {violation['nodes'][0]['html']}"
                for violation in result["violations"]
                if violation["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[url] = serious
        browser.close()

    assert rules_passed > 10 * len(PAGES)  # axe really ran on every page
    assert problems == {}
