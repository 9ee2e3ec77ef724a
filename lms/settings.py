"""LIS Commons settings: one module, read from environment variables.

Embedded defaults serve development (SQLite file, eager Celery, console e-mail, local media).
Production (``DJANGO_ENV=production``) refuses to start on a development secret or with DEBUG on.
Every variable read here is listed in ``.env.example``.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lms.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "test", "production"})
PRODUCTION = DJANGO_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, used in e-mails, certificates and callbacks.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_ENV=production needs SECRET_KEY: a random value of at least 50 characters.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses DEBUG=true.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    # ours, lowest layer first
    "accounts",
    "cms",
    "h5p",
    "certificates",
    "courses",
    "webinars",
    "voting",
    "health_check",  # /health/ for load balancers (lms.health)
    "lms",  # wiring: management commands (seed_demo) that span apps
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # auth
    "allauth",
    "allauth.account",
    # background work
    "django_celery_beat",
    # security headers
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "lms.request_log.RequestTimingMiddleware",  # first: its time and query count cover every other layer
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous Wagtail pages served whole from the cache: inside CSRF (a hit's forms get the reader's token and
    # cookie), outside everything else (their headers are stored with the page).
    "lms.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.security.ContentSecurityPolicyMiddleware",
    "lms.security.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cms.fallback.TranslationFallbackMiddleware",  # after editors' redirects (responses run bottom-up)
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.routing.KnownRoutesMiddleware",  # Wagtail's serve view finds the page from a kept route (process_view)
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite file by default; DATABASE_URL (postgres://...) in production and CI.
_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(env_str("DATABASE_URL", _default_db))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default; REDIS_CACHE_URL in production (rate limits must be shared by workers).
_cache_url = env_str("REDIS_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lis-commons"}
    )
}

# Anonymous pages (Wagtail's home, tracks, catalogue, courses...) are served whole from the cache for this many
# seconds at most; editors' changes drop them at once (lms.page_cache). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
if PAGE_CACHE_SECONDS < 0:
    raise ImproperlyConfigured(f"PAGE_CACHE_SECONDS={PAGE_CACHE_SECONDS} must be 0 (off) or more.")
# Sessions are read from the cache and written through to the database: no session query on a signed-in request,
# and a cache miss (eviction, restart) falls back to the database. The cache is shared by every worker in
# production (REDIS_CACHE_URL, required there), so a logout on one node ends the session on all of them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Accounts
AUTH_USER_MODEL = "accounts.User"
# One way in: allauth's backend (a ModelBackend, so permissions work) behind allauth's login view, which applies
# the failed-login throttle and the verified-address rule. The Wagtail and Django admin login pages redirect there
# (lms/urls.py); Django's own ModelBackend is not listed, so nothing else authenticates a password.
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    # Grants only (authenticates nobody): officers author webinars in the Wagtail admin (accounts.roles decides).
    "webinars.permissions.RolesBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the name printed on certificates (stored as User.display_name).
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LIS Commons] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Failed logins are throttled per IP and per account (allauth's rate limits, kept in the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"

# Internationalisation: English and Russian, complete.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lms.formats"]  # day-month-year English dates; see lms/formats/__init__.py
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static and media
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
_media_backend = env_choice("MEDIA_STORAGE", "local", {"local", "s3"})
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if _media_backend == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
        },
    }
FILE_UPLOAD_PERMISSIONS = 0o644

# E-mail: console by default; EMAIL_URL (smtp+tls://user:pass@host:587) in production.
_email = environ.Env.email_url_config(env_str("EMAIL_URL", "consolemail://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
    if _key in _email:
        globals()[_key] = _email[_key]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LIS Commons <no-reply@lis-commons.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Wagtail
WAGTAIL_SITE_NAME = "LIS Commons"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "epub"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The admin has no login or password-reset page of its own: allauth's are the only ones (throttle, verified address).
WAGTAILADMIN_LOGIN_URL = "admin_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No request to a third party from any page: no Gravatar pictures in the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security (always on in production; `manage.py check --deploy` must report nothing there)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the H5P glue reads the token to post xAPI statements
X_FRAME_OPTIONS = "DENY"  # views that must be framed (H5P player, previews) opt in per view
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp) on every response; lms.security loosens it for the Wagtail admin only.
# A view that sets its own header keeps it (django-csp never overwrites one); per view, use the decorators
# csp.decorators.csp_override / csp_update / csp_exempt.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# Where uploaded media are served from when not from the site itself (S3-compatible storage), e.g. https://media.x.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS", [])
# Browser features no page of ours uses are switched off for every page and frame (Permissions-Policy header).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=(), fullscreen=(self)"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# A request slower than this (milliseconds) is logged at WARNING by lms.request_log.
REQUEST_LOG_SLOW_MS = env_int("REQUEST_LOG_SLOW_MS", 1000)

# H5P: strict limits for uploaded packages (the h5p app reads these at call time).
H5P_MAX_UPLOAD_BYTES = env_int("H5P_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
H5P_MAX_FILES = env_int("H5P_MAX_FILES", 2000)
H5P_MAX_FILE_BYTES = env_int("H5P_MAX_FILE_BYTES", 20 * 1024 * 1024)
H5P_MAX_TOTAL_BYTES = env_int("H5P_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
H5P_MAX_COMPRESSION_RATIO = env_int("H5P_MAX_COMPRESSION_RATIO", 100)
H5P_STATE_SAVE_SECONDS = env_int("H5P_STATE_SAVE_SECONDS", 30)
# xAPI statements one learner may post per window (a whole activity sends a few dozen at most).
H5P_XAPI_RATE_LIMIT = env_int("H5P_XAPI_RATE_LIMIT", 120)
H5P_XAPI_RATE_WINDOW = env_int("H5P_XAPI_RATE_WINDOW", 60)
# Where the sandboxed player document and the package files are served from ("https://h5p.example-content.org").
# Empty: the host of each request (development). In production, a host name on another site that points at this same
# application (and is in ALLOWED_HOSTS), so package code never shares the site's cookies or storage.
H5P_CONTENT_ORIGIN = env_str("H5P_CONTENT_ORIGIN", "").rstrip("/")
if H5P_CONTENT_ORIGIN and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", H5P_CONTENT_ORIGIN):
    raise ImproperlyConfigured(f"H5P_CONTENT_ORIGIN={H5P_CONTENT_ORIGIN!r} must be an origin: https://host[:port].")
# How long a signed link to a package's files stays valid, in seconds (at least this long, at most an hour longer).
H5P_CONTENT_URL_SECONDS = env_int("H5P_CONTENT_URL_SECONDS", 6 * 3600)

# Certificates: public verification lookups allowed per client IP and window (seconds), counted in the cache.
CERTIFICATES_VERIFY_RATE_LIMIT = env_int("CERTIFICATES_VERIFY_RATE_LIMIT", 30)
CERTIFICATES_VERIFY_RATE_WINDOW = env_int("CERTIFICATES_VERIFY_RATE_WINDOW", 60)
# WeasyPrint narrates every render step at INFO; certificates render in bulk.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    # One line per request: method, path, status, time, queries (lms.request_log); slow ones at WARNING.
    "lms.requests": {"level": env_str("REQUEST_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    "weasyprint": {"level": "WARNING"},
    "fontTools": {"level": "WARNING"},
}
# Encrypts the associations' Open Badges signing keys at rest (PKCS#8, AES-256). Keys made while it was empty stay
# readable; keep it stable once set (a lost passphrase means new keys and re-issued credentials).
CERTIFICATES_KEY_PASSPHRASE = env_str("CERTIFICATES_KEY_PASSPHRASE", "")

# --- Voting (read by the voting app at call time) ------------------------------------------------------------
# Members who have not voted are reminded this many hours before a poll closes.
VOTING_REMINDER_HOURS = env_int("VOTING_REMINDER_HOURS", 24)
# --- Webinars: BigBlueButton ------------------------------------------------------------------------------------
# The API base (ending in /bigbluebutton/), its shared secret and checksum algorithm. Development and tests default
# to the built-in simulator (webinars/simulator.py) served by this site; production refuses the simulator.
BIGBLUEBUTTON_SIMULATOR = env_bool("BIGBLUEBUTTON_SIMULATOR", not PRODUCTION)
_BBB_SIMULATOR_SECRET = "simulator-secret-not-for-production-0123456789abcdef0123456789abcdef"
BIGBLUEBUTTON_URL = env_str(
    "BIGBLUEBUTTON_URL", f"{SITE_URL}/bigbluebutton-simulator/bigbluebutton/" if BIGBLUEBUTTON_SIMULATOR else ""
)
BIGBLUEBUTTON_SECRET = env_str("BIGBLUEBUTTON_SECRET", _BBB_SIMULATOR_SECRET if BIGBLUEBUTTON_SIMULATOR else "")
BIGBLUEBUTTON_CHECKSUM = env_choice("BIGBLUEBUTTON_CHECKSUM", "sha256", {"sha1", "sha256", "sha384", "sha512"})
# Seconds to wait for BBB before telling the person it is unavailable.
BIGBLUEBUTTON_TIMEOUT = env_int("BIGBLUEBUTTON_TIMEOUT", 5)
if PRODUCTION and BIGBLUEBUTTON_SIMULATOR:
    raise ImproperlyConfigured(
        "DJANGO_ENV=production refuses BIGBLUEBUTTON_SIMULATOR=true: set a real BIGBLUEBUTTON_URL."
    )
if PRODUCTION and BIGBLUEBUTTON_SECRET == _BBB_SIMULATOR_SECRET:
    raise ImproperlyConfigured("DJANGO_ENV=production refuses the simulator's BIGBLUEBUTTON_SECRET.")
