"""Settings for Granska, read from the environment.

Two modes:
- development (default): SQLite under var/, DEBUG on, demo data allowed.
- production (GRANSKA_ENV=production): refuses DEBUG, the demo data and a default secret key,
  and is expected to pass `granska check --deploy`.

PostgreSQL is chosen with DATABASE_URL (postgres://user@host:port/name).
"""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from granska.env import env, env_bool, env_int, env_list

# Lets the admin and other generic classes be subscripted at run time, as the type hints do.
django_stubs_ext.monkeypatch()

# What ships with Granska (templates, static files, translations, the catalog, the report's
# template and fonts) is found inside the package, so that an installed wheel finds it too.
PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout Granska runs from, when it runs from one (src/granska inside it).
BASE_DIR = PACKAGE_DIR.parents[1]
IN_CHECKOUT = PACKAGE_DIR == BASE_DIR / "src" / "granska" and (BASE_DIR / "pyproject.toml").exists()
# What Granska writes (the SQLite database, issued reports, caches): var/ in the checkout, else
# var/ in the directory it is run from, unless GRANSKA_VAR_DIR names another.
VAR_DIR = Path(env("GRANSKA_VAR_DIR", str((BASE_DIR if IN_CHECKOUT else Path.cwd()) / "var")))

ENVIRONMENT = env("GRANSKA_ENV", "development")
if ENVIRONMENT not in ("development", "production"):
    raise ImproperlyConfigured(
        f"GRANSKA_ENV must be 'development' or 'production', not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET_KEY = "granska-development-only-not-secret-5c0e8f2a7d1b4e6f9a3c8b2d7e1f4a6c"  # noqa: S105 - refused in production
SECRET_KEY = env("GRANSKA_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
DEBUG = env_bool("GRANSKA_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("GRANSKA_DEBUG must be off in production.")
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs GRANSKA_SECRET_KEY: a secret of at least 50 characters of its own."
        )

ALLOWED_HOSTS = env_list("GRANSKA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules",
    "granska.accounts",
    "granska.catalog",
    "granska.reviews",
    "granska.reports",
    "granska.actionplans",
    "granska.surveys",
    "granska.notices",
    "granska.workflow",
    "granska.imports",
    "granska.web",
    "granska.demo",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "granska.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "granska.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form: a file too large is refused before or while it arrives.
    "granska.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "granska.middleware.RefuseUnreadableMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "granska.accounts.middleware.RequireTOTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "granska.urls"
WSGI_APPLICATION = "granska.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "granska.web.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'granska.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite, the embedded default, takes one writer at a time. A transaction that starts by
    # reading and then writes cannot wait for the lock (it would deadlock another such writer),
    # so SQLite answers at once "database is locked". Taking the write lock when the transaction
    # begins lets the second of two simultaneous saves wait its turn (up to `timeout` seconds)
    # and then meet the version check, as on PostgreSQL. Production runs on PostgreSQL.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The tests run on a file too, not in memory, so that they meet SQLite's locking as it is.
    _sqlite_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(_sqlite_file.with_name(f"{_sqlite_file.stem}-test{_sqlite_file.suffix}"))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Object permissions (granska/accounts/rules.py) first, then Django's model permissions
    # (the admin) and allauth's login by e-mail address.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "reviews:home"
LOGOUT_REDIRECT_URL = "account_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): the kansli creates every account, so there is no sign-up; people
# log in with e-mail address and password, reset a forgotten password by e-mail and add an
# authenticator app (TOTP) with recovery codes. In production the kansli and inspectors must
# have TOTP and give a code in every session (granska.accounts.middleware.RequireTOTPMiddleware);
# the admin's login is allauth's (granska.accounts.admin.admin_login).
ACCOUNT_ADAPTER = "granska.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# The kansli vouches for the addresses it enters; nobody signs up, so nothing to verify.
ACCOUNT_EMAIL_VERIFICATION = "none"
# One address per person, the one the kansli entered (the adapter refuses removing it).
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
# A session ends when the browser closes: no "remember me".
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Granska: "
# Against guessing: 20 failed logins a minute from one client address, and its logins are
# refused until the minute has passed. Per e-mail address there is no lock, which would let
# anyone who knows the address keep its owner out: after a few failures the next attempt waits,
# a little longer each time (granska.accounts.throttle, called by the adapter and the code forms).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# A password reset for an address without an account sends nothing (sign-up is closed), and the
# page answers as for a known address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# The client's address, for the limits above: behind this many reverse proxies of our own, the
# one each proxy appended to X-Forwarded-For (0: no proxy, the connection's address). With too
# low a number every client behind the proxy shares one limit; too high, clients choose theirs.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("GRANSKA_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "granska.accounts.forms.AuthenticateForm",
    "reauthenticate": "granska.accounts.forms.ReauthenticateForm",
}
MFA_TOTP_ISSUER = "Granska"
# Addresses are entered by the kansli, not by sign-up, so the takeover allauth guards against
# (sign up with someone else's address, then lock them out with MFA) cannot happen.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# E-mail: printed to the console in development; SMTP from the environment in production.
DEFAULT_FROM_EMAIL = env("GRANSKA_DEFAULT_FROM_EMAIL", "Granska <granska@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("GRANSKA_EMAIL_HOST", "localhost"),
                "port": int(env("GRANSKA_EMAIL_PORT", "587")),
                "username": env("GRANSKA_EMAIL_USER", ""),
                "password": env("GRANSKA_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("GRANSKA_EMAIL_USE_TLS", default=True),
            },
        }
        if PRODUCTION
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}

# The login rate limits live in the cache: one shared by every worker process in production.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
        if PRODUCTION
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Typeset drafts of the report, keyed by their content (granska.reports.pdf): a cache of
    # their own, so that PDFs never crowd out the login rate limits.
    "reports": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "report-cache"),
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
        if PRODUCTION
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reports",
            "OPTIONS": {"MAX_ENTRIES": 100},
        }
    ),
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Outside production WhiteNoise serves straight from the source folders, tests included.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# collectstatic's target in production; development serves from the apps' static folders.
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else None
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

