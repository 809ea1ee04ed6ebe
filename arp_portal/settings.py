"""Settings for the ARP portal, read from the environment (see README.md, "Configuration")."""

import os
from pathlib import Path

# One BLAS thread per process: requests run in parallel across gunicorn workers already, and
# threads fighting over the same cores make small matrix sums (survey disclosure audit) 4x slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from arp_portal.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_cache_url,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. For local work, set "
            "DJANGO_DEBUG=true (the Makefile does) to use a development key."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

# Keyed hashing of HR and registration identifiers on import, so no raw id is stored.
PSEUDONYMISATION_KEY = env_str("ARP_PSEUDONYMISATION_KEY", "")
if not PSEUDONYMISATION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("ARP_PSEUDONYMISATION_KEY must be set when DJANGO_DEBUG is off.")
    PSEUDONYMISATION_KEY = "development-only-pseudonymisation-key"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

ORGANISATION_NAME = env_str("ARP_ORGANISATION_NAME", "Demoshire County Council")
SERVICE_NAME = "Anti-racist practice portal"
SERVICE_PHASE = env_str("ARP_SERVICE_PHASE", "Beta")
SUPPORT_EMAIL = env_str("ARP_SUPPORT_EMAIL", "arp-portal@demoshire.example")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "arp_portal.core",
    "arp_portal.accounts",
    "surveys",
    "dashboards",
    "actions",
]

MIDDLEWARE = [
    # First, so that even a response a later middleware makes (a 400 for a bad Host) has them.
    "arp_portal.core.middleware.BaselineHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "arp_portal.core.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so a lock-out answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "arp_portal.urls"
WSGI_APPLICATION = "arp_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "arp_portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Database: PostgreSQL only -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from arp_portal.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url(BASE_DIR)
DATABASES = {"default": parse_database_url(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: survey rate limits and computed survey results (docs/surveys.md). Never the
# database: a client address must not reach it. locmem:// (the default) is per process, so
# each gunicorn worker keeps its own count; file:// or redis:// share one count.
CACHES = {"default": parse_cache_url(env_str("ARP_CACHE_URL", "locmem://"))}
SURVEY_SUBMISSIONS_PER_HOUR = env_int("ARP_SURVEY_SUBMISSIONS_PER_HOUR", 600)
SURVEY_CODE_ATTEMPTS_PER_HOUR = env_int("ARP_SURVEY_CODE_ATTEMPTS_PER_HOUR", 60)
# The survey's own session (answers not yet sent) ends this long after the last answer saved,
# and with the browser (surveys.intake_session).
SURVEY_SESSION_SECONDS = env_int("ARP_SURVEY_SESSION_SECONDS", 2 * 60 * 60)
# Computed (suppressed) survey results are cached under a key that changes with the data.
SURVEY_RESULTS_CACHE_SECONDS = env_int("ARP_SURVEY_RESULTS_CACHE_SECONDS", 3600)
# The workforce page's disclosure decisions, cached under a digest of their counts (never stale);
# 0 decides afresh on every request (docs/adr/053-the-workforce-page-in-one-shape-and-the-
# caches-that-stay.md).
WORKFORCE_DECISION_CACHE_SECONDS = env_int("ARP_WORKFORCE_DECISION_CACHE_SECONDS", 24 * 3600)

# --- Background work: a task queue in the database (django-tasks with its database backend).
# `manage.py db_worker` runs the tasks; `make run` starts one beside the server. Never a request
# thread. ARP_TASKS_BACKEND=immediate runs each task as it is enqueued (a one-process setup).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("ARP_TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"ARP_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_task_backend!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend], "QUEUES": ["default"]}}
# The periodic housekeeping task (arp_portal.core.housekeeping) runs this often.
HOUSEKEEPING_INTERVAL_SECONDS = env_int("ARP_HOUSEKEEPING_INTERVAL_SECONDS", 10 * 60)

# --- Imports (docs/adr/052-one-import-pipeline.md): one size limit for every upload. Uploads
# stream to a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) and are read
# from disk in streams; 200 MB holds a national-scale case export (1.3 million rows, about
# 100 MB) with room to spare. Larger files go through the import commands, from disk too.
ARP_MAX_UPLOAD_BYTES = env_int("ARP_MAX_UPLOAD_MB", 200) * 1024 * 1024
# An upload waiting for its uploader to confirm what it would change is kept here, then expires.
ARP_IMPORT_STAGING_DIR = Path(env_str("ARP_IMPORT_STAGING_DIR", str(BASE_DIR / "var" / "imports")))
ARP_PENDING_IMPORT_HOURS = env_int("ARP_PENDING_IMPORT_HOURS", 24)

# --- Accounts ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Sessions end after an hour idle (a signed-in person's is refreshed on each request by
# core.middleware.SecurityHeadersMiddleware) and with the browser. The anonymous survey's session
# is saved only when answers change, so reading a page writes nothing.
# Database sessions, one round trip per read or write (docs/adr/013-lean-session-store.md).
SESSION_ENGINE = "arp_portal.core.session_store"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock out a username from an address after 5 failures, for 30 minutes.
AXES_FAILURE_LIMIT = env_int("ARP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And an address after 30 failures to any usernames in those 30 minutes (password spraying:
# a few passwords tried on every account; arp_portal.accounts.views.LoginView).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("ARP_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
# The client's address behind DJANGO_TRUSTED_PROXY_COUNT proxies (arp_portal.core.client_address),
# so the lock-out is per username and client, not per username and load balancer.
AXES_CLIENT_IP_CALLABLE = "arp_portal.core.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Email ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", SUPPORT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "arp_portal.core.views.csrf_failure"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
_https = env_bool("DJANGO_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = _https and env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The README's load-balancer setting: the balancer redirects to HTTPS and says so in
# X-Forwarded-Proto (DJANGO_BEHIND_PROXY), so Django's redirect is off on purpose and check
# --deploy's W008 ("SECURE_SSL_REDIRECT is not True") does not apply. It still warns when the
# redirect is off with no proxy in front.
SILENCED_SYSTEM_CHECKS = []
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = 31_536_000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if _https and not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS.append("security.W008")
# How many proxies (load balancer, reverse proxy) stand in front of the app server and append
# to X-Forwarded-For: the client's address is read from that header only when this is above 0.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")

# No inline script without a nonce; plotly injects <style> elements, so styles allow inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging: no client address or user agent is ever logged (see surveys anonymity) -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "filters": {
        "forbidden_without_traceback": {
            "()": "arp_portal.core.log_filters.ForbiddenWithoutTraceback"
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default configuration gives "django" a console handler of its own in debug,
        # so each record printed twice (once there, once at the root): propagate to the root only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["forbidden_without_traceback"]},
        # django.server logs each request line of runserver; keep its method/path/status only.
        "django.server": {"handlers": [], "level": "WARNING", "propagate": False},
        "pgserver": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # axes would log the address and user agent of failed logins.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
