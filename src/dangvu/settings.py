"""Django settings for dangvu. Every deployment value comes from the environment (DESIGN.md "Interfaces")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from dangvu.envconf import ConfigError, data_dir, env_bool, env_int, env_list, env_str, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent
_REPO = PACKAGE_DIR.parents[1]
BASE_DIR = _REPO if (_REPO / "pyproject.toml").exists() else Path.cwd()
DATA_DIR = data_dir(BASE_DIR)

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DANGVU_DEBUG", False)
ALLOWED_HOSTS = env_list("DANGVU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Secure by default: cookies only over HTTPS, HSTS, redirect to HTTPS. Serving plain HTTP (the
# demo on this machine, the tests) must be asked for with DANGVU_HTTPS=0.
HTTPS = env_bool("DANGVU_HTTPS", True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "dangvu.core",
    "dangvu.rules",
    "dangvu.orgs",
    "dangvu.accounts",
    "dangvu.tree",
    "dangvu.members",
    "dangvu.discipline",
    "dangvu.evaluation",
    "dangvu.awards",
    "dangvu.recruitment",
    "dangvu.congress",
    "dangvu.activities",
    "dangvu.inspection",
    "dangvu.reports",
    "dangvu.restructuring",
    "dangvu.exchange",
    "dangvu.demo",
    "dangvu.api",
    "dangvu.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed (Django's CSRF tokens are masked per response, and GZipMiddleware pads
    # its output against BREACH); static files come compressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangvu.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangvu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangvu.accounts.middleware.SessionLimitMiddleware",
    "dangvu.accounts.middleware.SecondFactorMiddleware",
    "dangvu.accounts.middleware.NewPasswordMiddleware",
    "dangvu.accounts.middleware.CheckedWritesMiddleware",
]

ROOT_URLCONF = "dangvu.urls"
WSGI_APPLICATION = "dangvu.wsgi.application"

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
                "dangvu.accounts.context_processors.nav",
            ],
        },
    },
]


def _database(variable: str = "DANGVU_DATABASE_URL") -> dict[str, object]:
    default_url = f"sqlite:///{DATA_DIR / 'dangvu.sqlite3'}"
    url = env_str(variable, default_url) or default_url
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    except Exception as exc:  # dj-database-url raises several types for a malformed URL
        raise ConfigError(f"{variable} is not a database URL: {exc}") from exc
    engine = str(config.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        config["OPTIONS"] = {
            # Seconds a writer waits for another's lock before giving up: the web's pages answer
            # "busy, nothing written" then (core.dblock); the task worker waits longer.
            "timeout": env_int("DANGVU_SQLITE_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine.endswith("postgresql"):
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ConfigError(f"{variable} must be a sqlite:// or postgres:// URL")
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {"default": _database()}
# A read replica of the PostgreSQL primary (streaming replication): report figures are read there
# (dangvu.core.routers); everything else, and every write, goes to the primary.
if env_str("DANGVU_REPLICA_URL", ""):
    DATABASES["replica"] = {**_database("DANGVU_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
    # A replica that does not answer is found down in seconds, and the figures are read from the
    # primary meanwhile (dangvu.core.routers): a connection given up after 2 s, an open one whose
    # network is gone after about 15 s (TCP keepalives and user timeout); the URL's own options
    # (`?connect_timeout=N`) win.
    if str(DATABASES["replica"]["ENGINE"]).endswith("postgresql"):
        DATABASES["replica"]["OPTIONS"] = {
            "connect_timeout": 2,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": 15000,
            **dict(DATABASES["replica"].get("OPTIONS") or {}),  # type: ignore[call-overload]
        }
DATABASE_ROUTERS = ["dangvu.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

# Sessions in the database; a read does not wait on a long write for its session (accounts.sessions).
SESSION_ENGINE = "dangvu.accounts.sessions"
SESSION_IDLE_SECONDS = env_int("DANGVU_SESSION_IDLE", 3600)
SESSION_MAX_SECONDS = env_int("DANGVU_SESSION_MAX", 10 * 3600)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "dangvu.core.views.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the reverse proxy that terminates TLS (docs/security.md): it must set this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
OTP_TOTP_ISSUER = "dangvu"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["dangvu.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names cached for a year, with .gz and .br beside them (`dangvu serve` collects them
    # first); before that, plain names (core/staticfiles.py).
    "staticfiles": {"BACKEND": "dangvu.core.staticfiles.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Notices by e-mail (accounts.notices), when the server has a mail relay: DANGVU_EMAIL_HOST and
# the rest; without it notices are shown in the app only. DANGVU_SITE_URL makes the links whole.
EMAIL_HOST = env_str("DANGVU_EMAIL_HOST", "") or ""
EMAIL_PORT = env_int("DANGVU_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DANGVU_EMAIL_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("DANGVU_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("DANGVU_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DANGVU_EMAIL_FROM", "dangvu@localhost") or "dangvu@localhost"
DANGVU_EMAIL = bool(EMAIL_HOST)
DANGVU_SITE_URL = env_str("DANGVU_SITE_URL", "") or ""

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Cell life (activities/): a province's own point scale for meetings (a JSON file like
# rules/meeting_scale.json, the shipped example), and whether members register a yearly
# commitment of the Hồ Chí Minh study.
DANGVU_MEETING_SCALE = env_str("DANGVU_MEETING_SCALE", "") or ""
DANGVU_HCM_COMMITMENTS = env_bool("DANGVU_HCM_COMMITMENTS", True)
# The statements every page sends are prepared on the PostgreSQL connection and planned once
# (dangvu.core.planned); off where a pooler between dangvu and PostgreSQL cannot keep them
# (PgBouncer in transaction mode before 1.21, or without max_prepared_statements).
DANGVU_PG_PREPARE = env_bool("DANGVU_PG_PREPARE", True)
