"""The demo site of the cms tests (built once per module, rolled back afterwards) serves the page cache's tests."""

from tests.cms.conftest import demo_site, site_pages  # noqa: F401  (fixtures)
