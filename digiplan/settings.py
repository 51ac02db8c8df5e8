"""One environment-driven settings module: SQLite and DEBUG by default, production by env vars."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from digiplan.lib.client_ip import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG", "True")
# The development key is public: in production it would let anyone forge sessions and, since it
# also seals the ballots when SEALING_KEY is unset, open the ballot box. Without DEBUG the key
# must come from the environment (check --deploy does not catch this key: it is long enough).
ERROR_NO_SECRET_KEY = "SECRET_KEY must be set in the environment when DEBUG is off."
if not DEBUG and not os.environ.get("SECRET_KEY"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(ERROR_NO_SECRET_KEY)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
# Seals the ballots of open campaigns and the drafts (digiplan/lib/sealing.py). Never in the
# database; SECRET_KEY when unset. Keep the old value in SEALING_KEY_FALLBACKS when changing it
# while a campaign is open, or its ballots cannot be opened at closing.
SEALING_KEY = os.environ.get("SEALING_KEY", "")
SEALING_KEY_FALLBACKS = [k for k in os.environ.get("SEALING_KEY_FALLBACKS", "").split(",") if k]
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    # Before django_tasks_db: its db_worker command (with a heartbeat) replaces the package's.
    "digiplan.health",
    "digiplan.accounts",
    "digiplan.organisations",
    "digiplan.audit",
    "digiplan.demo",
    "digiplan.privacy",
    "digiplan.signin",
    "digiplan.imports",
    "digiplan.frameworks",
    "digiplan.registry",
    "digiplan.assessments",
    "digiplan.plans",
    "digiplan.reports",
    "digiplan.comparison",
    "digiplan.onboarding",
    "digiplan.operations",
    "djangosaml2",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
]

MIDDLEWARE = [
    # One log line per request, and /healthz answered before everything else (docs/operations.md).
    "digiplan.lib.requestlog.RequestLogMiddleware",
    "digiplan.health.middleware.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # SAML state in a session of its own whose cookie is SameSite=None: the IdP POSTs the
    # answer from its own site, and the Lax session cookie is not sent with that POST.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "digiplan.lib.language.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session gave its second factor; then the huvudman's rules (signin.middleware).
    "django_otp.middleware.OTPMiddleware",
    "digiplan.signin.middleware.SignInPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception runs first: a lost database connection answers 503.
    "digiplan.lib.unavailable.DatabaseUnavailableMiddleware",
]
# After AuthenticationMiddleware: the GET requests of REPLICA_VIEWS read from the replica (lib/db_router.py).
MIDDLEWARE += ["digiplan.lib.db_router.ReplicaReadsMiddleware"]

ROOT_URLCONF = "digiplan.urls"
WSGI_APPLICATION = "digiplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "digiplan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "digiplan.accounts.context_processors.navigation",
                "digiplan.signin.context_processors.sign_out",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
        # A kept connection is checked before a request uses it: after a PostgreSQL restart
        # the first request reconnects instead of failing (tests/operations/test_faults_*).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside the one writer; the timeout waits out short write locks.
    # secure_delete overwrites what is deleted (drafts, ballots at closing), so that the file
    # keeps no trace of it in its free pages.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests run on a file, as production does: an in-memory database shared between threads
    # refuses a second writer at once ("table is locked") where a file waits for the lock.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"digiplan-test-{os.getpid()}.sqlite3")
    }

# A read-only copy of the database (PostgreSQL streaming replication) for the report and result
# pages: only the GET requests of REPLICA_VIEWS read from it, everything else and every write
# uses "default" (digiplan/lib/db_router.py; docs/operations.md, "Running several app servers").
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=envint("DB_CONN_MAX_AGE", "0")
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["digiplan.lib.db_router.ReplicaRouter"]
REPLICA_VIEWS = ["report_unit", "report_org", "results_org", "results_unit"]

# Shared by every app server: Redis when REDIS_URL is set (needs the redis package), otherwise
# a table in the database (made by the migration accounts 0002_cache_table). Never the
# per-process memory cache: a PDF dropped from it on one server would live on in the others.
CACHES: dict[str, dict[str, object]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "digiplan_cache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Signed out after SESSION_IDLE_MINUTES without a request: the cookie is renewed on every request.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "30") * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Keeps the cookie a browser-session cookie when a huvudman's idle time is set per session.
SESSION_ENGINE = "digiplan.lib.sessions"

# The name authenticator apps show beside the account (two-step verification).
OTP_TOTP_ISSUER = "Digiplan"

# Repeated failed sign-ins lock the account name from that address for a while.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Reverse proxies and load balancers (addresses or networks, comma-separated) whose
# X-Forwarded-For is believed: the client is the rightmost address in it that is not one of them.
# Empty: the header is ignored and the connection's address is the client's. The sign-in lockout
# and the limit on guessing codes both key on that address (digiplan/lib/client_ip.py).
TRUSTED_PROXIES = parse_networks(os.environ.get("TRUSTED_PROXIES", ""))
AXES_CLIENT_IP_CALLABLE = "digiplan.lib.client_ip.client_ip"
# Pupil codes and staff links that do not exist, tried from one address: after GUESS_LIMIT in
# GUESS_WINDOW_MINUTES the address waits out the window (HTTP 429). Each code or link that worked
# from the address raises its limit by GUESS_LIMIT_PER_CODE, so a school behind one address,
# typos included, is not stopped; a code that worked there keeps working while it waits.
GUESS_LIMIT = envint("GUESS_LIMIT", "30")
GUESS_LIMIT_PER_CODE = envint("GUESS_LIMIT_PER_CODE", "10")
GUESS_WINDOW_MINUTES = envint("GUESS_WINDOW_MINUTES", "15")

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "digiplan" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "digiplan" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Console e-mail in development (DEBUG without EMAIL_HOST); SMTP otherwise.
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", "25"),
                "username": os.environ.get("EMAIL_USER", ""),
                "password": os.environ.get("EMAIL_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "False"),  # STARTTLS, usually port 587
                "use_ssl": envbool("EMAIL_USE_SSL", "False"),  # TLS from the start, usually 465
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Digiplan <no-reply@digiplan.localhost>")

# E-mail and long jobs go through Django's task framework. In development they run at once;
# in production (or with TASK_BACKEND=database) a worker runs them: manage.py db_worker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("TASK_BACKEND", "immediate" if DEBUG else "database") == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}

# ZIPs of every unit's report are deleted this many days after they were asked for
# (manage.py purge_report_archives, daily).
REPORT_ARCHIVE_DAYS = envint("REPORT_ARCHIVE_DAYS", "30")

# Uploads larger than this are refused before they are read (imports of organisation data).
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
# An Excel file (a zip) is refused before it is opened if its parts would inflate to more than
# this, or any large part more than this many times its packed size (digiplan/lib/uploads.py).
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024))
IMPORT_MAX_COMPRESSION_RATIO = envint("IMPORT_MAX_COMPRESSION_RATIO", "100")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# No inline script or style anywhere: every page loads only our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")

# SAML sign-in (digiplan/signin/saml.py; docs/signin.md). One SP for the installation:
# entity ID {SITE_URL}/saml/metadata/. Its key pair comes from SAML_SP_KEY_FILE and
# SAML_SP_CERT_FILE, or is generated once into SAML_KEY_DIR (keep that directory: a new key
# means registering the SP again with the federation).
SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE", "")
SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE", "")
SAML_KEY_DIR = Path(os.environ.get("SAML_KEY_DIR", str(BASE_DIR / "var" / "saml")))
SAML_XMLSEC_BINARY = os.environ.get("SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
SAML_ACCEPTED_TIME_DIFF = envint("SAML_ACCEPTED_TIME_DIFF", "60")  # seconds of clock skew
SAML_METADATA_VALID_HOURS = envint("SAML_METADATA_VALID_HOURS", str(24 * 7))
SAML_METADATA_TIMEOUT = envint("SAML_METADATA_TIMEOUT", "20")  # seconds per fetch
SAML_CONFIG_LOADER = "digiplan.signin.saml.config_loader"
SAML_SESSION_COOKIE_NAME = "saml_session"

# LOG_FORMAT=json: every log line a JSON object (digiplan/lib/jsonlog.py). digiplan.requests
# logs one line per request at INFO (digiplan/lib/requestlog.py): on by default without DEBUG.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "digiplan.lib.jsonlog.JsonFormatter"},
    },
    # Django's "Not Found: /path" lines get the URL pattern instead of the address (a link).
    "filters": {"redact_paths": {"()": "digiplan.lib.requestlog.RedactRequestPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["redact_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "digiplan.requests": {
            "handlers": ["console"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO"),
            "propagate": False,
        },
        # The worker's own lines (tasks started, finished, failed) in the same format.
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Paths whose requests are logged without a user id, signed in or not: the answering pages.
ANONYMOUS_PATH_PREFIXES = ("/svar/", "/elev/")

# /healthz (digiplan/health): the worker renews its heartbeat every WORKER_HEARTBEAT_SECONDS;
# older than WORKER_HEARTBEAT_MAX_AGE means no worker is alive (503). The migration check is
# cached per process for HEALTHZ_MIGRATION_CACHE_SECONDS.
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", "10")
WORKER_HEARTBEAT_MAX_AGE = envint("WORKER_HEARTBEAT_MAX_AGE", "60")
HEALTHZ_MIGRATION_CACHE_SECONDS = envint("HEALTHZ_MIGRATION_CACHE_SECONDS", "10")
# Probes speak plain HTTP inside the network (HealthzMiddleware answers first anyway).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
