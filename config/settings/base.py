"""Settings shared by every environment. Values that differ come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("HOCTAP_DATA_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "hoctap.core.views.csrf_failure"  # in the user's language, not Django's English

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "hoctap.core",
    "hoctap.geo",
    "hoctap.accounts",
    "hoctap.audit",
    "hoctap.imports",
    "hoctap.registry",
    "hoctap.learning",
    "hoctap.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hoctap.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hoctap.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hoctap.accounts.context_processors.navigation",
            ],
        },
    },
]


def database_from_env() -> dict[str, object]:
    """SQLite (WAL) unless DATABASE_URL names another database (PostgreSQL in production)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "hoctap.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, with writers queued on a lock file (hoctap/core/sqlite, ADR 0016)
        config["ENGINE"] = "hoctap.core.sqlite"
        # WAL lets the web server read while the task worker writes; IMMEDIATE makes
        # a writing transaction take the lock up front instead of failing half-way.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,  # seconds a writer waits for the lock (SQLite's busy timeout)
        }
        # Keep each thread's connection: opening one runs the PRAGMAs above, which costs more
        # than the queries of a typical request (ADR 0013, bench/lesson_complete.py).
        config["CONN_MAX_AGE"] = 600
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# officers sign in with a user name; learners with their ID number or phone (ADR 0013)
AUTHENTICATION_BACKENDS = [
    "hoctap.accounts.auth.AccountBackend",
    "hoctap.learning.auth.LearnerBackend",
]
# the database store, reading its row in plain SQL (hoctap/core/sessions.py)
SESSION_ENGINE = "hoctap.core.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learning:start"  # learners to their learning, officers to their home
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hoctap" / "locale"]
FORMAT_MODULE_PATH = ["hoctap.core.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_THOUSAND_SEPARATOR = True  # 1.234.567 in Vietnamese, 1,234,567 in English
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# How many reverse proxies of ours stand in front of the app (0: none; X-Forwarded-For is then
# ignored). The client's address is the N-th from the right of X-Forwarded-For.
HOCTAP_TRUST_X_FORWARDED_FOR = int(os.environ.get("HOCTAP_TRUST_X_FORWARDED_FOR", "") or 0)
# Failed attempts to prove who one is, per hour, before further attempts are refused until the
# next hour: per user name or ID number tried, and per client address (a commune office helping
# residents sign up shares one address). hoctap/accounts/throttle.py, ADR 0015.
HOCTAP_FAILED_ATTEMPT_LIMITS = {
    "sign_in": {"name": 10, "address": 100},
    "sign_up": {"name": 5, "address": 60},
}
HOCTAP_DEMO_PROVINCE = os.environ.get("HOCTAP_DEMO_PROVINCE", "15")
# Uploads (lesson videos up to 200 MB, attachments, import files): a file larger than this is
# streamed to a temporary file on disk as it arrives, never held in memory; the rest of a
# request's body (form fields, e.g. a lesson's HTML) may not pass DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# Lesson videos uploaded on the course pages: the largest file, in MB, and the kinds accepted,
# by the file name's extension (formats a phone's browser plays). A link to a video hosted
# elsewhere is the lighter choice on a slow connection.
HOCTAP_LESSON_VIDEO_MAX_MB = int(os.environ.get("HOCTAP_LESSON_VIDEO_MAX_MB", "200"))
HOCTAP_LESSON_VIDEO_EXTENSIONS = ["mp4", "m4v", "webm", "ogv", "mov"]
# The largest file the import page accepts, in MB (a province's persons as CSV: ~350 MB).
HOCTAP_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("HOCTAP_IMPORT_MAX_UPLOAD_MB", "500"))
# The address the public reaches the server by (e.g. https://hoctap.laocai.gov.vn), for links
# that leave the site: the QR code on a certificate PDF. Empty: the address of the request.
HOCTAP_PUBLIC_URL = os.environ.get("HOCTAP_PUBLIC_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # certificate PDFs: WeasyPrint logs every rendering step and font subset at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
