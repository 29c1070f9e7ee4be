"""Marelle settings: everything that differs between machines comes from the environment.

Bad values fail loudly at start-up rather than at the first request.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import csp.constants as csp
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("MARELLE_INSECURE_DEV_KEY", True):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "marelle-dev-only-not-secret"  # noqa: S105 - demo and tests only

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # django.contrib.admin, with an administrators-only site behind the second factor.
    "marelle.core.admin_apps.MarelleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "marelle.core",
    "marelle.audit",
    "marelle.territory",
    "marelle.families",
    "marelle.planning",
    "marelle.attendance",
    "marelle.billing",
    "marelle.messaging",
    "marelle.documents",
    "marelle.privacy",
    "marelle.portal",
    "marelle.backoffice",
    "marelle.demo",
    "marelle.standin_bank",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself (compressed, cached), before anything touches the session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "marelle.core.middleware.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marelle.core.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marelle.urls"
WSGI_APPLICATION = "marelle.wsgi.application"

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
                "marelle.portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'marelle.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        # A kept connection that the server dropped (restart, failover) is replaced before
        # the request uses it, instead of failing that request with a 500.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
    # Parameters bound by the server, so that psycopg prepares a query it has run 5 times on a
    # connection: PostgreSQL then skips planning it (1.3 ms for the planning page's enfant and
    # inscriptions joins, against 0.2 ms of execution). Kept connections (CONN_MAX_AGE) keep
    # their prepared statements. DB_PREPARED_STATEMENTS=0 behind a pooler that cannot hold
    # them (PgBouncer in transaction mode before 1.21, or without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while a writer commits; IMMEDIATE takes the write lock at
    # BEGIN so that two concurrent bookings queue instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked identifiant is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # The only backend that checks passwords (it inherits ModelBackend's permissions):
    # ModelBackend after it would hash a wrong password a second time.
    "marelle.families.auth.IdentifiantBackend",
]
PASSWORD_HASHERS = [
    # argon2id at OWASP's minimum (marelle/core/hashers.py); older argon2 hashes are upgraded at login.
    "marelle.core.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:accueil"
LOGOUT_REDIRECT_URL = "portal:login"

# Lock out an identifiant, not an address: many parents share a town's or a carrier's IP.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Failures are counted per canonical identifiant: case, spaces and separators do not open new counters.
AXES_USERNAME_CALLABLE = "marelle.families.auth.axes_username"
# Besides: an address is locked after this many failures over any identifiants (0: never).
# High, so that a town hall's or a school's shared connection is not locked by its parents.
AXES_HANDLER = "marelle.families.auth.LockoutHandler"
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 100)
# Reverse proxies in front of the app (X-Forwarded-For is trusted that many hops deep); 0: none.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "marelle.families.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "marelle.portal.views.auth.lockout_response"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    # W006 asks for the IP too; that would lock out every parent behind one carrier-grade NAT.
    "axes.W006",
    # HSTS preload lists a whole registrable domain (the commune's, usually) in browsers for
    # good: the domain's owner decides, with SECURE_HSTS_PRELOAD=1; a default cannot.
    "security.W021",
]

# Capacity is recounted under a per-(service, day) lock. The switch and the delay exist only
# for the race test's negative control, which must be able to show the race without the lock.
PLANNING_CAPACITY_LOCK = env_bool("PLANNING_CAPACITY_LOCK", True)
# Online payment: a pending payment the bank never confirms expires after this many minutes
# (manage.py expire_payments). The stand-in bank page replaces eopayment's dummy bank in the
# demo and the tests; never in production.
PAYMENT_EXPIRY_MINUTES = env_int("PAYMENT_EXPIRY_MINUTES", 30)
PAYMENT_STANDIN_BANK = env_bool("PAYMENT_STANDIN_BANK", DEBUG)
# `make bench` only: /bench/floor/, a bare view served by the same processes, its yardstick.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)
PLANNING_RACE_DELAY_SECONDS = float(os.environ.get("PLANNING_RACE_DELAY_SECONDS", "0") or 0)
# Invoice numbers are taken under a row lock (gapless, no duplicates); 0 only for the race
# test's negative control. The delay widens the read-to-write gap in that test.
BILLING_NUMBER_LOCK = env_bool("BILLING_NUMBER_LOCK", True)
BILLING_RACE_DELAY_SECONDS = float(os.environ.get("BILLING_RACE_DELAY_SECONDS", "0") or 0)

# Records of children who left are purged this many years after they left (purge_departed).
RETENTION_YEARS = env_int("RETENTION_YEARS", 3)
if RETENTION_YEARS < 1:
    raise ImproperlyConfigured(f"RETENTION_YEARS must be at least 1, got {RETENTION_YEARS}")
# RGAA: without a valid audit the law's wording is "non conforme"; set "partiellement" or
# "totalement" once an audit has measured it (shown in every page's footer).
ACCESSIBILITY_STATUS = os.environ.get("ACCESSIBILITY_STATUS", "non")
if ACCESSIBILITY_STATUS not in {"non", "partiellement", "totalement"}:
    raise ImproperlyConfigured(
        f"ACCESSIBILITY_STATUS must be non, partiellement or totalement, got {ACCESSIBILITY_STATUS!r}"
    )
ACCESSIBILITY_AUDIT = os.environ.get("ACCESSIBILITY_AUDIT", "")  # e.g. "audit RGAA 4.1.2 du 12/03/2027 par …"
# Where to write about accessibility or personal data; empty: the pages send people to their mairie.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The footer's language switch (/i18n/setlang/): the choice outlives the browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# STATIC_MANIFEST=1 (production, after collectstatic): hashed and compressed names, cached a
# year by browsers. Without it (development, tests) files keep their names.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600  # files without a hash in their name; hashed ones: a year
if not STATIC_MANIFEST:
    # Files straight from static/ (no collectstatic), so that STATIC_ROOT need not exist.
    WHITENOISE_USE_FINDERS = True
    warnings.filterwarnings("ignore", message="No directory at")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Families' and communes' documents: outside the web root (never under MEDIA_URL), served
# only by scoped views; names are random tokens.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 5) * 1024 * 1024
if DOCUMENT_MAX_BYTES <= 0:
    raise ImproperlyConfigured("DOCUMENT_MAX_MB must be a positive number of megabytes")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def email_settings(url: str) -> dict[str, object]:
    """EMAIL_URL: console:// | file:///path | smtp://user:pass@host:port (?tls=1 / ?ssl=1)."""
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": parsed.path}
    if parsed.scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] == "1",
            "EMAIL_USE_SSL": parsed.scheme == "smtps" or query.get("ssl", ["0"])[0] == "1",
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme not supported: {url!r}")


