"""Settings for the IMH-HV platform: one file, driven by the environment.

Environment variables:
  DEBUG          "1" for development (default off).
  DEMO_MODE      "1" shows the synthetic-data banner and lets administrators skip the
                 two-factor requirement (on for `make run`, off by default).
  SECRET_KEY     required when DEBUG is off (tests get a throwaway key).
  DATABASE_URL   default sqlite:///db.sqlite3; e.g. postgres://user@127.0.0.1:5432/imhhv
  ALLOWED_HOSTS  comma-separated; default "127.0.0.1,localhost" in DEBUG.
  SECURE_HTTPS   "1" when served behind HTTPS (default: on when DEBUG is off): secure
                 cookies, HSTS and the HTTPS redirect.
  DB_POOL, DB_POOL_MIN, DB_POOL_MAX   PostgreSQL connection pool per process (on; 1; 4).
  DATABASE_REPLICA_URL  streaming replica for reads inside config.db.report_reads().
  REPLICA_MAX_LAG_SECONDS, REPLICA_CHECK_SECONDS, REPLICA_RETRY_SECONDS,
  REPLICA_CONNECT_TIMEOUT   replica fallback (30, 5, 10, 1); see config/db.py.
  DRAFT_RETENTION_DAYS  days an untouched draft of a form is kept (14); see imhhv/drafts.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --- Local env file (ops) ---------------------------------------------------------------
# `make run` writes generated secrets (SECRET_KEY …) to a git-ignored file, IMHHV_ENV_FILE
# (default .env.local), so every later `python manage.py …` in this checkout works as the
# README writes it. The environment wins over the file. Tests never read it: a test must not
# depend on one checkout's local file (subprocess tests point IMHHV_ENV_FILE at their own).
def load_env_file(path: Path) -> None:
    """`KEY=VALUE` lines (blank lines and `#` comments skipped) into os.environ, unless set."""
    for line in path.read_text().splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


ENV_FILE = Path(os.environ.get("IMHHV_ENV_FILE") or BASE_DIR / ".env.local")
if "PYTEST_VERSION" not in os.environ:
    if ENV_FILE.is_file():
        load_env_file(ENV_FILE)
    if (
        not os.environ.get("SECRET_KEY")
        and not env_flag("DEBUG")
        and Path(sys.argv[0]).name == "manage.py"
    ):
        # A command run on a fresh clone before `make run`: one clear line, not a traceback.
        sys.exit(
            f"SECRET_KEY is not set and {ENV_FILE} does not exist. Run `make run` once (it "
            "writes generated keys to that file), or export SECRET_KEY and AUDIT_HMAC_KEYS "
            "(or DEBUG=1 for development)."
        )
# --- end of the local env file block ------------------------------------------------------

DEBUG = env_flag("DEBUG")
DEMO_MODE = env_flag("DEMO_MODE")
# pytest sets PYTEST_VERSION for the whole session (pytest >= 8.2).
TESTING = "PYTEST_VERSION" in os.environ

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if (DEBUG or TESTING) else ""
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "imhhv.audit",
    "imhhv.reference",  # reference data every app reads: policy, risk factors, holidays
    "imhhv.agencies",
    "imhhv.accounts",
    "imhhv.drafts",  # server-side drafts of long forms (see imhhv/drafts)
    "imhhv.families",
    "imhhv.workforce",  # staff qualifications and reflective supervision (issue 10)
    "imhhv.visits",
    "imhhv.api",
    "imhhv.reports",
    "imhhv.jobs",  # the task queue for long jobs (database-backed; see imhhv/jobs)
    "imhhv.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "imhhv.accounts.middleware.SecurityHeadersMiddleware",
    "imhhv.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "imhhv.accounts.middleware.SessionTimeoutMiddleware",
    "imhhv.drafts.middleware.DraftMiddleware",  # keeps a POST that came after the timeout
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "imhhv.accounts.middleware.AccessPolicyMiddleware",
    "imhhv.accounts.pages.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "imhhv.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Databases (ops) -----------------------------------------------------------------------
# DATABASE_URL (the primary); on PostgreSQL a psycopg pool per process (DB_POOL, DB_POOL_MIN,
# DB_POOL_MAX); DATABASE_REPLICA_URL adds a streaming replica that may serve the reads inside
# `config.db.report_reads()`, falling back to the primary when it is down or lags more than
# REPLICA_MAX_LAG_SECONDS. Decisions in config/db.py.
from config.db import (  # noqa: E402
    DEFAULT_CHECK_SECONDS,
    DEFAULT_MAX_LAG_SECONDS,
    DEFAULT_RETRY_SECONDS,
    database_settings,
    env_seconds,
)

DATABASES = database_settings(os.environ, default_url=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASE_ROUTERS = ["config.db.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` serves SQLite from several processes (gunicorn's workers and a job
    # worker): a write transaction takes the write lock at BEGIN and waits for it, instead
    # of failing with "database is locked" when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
REPLICA_MAX_LAG_SECONDS = env_seconds(
    os.environ, "REPLICA_MAX_LAG_SECONDS", DEFAULT_MAX_LAG_SECONDS
)
REPLICA_CHECK_SECONDS = env_seconds(os.environ, "REPLICA_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)
REPLICA_RETRY_SECONDS = env_seconds(os.environ, "REPLICA_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
# --- end of the databases block -------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "imhhv.accounts.throttling.AddressLockoutBackend",  # per-address limit, see below
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_REDIRECT_URL = "reports:home"

# Sessions: server-side (database), HIPAA automatic logoff.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=15)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
API_TOKEN_LIFETIME = timedelta(hours=8)
# Drafts of long forms (imhhv/drafts) are PHI: deleted when the record is saved, and by the
# daily `drafts.purge` job once untouched for this many days (two working weeks: a note
# begun before a holiday week survives it; older typing is more risk than help).
DRAFT_RETENTION_DAYS = int(os.environ.get("DRAFT_RETENTION_DAYS", "14"))
if DRAFT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("DRAFT_RETENTION_DAYS must be at least 1.")

# Lockout (django-axes): 5 failures per username + IP, 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "imhhv.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "imhhv.audit.middleware.client_ip_for_axes"
# And per source address across usernames (password spraying): this many failed sign-ins
# from one address within the window lock that address for every username until the
# failures age out (imhhv/accounts/throttling.py). Same neutral message and 429, audited.
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "20"))
SIGN_IN_ADDRESS_WINDOW = timedelta(
    minutes=int(os.environ.get("SIGN_IN_ADDRESS_WINDOW_MINUTES", "15"))
)

# Cache: DRF's API throttles count requests here. Local memory by default (per process,
# so with N worker processes a limit is N times looser); set CACHE_BACKEND and
# CACHE_LOCATION (e.g. django.core.cache.backends.redis.RedisCache, redis://…) to share
# the counts between app servers. Tests use local memory, cleared between tests.
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "imhhv"),
    }
}

# Two-factor (django-otp).
OTP_TOTP_ISSUER = "IMH-HV Michigan"
RECOVERY_CODE_COUNT = 10

# Security headers.
SECURE_HTTPS = env_flag("SECURE_HTTPS", default=not DEBUG and not TESTING)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSRF_COOKIE_HTTPONLY = True
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"

# Source IP for audit and lockout: REMOTE_ADDR unless a trusted proxy count is given,
# then the address that many hops from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Audit chain keys (imhhv/audit/keys.py): HMAC-SHA256 secrets kept out of the database.
# AUDIT_HMAC_KEYS="id1:secret1,id2:secret2"; AUDIT_HMAC_KEY_ID = the key new events use
# (optional when only one key is given). Required when DEBUG is off, like SECRET_KEY;
# DEBUG, tests and DEMO_MODE fall back to a fixed development key. AUDIT_LEGACY_SEQ_MAX:
# the last seq of unkeyed events written before the chain was keyed (default 0: none).
from imhhv.audit.keys import DEVELOPMENT_KEY, DEVELOPMENT_KEY_ID, parse_keys  # noqa: E402

AUDIT_HMAC_KEYS = parse_keys(os.environ.get("AUDIT_HMAC_KEYS", ""))
AUDIT_HMAC_KEY_ID = os.environ.get("AUDIT_HMAC_KEY_ID", "").strip()
if not AUDIT_HMAC_KEYS:
    if DEBUG or TESTING or DEMO_MODE:
        AUDIT_HMAC_KEYS = {DEVELOPMENT_KEY_ID: DEVELOPMENT_KEY}
        AUDIT_HMAC_KEY_ID = AUDIT_HMAC_KEY_ID or DEVELOPMENT_KEY_ID
    else:
        raise ImproperlyConfigured("AUDIT_HMAC_KEYS must be set when DEBUG is off.")
if not AUDIT_HMAC_KEY_ID and len(AUDIT_HMAC_KEYS) == 1:
    AUDIT_HMAC_KEY_ID = next(iter(AUDIT_HMAC_KEYS))
if AUDIT_HMAC_KEY_ID not in AUDIT_HMAC_KEYS:
    raise ImproperlyConfigured("AUDIT_HMAC_KEY_ID must name one of the keys in AUDIT_HMAC_KEYS.")
AUDIT_LEGACY_SEQ_MAX = int(os.environ.get("AUDIT_LEGACY_SEQ_MAX", "0"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Detroit"
USE_I18N = True
USE_TZ = True

# --- Static files (ops) -------------------------------------------------------------------
# WhiteNoise serves them with DEBUG off (gunicorn in `make run` and in production), right
# after SecurityMiddleware so the HTTPS redirect still applies. Served from STATIC_ROOT with
# content-hashed names after `collectstatic` (run by `make run`); DEBUG and tests read the
# source folders directly, so neither needs a collectstatic first.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# --- end of the static files block ----------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "imhhv.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "imhhv.api.common.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Rate limits (imhhv/api/throttles.py): 429 with Retry-After, first refusal audited.
    "DEFAULT_THROTTLE_CLASSES": ["imhhv.api.throttles.ApiUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_user": os.environ.get("API_RATE_PER_USER", "600/min"),
        "token_sign_in": os.environ.get("API_RATE_TOKEN_SIGN_IN", "10/min"),
    },
}
# The browsable API is a development aid: in production the API speaks JSON only (an HTML
# page of a PHI endpoint would be one more way to render and cache records).
if not DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
SPECTACULAR_SETTINGS = {
    "TITLE": "IMH-HV platform API",
    "DESCRIPTION": "Michigan Infant Mental Health Home Visiting. Every endpoint is scoped "
    "to the caller's agency and team and audited.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "imhhv.api.schema.document_common_responses",
    ],
}

# A visit note signed more than this many business days after the visit is late.
DOCUMENTATION_DEADLINE_BUSINESS_DAYS = int(
    os.environ.get("DOCUMENTATION_DEADLINE_BUSINESS_DAYS", "2")
)

# Aggregates shown to the state suppress cells of 1..SMALL_CELL_MAX people (DOMAIN.md §7).
SMALL_CELL_MAX = 10

# Application logs carry ids, never PHI.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}
