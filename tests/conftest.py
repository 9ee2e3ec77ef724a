"""Test settings overrides and personas whose names say their access.

- ``association_admin`` administers ``association``; ``board_member`` and ``member`` belong to it.
- ``other_admin`` administers ``other_association`` and nothing else.
- ``outsider`` belongs to no association; ``learner`` and ``trainer`` are platform roles.
"""

import functools
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.models import Membership
from lms.env import env_bool
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _session_media_root(tmp_path_factory):
    """Module-scoped fixtures (the demo site) run before the per-test settings below: give them a media folder of
    this test process, so parallel workers never write into one shared ``media/`` (nor into the working copy)."""
    from django.test import override_settings

    override = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("session-media"))
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def _page_cache_off():
    """The anonymous page cache (lms.page_cache) is off in tests: a page cached by one test must not be served to
    another after its data was rolled back. Tests of the cache turn it on (``settings.PAGE_CACHE_SECONDS = 300``)."""
    from django.test import override_settings

    override = override_settings(PAGE_CACHE_SECONDS=0)
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def _live_server_serialises_shared_sqlite():
    """With in-memory SQLite the live server's request threads all use the test's one connection (Django shares it):
    two requests at once (the browser posting an xAPI statement while it fetches another URL) interleave their
    savepoints on it ("no such savepoint"). Requests are served one at a time then, the whole response read inside
    the lock so a streamed body's queries stay inside it too. PostgreSQL gives each thread its own connection.

    The BBB simulator (in memory, no database) is served outside the lock: a BBB callback the site is handling asks
    the simulator for the recordings, on the same live server, and would otherwise wait for itself."""
    import threading

    UNSERIALISED_PREFIX = "/bigbluebutton-simulator/"

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATimeServer(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)
            lock = threading.Lock()

            def serialised(environ, start_response):
                if environ.get("PATH_INFO", "").startswith(UNSERIALISED_PREFIX):
                    return application(environ, start_response)
                with lock:
                    result = application(environ, start_response)
                    try:
                        body = list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()
                return body

            return super().set_app(serialised)

    original = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATimeServer
    yield
    LiveServerThread.server_class = original


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists. It hands the server the test's
    connection only when that is in-memory SQLite at the moment it starts: started first (a run or a worker whose
    first test is a browser test), it saw the file database of the settings, gave each request thread its own
    connection to the shared in-memory database and skipped the one-request lock above ("database table is locked"
    when the browser saved H5P state while posting a statement)."""
    return live_server


@pytest.fixture
def migrations_restored():
    """For a test that migrates an app back and forth: afterwards the whole schema is at the latest migrations again
    (a test that stops at its own migration would leave the other branches' later ones unapplied)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in process (as `make test` without a broker does), also in the CI run that has a broker:
    tests check what tasks do, not the transport. Tests marked ``redis`` use the real broker and worker."""
    if request.node.get_closest_marker("redis") is not None:
        # Celery marks "inside a task" in one process-wide flag that eager calls set and restore; race tests that run
        # eager tasks from several threads can leave it set. These tests are the producer: let them wait on results.
        from celery.result import allow_join_result

        with allow_join_result():
            yield
        return
    from lms.celery import app as celery_app

    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request to a /ru/ page leaves Russian active in the test's thread (Django never deactivates it after a
    response): every test starts, and leaves, in the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def association(db):
    return AssociationFactory(name="Estonian Librarians Association", slug="ela")


@pytest.fixture
def other_association(db):
    return AssociationFactory(name="Latvian Library Association", slug="lla")


@pytest.fixture
def association_admin(association):
    return MembershipFactory(association=association, role=Membership.Role.ADMIN, user__email="alice@example.org").user


@pytest.fixture
def board_member(association):
    return MembershipFactory(association=association, role=Membership.Role.BOARD, user__email="bob@example.org").user


@pytest.fixture
def member(association):
    return MembershipFactory(association=association, user__email="mia@example.org").user


@pytest.fixture
def other_admin(other_association):
    return MembershipFactory(
        association=other_association, role=Membership.Role.ADMIN, user__email="oscar@example.org"
    ).user


@pytest.fixture
def outsider(db):
    return UserFactory(email="charlie@example.org")


@pytest.fixture
def learner(db):
    return UserFactory(email="lena@example.org")


@pytest.fixture
def trainer(db):
    user = UserFactory(email="tom@example.org")
    group, _ = Group.objects.get_or_create(name="Trainers")
    user.groups.add(group)
    return user


# --- Tests that need a real service or a browser -------------------------------------------------------------
# `postgres`, `redis` and `browser` tests skip, with the reason, where the service or Chromium is absent (a
# newcomer's `make test`). With REQUIRE_SERVICES=true (postgres, redis) or REQUIRE_BROWSER=true (browser), as
# CI sets them, an absent service is a failure instead: a suite that silently skips proves nothing.

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _required(variable: str) -> bool:
    return env_bool(variable, False)


@functools.cache
def _postgres_missing() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/lis_commons"
    return None


@functools.cache
def _redis_missing() -> str | None:
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return "needs Redis and a Celery worker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return f"needs Redis at CELERY_BROKER_URL, which does not answer: {exc}"
    return None


@functools.cache
def _browser_missing() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


_NEEDS = {
    "postgres": (_postgres_missing, "REQUIRE_SERVICES"),
    "redis": (_redis_missing, "REQUIRE_SERVICES"),
    "browser": (_browser_missing, "REQUIRE_BROWSER"),
}


def _skip_or_fail(reason: str, required_by: str) -> None:
    if _required(required_by):
        pytest.fail(f"{reason} ({required_by}=true: this test must run)", pytrace=False)
    pytest.skip(f"{reason} (set {required_by}=true to make this a failure)")


def _fail_if_required(reason: str, required_by: str) -> None:
    if _required(required_by):
        pytest.fail(f"{reason} ({required_by}=true: this test must run)", pytrace=False)


def _missing_for(item):
    for marker, (missing, required_by) in _NEEDS.items():
        if item.get_closest_marker(marker) is not None and (reason := missing()):
            return reason, required_by
    return None


def pytest_collection_modifyitems(config, items):
    """Mark the tests that will skip, so the summary names each one with its reason; give every transactional
    test a serialized rollback (see ``_restore_migrated_data``)."""
    for item in items:
        if (missing := _missing_for(item)) and not _required(missing[1]):
            reason, required_by = missing
            item.add_marker(pytest.mark.skip(reason=f"{reason} (set {required_by}=true to make this a failure)"))
        if _is_transactional(item) and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Fail a required test before its fixtures start a browser or touch a service (others were marked skip)."""
    if missing := _missing_for(item):
        _fail_if_required(*missing)


@pytest.fixture(scope="session")
def _django_async_unsafe():
    """Playwright's sync API keeps an event loop on the main thread for the rest of the session, so Django's
    ORM would refuse to run there (SynchronousOnlyOperation). The tests stay synchronous; allow it."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    patch.undo()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _django_async_unsafe):
    """pytest-playwright's launch arguments plus Debian's Chromium (Playwright's own download is never used)."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Contexts bypass Content-Security-Policy so axe-core can be injected into our pages."""
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}


@pytest.fixture
def axe():
    """``axe(page)`` runs axe-core on the page's document and returns its serious and critical violations."""
    if not AXE_JS.exists():
        _skip_or_fail(f"needs axe-core at {AXE_JS} (npm ci --ignore-scripts)", "REQUIRE_BROWSER")

    def run(page, context=None, options=None):
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("([c, o]) => axe.run(c || document, o || {})", [context, options])
        return AxeViolations(v for v in result["violations"] if v["impact"] in {"serious", "critical"})

    return run


class AxeViolations(list):
    """axe-core violations; ``str()`` gives lines a person can act on: rule, impact, help, offending elements."""

    def __str__(self):
        lines = [f"{len(self)} serious or critical axe-core violation(s):"]
        for violation in self:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
            for node in violation["nodes"][:10]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        return "\n".join(lines)


# --- A kept test database that an earlier run flushed ----------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_createdb(django_db_createdb, django_db_keepdb, django_db_modify_db_settings):
    """--reuse-db keeps the PostgreSQL test database between runs. A run that ended with a transactional test's
    flush (or was interrupted before putting the seeded rows back) leaves it without what migrations seeded
    (Wagtail's locale, root page, default Site), which migrating again does not restore: it is rebuilt instead."""
    return django_db_createdb or (django_db_keepdb and _kept_test_database_was_flushed())


def _kept_test_database_was_flushed() -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        return False  # SQLite test databases live in memory: every run starts fresh
    import psycopg

    db = connection.settings_dict
    try:
        with psycopg.connect(
            dbname=connection.creation._get_test_db_name(),  # the name setup_databases will use (xdist suffix too)
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            connect_timeout=5,
        ) as conn:
            (migrated,) = conn.execute("SELECT to_regclass('wagtailcore_locale') IS NOT NULL").fetchone()
            if not migrated:
                return False
            (seeded,) = conn.execute("SELECT EXISTS (SELECT 1 FROM wagtailcore_locale)").fetchone()
            return not seeded
    except psycopg.OperationalError:
        return False  # no kept database yet: setup creates it


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Once Playwright's sync API runs, test code runs in another context, where Django (asgiref's Local) hands
    out new connection objects, without the copy of the migrated data that ``serialized_rollback`` restores
    after a transactional test's flush. The copy is put where every connection object of the backend finds it."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


# --- Transactional tests leave the database as migrations left it ------------------------------------------
# A transactional test (live server, real worker, concurrency) ends with a flush that also empties what
# migrations seeded: Wagtail's locale, root page and default Site, groups, content types. pytest-django runs
# such tests after the plain `db` ones, but tests that reach the database outside `db` (module fixtures using
# django_db_blocker) and any test after them on the same xdist worker would find an empty database. So every
# transactional test gets Django's serialized rollback (the flush then skips post_migrate, which would re-create
# content types under new ids), and the seeded data is put back right after its flush.


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker and (kwargs.get("transaction") or kwargs.get("reset_sequences") or (marker.args and marker.args[0])))
        or "transactional_db" in names
        or "live_server" in names
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the session's (or xdist worker's) last test the test database itself is being torn down.
        if nextitem is not None and _is_transactional(item):
            _restore_migrated_data(item.config)


def _restore_migrated_data(config) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    blocker = config.stash.get(blocking_manager_key, None)
    if blocker is None:
        return
    with blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is None or ContentType.objects.using(alias).exists():
                continue  # no test database yet, or not flushed (the test was skipped before its database)
            connection.creation.deserialize_db_from_string(contents)
            connection.close()