globals().update(email_settings(os.environ.get("EMAIL_URL", f"file://{BASE_DIR / 'var' / 'mail'}")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Marelle <ne-pas-repondre@marelle.local>")
# A hung SMTP server must not hold the worker forever (seconds).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Background tasks (django-tasks): notification emails go through the outbox and are sent
# by `manage.py db_worker`. TASKS_BACKEND=immediate runs them inside the request instead
# (no worker needed; a slow or down SMTP server then slows the request, for trials only).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("TASKS_BACKEND", "database")]
    }
}

# REDIS_URL: a cache shared by every app server; sessions are then read from it (no query
# per page) and written through to the database. Without it, sessions stay in the database:
# a per-process cache would let a session survive its logout in another worker.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Fragments of pages that are the same for everyone (a legend, a form's fixed fields, per
# language): rendered once per process, kept in its memory, dropped at the next restart.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# "Se souvenir de moi" keeps a session this long; otherwise it ends with the browser, and any
# session without "Se souvenir de moi" ends after SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = env_int("SESSION_DAYS", 14) * 24 * 3600
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 120) * 60

# HTTPS: behind a reverse proxy that terminates TLS, SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto
# (the proxy must set it, and strip it from clients).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: our own scripts and styles only; the one inline <style> (a commune's
# colour) carries the request's nonce. CSP_FORM_ACTION adds the online-payment bank's address.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF, *(o for o in os.environ.get("CSP_FORM_ACTION", "").split(",") if o)],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