# The admin shows the history of reviews, findings and assessments, and never restores an
# earlier version: their rules live in the services (granska.reviews.admin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Uploaded and generated files: the issued final reports. Never served as static files: each is
# read through a view that checks who may have it (reports.views).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# What a form may send. Its text (every field but files) is at most 2 MB, far above what anyone
# types; files larger than 1 MB are spooled to disk while they arrive, not held in memory; a
# form carries one file (a follow-up report's evidence, at most 10 MB: granska.uploads), and
# never more than a few.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2**20
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# The organisation that issues the reports, named on their cover.
GRANSKA_REPORT_ISSUER = env(
    "GRANSKA_REPORT_ISSUER", "Läkarnas institut för professionell utveckling i sjukvården"
)

# Background work: Django's tasks, queued in the database and run by `granska db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The handlingsplan (SPEC §2, §6): due this many months after the final report; reminders this
# many days before each date (and once when it has passed); a new review this many years after the
# final report.
GRANSKA_PLAN_MONTHS = 3
GRANSKA_REMINDER_DAYS_BEFORE = int(env("GRANSKA_REMINDER_DAYS_BEFORE", "14"))
GRANSKA_REVIEW_INTERVAL_YEARS = 5
# Where Granska is reached, for the links in e-mails and calendar entries and the domain of the
# calendar's event UIDs. Only development (DEBUG on) has a default, runserver's address; without
# DEBUG it must be set, or Granska does not start (granska.E002, granska/web/checks.py).
GRANSKA_SITE_URL = env("GRANSKA_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# Where people write to the kansli: in every page's footer and the personal-data notice.
GRANSKA_CONTACT_EMAIL = env("GRANSKA_CONTACT_EMAIL", "spur@granska.example")

# The surveys (SPEC §7): a group's results show only when at least this many of it answered (a
# round keeps the value it opened with and never goes lower); reminders this many days apart,
# at most this many times; the questionnaire loaded by `granska questionnaire load` and the demo.
GRANSKA_SURVEY_MIN_ANSWERS = env_int("GRANSKA_SURVEY_MIN_ANSWERS", 4)
GRANSKA_SURVEY_REMINDER_DAYS = 7
GRANSKA_SURVEY_REMINDER_MAX = 2
GRANSKA_DEFAULT_QUESTIONNAIRE = PACKAGE_DIR / "surveys" / "data" / "spur-enkat-2025.yaml"

# The catalog file loaded by `granska catalog load` when no file is named, and by the demo.
GRANSKA_DEFAULT_CATALOG = PACKAGE_DIR / "catalog" / "data" / "spur-st-2025.yaml"

# Content-Security-Policy, in every mode so that the tests meet it: scripts, styles, fonts and
# images from Granska itself only, no inline script or style, no frames, forms posted only back to
# Granska. (allauth draws the TOTP QR code as a data: image.)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# The browser features Granska never uses, switched off for its pages (Permissions-Policy).
GRANSKA_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), serial=(), usb=(), xr-spatial-tracking=()"
)

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("GRANSKA_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("GRANSKA_CSRF_TRUSTED_ORIGINS", [])

# Logs carry no personal data: no request bodies, no e-mail addresses, no names.
# The tokens of personal links (a survey's, an invitation's, a calendar's) are cut from every
# record, runserver's request lines included (granska.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secret_paths": {"()": "granska.logs.SecretPathFilter"}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["secret_paths"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["secret_paths"],
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The request loggers cut the secrets themselves too, so that a handler added elsewhere (an
    # error tracker, a test's capture) never receives a token either.
    "loggers": {
        "django.server": {
            "handlers": ["server"],
            "filters": ["secret_paths"],
            "level": "INFO",
            "propagate": False,
        },
        "django.request": {
            "handlers": ["console"],
            "filters": ["secret_paths"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
