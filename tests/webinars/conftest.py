import pytest

from webinars.simulator import SIMULATOR


@pytest.fixture
def bbb(live_server, settings):
    """The BBB simulator served by the live server, and the site pointing at it (callbacks fired by hand)."""
    settings.SITE_URL = live_server.url
    settings.BIGBLUEBUTTON_URL = f"{live_server.url}/bigbluebutton-simulator/bigbluebutton/"
    SIMULATOR.reset()
    SIMULATOR.autofire = False
    yield SIMULATOR
    SIMULATOR.reset()
    SIMULATOR.autofire = True
