"""In Chromium: a hostile H5P package played by a site administrator gets nothing of the site, and still plays.

The package is the real true-false fixture with attack code prepended to H5P.TrueFalse's own script (what an
attacker did on the old player, where it made itself a superuser), or with an ``<img onerror>`` in content.json's
question. The lesson is a real course lesson, played by a superuser who is not enrolled (course staff may play).

Every request to the Django admin passes a recorder (this module's urls) that notes whether it carried cookies;
a control visit by the administrator's own browser shows that the recorder sees the session when there is one.
Each test runs with the content served from the site's own host (the default) and from a separate origin
(``H5P_CONTENT_ORIGIN``): the sandbox alone must hold, the second origin is a second wall.
"""

import json
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path, resolve
from django.views.decorators.csrf import csrf_exempt
from playwright.sync_api import expect

from accounts.models import User
from h5p.models import H5PAttempt
from h5p.services import package_upload
from lms.env import env_bool
from lms.urls import urlpatterns as site_urlpatterns
from tests.courses.factories import course_create, lesson_create
from tests.factories import AssociationFactory, UserFactory
from tests.h5p.builders import build_zip, fixture_members

PLAYER = Path(settings.BASE_DIR) / "static" / "vendor" / "h5p-standalone" / "main.bundle.js"
TRUE_FALSE_JS = "H5P.TrueFalse-1.6/scripts/h5p-true-false.js"
ADD_USER = "/django-admin/accounts/user/add/"

pytestmark = [pytest.mark.browser, pytest.mark.urls(__name__)]

# --- A recorder in front of the real Django admin ------------------------------------------------------------

ADMIN_REQUESTS: list[dict] = []


@csrf_exempt  # let the refusals come from the admin's own CSRF check, after the request is noted
def recorded_admin(request, rest):
    """Note what reached the server (method, path, cookies, origin), then let the real admin answer."""
    ADMIN_REQUESTS.append(
        {
            "method": request.method,
            "path": request.path,
            "cookie": request.META.get("HTTP_COOKIE", ""),
            "origin": request.headers.get("Origin"),
            "mode": request.headers.get("Sec-Fetch-Mode"),
        }
    )
    match = resolve(request.path_info, urlconf="lms.urls")
    return match.func(request, *match.args, **match.kwargs)


