"""Django settings, read only from the environment.

Every variable is parsed by a helper in ``phrom.core.env`` that refuses nonsense with a
message naming the variable, so a typo fails at start-up instead of at 3 a.m.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from phrom.core.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
    private_data_dir,
    private_sqlite_file,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# The folder and every file Phrom makes in it are readable by their owner only.
DATA_DIR = private_data_dir("PHROM_DATA_DIR", str(Path.cwd() / "var"))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    # (under names in the reader's language; phrom/core/third_party_apps.py)
    "phrom.core.third_party_apps.BackgroundTasksConfig",
    "phrom.core.third_party_apps.SignInRecordsConfig",
    "csp",
    "phrom.core",
    "phrom.agencies",
    "phrom.frameworks",
    "phrom.responses",
    "phrom.results",
    "phrom.reviews",
    "phrom.accounts",
    "phrom.notifications",
    "phrom.publications",
    "phrom.exports",
    "phrom.dashboard",
    "phrom.awards",
    # Last, so that Phrom's Thai wording wins over the admin's for shared words ("Remove").
    "django.contrib.admin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files are compressed in advance), before anything that
    # reads or writes a response's body.
    "phrom.core.middleware.CompressPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phrom.core.middleware.ThaiFirstLocaleMiddleware",
    # After the language is chosen, so that its refusal is in the person's language.
    "phrom.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "phrom.core.middleware.StoredFiguresUnreadableMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a sign-in refused by the throttle into the page that says until when.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "phrom.urls"
WSGI_APPLICATION = "phrom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "phrom.core.context_processors.text_size",
                "phrom.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'phrom.sqlite3'}")}
private_sqlite_file(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The throttle first (it counts each attempt, or refuses it while signing in is paused),
# then Django's back-end, with the person's profile loaded in the same query as the user.
AUTHENTICATION_BACKENDS = [
    "phrom.accounts.throttle.ThrottleBackend",
    "phrom.accounts.backends.ProfileBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Bangkok")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start without it
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if env_str("PHROM_S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("PHROM_S3_BUCKET", ""),
            "endpoint_url": env_str("PHROM_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("PHROM_S3_REGION", "") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
# Evidence files: the largest accepted upload, in megabytes.
PHROM_MAX_UPLOAD_MB = env_int("PHROM_MAX_UPLOAD_MB", 20)
# Export files (phrom/exports): the file of a finished export is deleted from storage this
# many days after it finished, by `phrom worker` (hourly) or `phrom manage remove_old_exports`;
# its row stays, so the list still says who asked for what and when.
PHROM_EXPORT_KEEP_DAYS = env_int("PHROM_EXPORT_KEEP_DAYS", 30, minimum=1)
# Tests and `phrom serve` run without collectstatic; whitenoise then serves from finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "phrom@localhost")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Sign-in throttling (django-axes, phrom.accounts.throttle): failed sign-ins allowed within
# AXES_COOLOFF_TIME of the last one, per entry of AXES_LOCKOUT_PARAMETERS: one account from
# one address, one account from every address (so that one address cannot pause an account
# for others), one address over every account (names made up included).
AXES_HANDLER = "phrom.accounts.throttle.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
PHROM_LOGIN_FAILURE_LIMITS = [5, 20, 100]
AXES_FAILURE_LIMIT = PHROM_LOGIN_FAILURE_LIMITS[0]
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_USERNAME_CALLABLE = "phrom.accounts.throttle.username_key"
AXES_CLIENT_IP_CALLABLE = "phrom.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "phrom.accounts.views.paused"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Uploaded evidence, like the rest of the data folder, is its owner's only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# HTTPS. PHROM_HTTPS=true: cookies only over HTTPS, plain HTTP redirected (except /healthz,
# which load balancers ask over HTTP), browsers told to keep to HTTPS for
# PHROM_HSTS_SECONDS. `phrom manage check --deploy` is clean with it on.
PHROM_HTTPS = env_bool("PHROM_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = PHROM_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("PHROM_HSTS_SECONDS", 31_536_000, minimum=0) if PHROM_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PHROM_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PHROM_HSTS_PRELOAD", False)
# Preloading is a commitment the owner of the whole domain makes, not a default: the
# deployment check's reminder of it is silenced unless PHROM_HSTS_PRELOAD asks for it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# A reverse proxy in front sets X-Forwarded-Proto and X-Forwarded-For (replacing what
# clients send in them): only then are they trusted, for HTTPS and for the sign-in throttle.
PHROM_BEHIND_PROXY = env_bool("PHROM_BEHIND_PROXY", False)
if PHROM_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every page (django-csp): scripts and styles only from Phrom's
# static files, or inline with the page's nonce; no plugins, no framing, forms posted only
# back to Phrom. (Bars take their width from a class of phrom/widths.css, not a style.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Expected refusals (403, 400) in one line; a 500 keeps its traceback.
        "client_errors_without_traceback": {
            "()": "phrom.core.log_filters.ClientErrorsWithoutTraceback",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["client_errors_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