urlpatterns = [path("django-admin/<path:rest>", recorded_admin), *site_urlpatterns]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The policies under test must be enforced (tests/conftest.py bypasses them so axe-core can be injected)."""
    return {**browser_context_args, "bypass_csp": False}


@pytest.fixture(autouse=True)
def _vendored_player():
    if not PLAYER.exists():
        reason = f"needs the vendored H5P player at {PLAYER} (npm ci --ignore-scripts && make static)"
        if env_bool("REQUIRE_BROWSER", False):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.fixture(params=["same-host", "content-origin"])
def origins(request, live_server, settings):
    """The site on http://localhost:<port>; the content on the same host, or on http://127.0.0.1:<port>, another
    site for the browser (no cookies of localhost go there)."""
    settings.SITE_URL = live_server.url
    if request.param == "content-origin":
        settings.H5P_CONTENT_ORIGIN = live_server.url.replace("localhost", "127.0.0.1")
    else:
        settings.H5P_CONTENT_ORIGIN = ""
    return {"site": live_server.url, "content": settings.H5P_CONTENT_ORIGIN or live_server.url}


# --- Hostile packages ------------------------------------------------------------------------------------------

ATTACK_JS = """
(function () {
  var SITE = %(site)s;
  function report(name, outcome) {
    console.log("LIS-ATTACK " + JSON.stringify({ name: name, outcome: String(outcome).slice(0, 200) }));
  }
  try { report("parent.document", "read " + parent.document.title); }
  catch (e) { report("parent.document", "blocked " + e.name); }
  try { report("document.cookie", "read " + JSON.stringify(document.cookie)); }
  catch (e) { report("document.cookie", "blocked " + e.name); }
  fetch(SITE + "/django-admin/accounts/user/", { credentials: "include" })
    .then(function (r) {
      return r.text().then(function (t) { report("fetch admin", "read " + r.status + " " + t.length); });
    })
    .catch(function (e) { report("fetch admin", "blocked " + e.name); });
  var fields = { email: "mallory@example.org", password1: "Correct-Horse-9", password2: "Correct-Horse-9",
                 is_superuser: "on", is_staff: "on", csrfmiddlewaretoken: "stolen?" };
  fetch(SITE + "%(add_user)s", { method: "POST", mode: "no-cors", credentials: "include",
                                 body: new URLSearchParams(fields) })
    .then(function () { report("post add user", "sent, opaque response"); })
    .catch(function (e) { report("post add user", "blocked " + e.name); });
  // Messages the page must ignore: state that is not text and, once the learner has clicked and the content has
  // settled (no real resize after it), an absurd height.
  parent.postMessage({ type: "lis-h5p:state", dataType: "state", subContentId: "0", data: { not: "text" } }, "*");
  document.addEventListener("click", function () {
    setTimeout(function () { parent.postMessage({ type: "lis-h5p:resize", height: 1e9 }, "*"); }, 1000);
  }, true);
  try {
    var form = document.createElement("form");
    form.method = "post";
    form.action = SITE + "%(add_user)s";
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = fields[name];
      form.appendChild(input);
    });
    document.documentElement.appendChild(form);
    form.submit();
    report("form add user", "submit() returned");
  } catch (e) { report("form add user", "blocked " + e.name); }
})();
"""


def hostile_package(*, library_js: str = "", question: str = ""):
    members = fixture_members()
    if library_js:
        members[TRUE_FALSE_JS] = library_js.encode() + b"\n" + members[TRUE_FALSE_JS]
    if question:
        content = json.loads(members["content/content.json"])
        content["question"] = question
        members["content/content.json"] = json.dumps(content).encode()
    data = SimpleUploadedFile("hostile.h5p", build_zip(members), content_type="application/zip")
    return package_upload(uploaded_file=data, title="Is this false?", uploaded_by=None)


def lesson_with(package):
    association = AssociationFactory(name="Baltic Library Association", slug="bla")
    course = course_create(issuer=association, title="Verifying information")
    value = {"package": package.pk, "title": "A quick check", "graded": True, "pass_mark": 100}
    return lesson_create(
        course, title="Interactive check", body=[{"type": "h5p", "value": value, "id": str(uuid.uuid4())}]
    )


def superuser():
    user = UserFactory(email="root@example.org")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url},
            {"name": settings.CSRF_COOKIE_NAME, "value": "c" * 32, "url": live_server.url},
        ]
    )


def attack_reports(messages, expected: int, timeout: float = 20.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while True:
        reports = {}
        for text in list(messages):
            if text.startswith("LIS-ATTACK "):
                report = json.loads(text.removeprefix("LIS-ATTACK "))
                reports[report["name"]] = report["outcome"]
        if len(reports) >= expected or time.monotonic() > deadline:
            return reports
        time.sleep(0.2)


def test_hostile_library_code_gets_nothing_of_the_site_and_the_activity_still_scores(live_server, page, origins):
    root = superuser()
    users_before = User.objects.count()
    lesson = lesson_with(
        hostile_package(library_js=ATTACK_JS % {"site": json.dumps(origins["site"]), "add_user": ADD_USER})
    )
    log_in(page, live_server, root)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))

    # Control: the administrator's own browser reaches the admin with the session, and the recorder sees it.
    page.goto(f"{live_server.url}/django-admin/accounts/user/")
    assert ADMIN_REQUESTS and "sessionid=" in ADMIN_REQUESTS[-1]["cookie"]
    ADMIN_REQUESTS.clear()

    page.goto(f"{live_server.url}{lesson.url}")
    frame = page.frame_locator("iframe.h5p-activity__frame")
    frame.get_by_role("radio", name="False").click()
    frame.get_by_role("button", name="Check").click()
    expect(page.locator("[data-h5p-status-for]")).to_have_text("Your result was saved: 1 of 1")

    reports = attack_reports(messages, expected=5)
    assert reports["parent.document"].startswith("blocked SecurityError"), reports
    assert reports["document.cookie"].startswith("blocked SecurityError"), reports
    assert reports["fetch admin"].startswith("blocked TypeError"), reports  # CORS (origin null) or the CSP
    assert "post add user" in reports and "form add user" in reports, reports

    # What reached the server from the player: never a cookie, never the form (the sandbox has no allow-forms).
    assert all(not request["cookie"] for request in ADMIN_REQUESTS), ADMIN_REQUESTS
    assert all(request["origin"] == "null" for request in ADMIN_REQUESTS), ADMIN_REQUESTS
    assert not [request for request in ADMIN_REQUESTS if request["mode"] == "navigate"], ADMIN_REQUESTS
    if origins["content"] != origins["site"]:
        # The player's policy lets it connect to the content origin only: nothing even left for the site.
        assert ADMIN_REQUESTS == []
        assert reports["post add user"].startswith("blocked TypeError"), reports
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="mallory@example.org").exists()
    assert "Interactive check" in page.title()

    # The page sized its iframe from the player's real height, not from the absurd one.
    page.wait_for_timeout(1500)
    assert page.locator("iframe.h5p-activity__frame").bounding_box()["height"] < 2000
    # A message from any window but the player's (here the page itself) is not posted as a result.
    forged = {"type": "lis-h5p:xapi", "statement": {"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}}
    page.evaluate("(message) => window.postMessage(message, '*')", forged)
    page.wait_for_timeout(300)
    assert H5PAttempt.objects.count() == 1

    attempt = H5PAttempt.objects.get()
    assert attempt.user == root
    assert (attempt.raw_score, attempt.max_score, attempt.success) == (1, 1, True)


XSS = (
    '<p>Is this false?</p><img src="x" alt="" onerror="console.log(\'LIS-XSS \' + (function () {'
    "try { return location.origin + ' cookie=' + document.cookie; } catch (e) { return 'sandboxed ' + e.name; }"
    "})()); top.document.body.setAttribute('data-pwned', '1');\">"
)


def test_an_img_onerror_in_content_json_cannot_run_in_the_sites_origin(live_server, page, origins):
    root = superuser()
    lesson = lesson_with(hostile_package(question=XSS))
    log_in(page, live_server, root)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))

    page.goto(f"{live_server.url}{lesson.url}")
    frame = page.frame_locator("iframe.h5p-activity__frame")
    expect(frame.get_by_role("radio", name="False")).to_be_visible()
    expect(frame.locator('img[src="x"]')).to_have_count(1)  # the payload is in the player's document...
    page.wait_for_timeout(500)

    # ...but its handler never runs: the player's policy allows no inline script. Were it to run, it would run in
    # the sandbox's opaque origin, without cookies, and could not reach the page (see the test above).
    assert [text for text in messages if text.startswith("LIS-XSS")] == []
    assert page.locator("body[data-pwned]").count() == 0


def test_the_player_document_opened_on_its_own_is_still_sandboxed(live_server, page, origins):
    """Its own Content-Security-Policy sandboxes it: opened outside the page's iframe it has no origin of ours."""
    root = superuser()
    lesson = lesson_with(hostile_package())
    log_in(page, live_server, root)
    page.goto(f"{live_server.url}{lesson.url}")
    player_url = page.locator("iframe.h5p-activity__frame").get_attribute("src")
    assert player_url.startswith(f"{origins['content']}/h5p/player/")
    page.goto(player_url)
    assert page.evaluate("() => window.origin") == "null"
    assert page.evaluate("() => { try { return document.cookie; } catch (e) { return e.name; } }") == "SecurityError"
