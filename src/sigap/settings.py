"""Sigap settings: everything comes from environment variables with safe defaults.

See README.md for the list. A malformed value stops start-up with a message that
names the variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sigap.core.env import (
    ConfigError,
    Secret,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    secret_from_data_dir,
    secret_key_from_data_dir,
)

BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(env_str("SIGAP_DATA_DIR", "sigap-data")).expanduser().resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("SIGAP_DEBUG", False)
SECRET_KEY = Secret(env_secret("SIGAP_SECRET_KEY") or secret_key_from_data_dir(DATA_DIR))
ALLOWED_HOSTS = env_list("SIGAP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SIGAP_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",
    "sigap.core",
    "sigap.accounts",
    "sigap.customers",
    "sigap.routing",
    "sigap.sla",
    "sigap.tickets",
    "sigap.channels",
    "sigap.comms",
    "sigap.telematics",
    "sigap.portal",
    "sigap.desk",
    "sigap.kpi",
    "sigap.demo",
    "sigap.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sigap.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sigap.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "sigap.urls"
WSGI_APPLICATION = "sigap.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/admin/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("SIGAP_DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several kinds on a bad URL
        raise ConfigError(
            f"DATABASE_URL={url!r} is not a database URL Sigap can use: {exc}"
        ) from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue on
            # the busy timeout instead of one failing at its first write.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0 if config["NAME"] == ":memory:" else config["CONN_MAX_AGE"]
    elif engine == "django.db.backends.postgresql":
        # No JIT: it compiles any query estimated above jit_above_cost, which for a
        # request-sized query costs more (240 ms for the desk's queue counts) than the
        # query itself.
        options: dict[str, object] = {"options": "-c jit=off"}
        if env_bool("SIGAP_DB_PREPARED_STATEMENTS", True):
            # Server-side binding lets psycopg prepare a statement it has run 5 times on
            # a connection, so PostgreSQL stops parsing and planning the same few
            # queries on every request. Off for a PgBouncer older than 1.21 in
            # transaction mode, which cannot keep prepared statements.
            options |= {"server_side_binding": True, "prepare_threshold": 5}
        config["OPTIONS"] = options
    else:
        raise ConfigError(f"DATABASE_URL={url!r}: only sqlite:// and postgres:// are supported")
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sigap.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "sigap",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env_int("SIGAP_WORKERS_TASKS", 2, minimum=1)},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "sigap",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": False,
        "consumer": {"workers": env_int("SIGAP_WORKERS_TASKS", 2, minimum=1)},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("SIGAP_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Channels (README lists them). Secrets may also come from a file: NAME_FILE.
SIGAP_ATTACHMENT_MAX_BYTES = env_int("SIGAP_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=0)
SIGAP_SUPPORT_EMAIL = env_str("SIGAP_SUPPORT_EMAIL", "support@sigap.localhost")
# Where Sigap is reached from outside, for the links in its e-mails (a vendor's link).
SIGAP_BASE_URL = env_str("SIGAP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a vendor's link to an escalation stays valid.
SIGAP_VENDOR_LINK_DAYS = env_int("SIGAP_VENDOR_LINK_DAYS", 30, minimum=1)
DEFAULT_FROM_EMAIL = SERVER_EMAIL = SIGAP_SUPPORT_EMAIL
EMAIL_BACKEND = "sigap.channels.email.backend.EmailBackend"
SIGAP_SMTP_URL = Secret(env_secret("SIGAP_SMTP_URL") or "")
SIGAP_IMAP_URLS = Secret(env_secret("SIGAP_IMAP_URL") or "")
SIGAP_IMAP_POLL_SECONDS = env_int("SIGAP_IMAP_POLL_SECONDS", 60, minimum=5)
SIGAP_EMAIL_HOOK_TOKEN = Secret(env_secret("SIGAP_EMAIL_HOOK_TOKEN") or "")
SIGAP_WHATSAPP_APP_SECRET = Secret(env_secret("SIGAP_WHATSAPP_APP_SECRET") or "")
SIGAP_WHATSAPP_VERIFY_TOKEN = Secret(env_secret("SIGAP_WHATSAPP_VERIFY_TOKEN") or "")
SIGAP_WHATSAPP_ACCESS_TOKEN = Secret(env_secret("SIGAP_WHATSAPP_ACCESS_TOKEN") or "")
SIGAP_WHATSAPP_PHONE_NUMBER_ID = env_str("SIGAP_WHATSAPP_PHONE_NUMBER_ID", "")
SIGAP_WHATSAPP_API_BASE = env_str("SIGAP_WHATSAPP_API_BASE", "https://graph.facebook.com/v21.0")
SIGAP_WHATSAPP_THREAD_HOURS = env_int("SIGAP_WHATSAPP_THREAD_HOURS", 72, minimum=0)
SIGAP_WHATSAPP_TEMPLATE_ID = env_str("SIGAP_WHATSAPP_TEMPLATE_ID", "sigap_update_id")
SIGAP_WHATSAPP_TEMPLATE_EN = env_str("SIGAP_WHATSAPP_TEMPLATE_EN", "sigap_update_en")
# The approved template for a notice on no ticket (a broadcast): the text is its parameter.
SIGAP_WHATSAPP_TEMPLATE_NOTICE_ID = env_str("SIGAP_WHATSAPP_TEMPLATE_NOTICE_ID", "sigap_notice_id")
SIGAP_WHATSAPP_TEMPLATE_NOTICE_EN = env_str("SIGAP_WHATSAPP_TEMPLATE_NOTICE_EN", "sigap_notice_en")
# Memory a report's sorts and hashes may use in PostgreSQL, per operation (kpi.db).
SIGAP_REPORT_WORK_MEM = env_str("SIGAP_REPORT_WORK_MEM", "64MB")
# The provider's name on the title of the monthly report (kpi.report_pdf).
SIGAP_PROVIDER_NAME = env_str("SIGAP_PROVIDER_NAME", "")
# Broadcasts: how many messages are queued a minute, all channels together.
SIGAP_BROADCAST_PER_MINUTE = env_int("SIGAP_BROADCAST_PER_MINUTE", 600, minimum=1)

# Unit monitoring (telematics): the hooks' shared secret, the MQTT feed, and what
# counts as silent when no silence rule says otherwise.
# Unset, the installation makes its own (in SIGAP_DATA_DIR/telemetry_token), which
# `sigap simulate-fleet` reads; set it to configure Traccar's forwarding header.
SIGAP_TELEMETRY_TOKEN = Secret(
    env_secret("SIGAP_TELEMETRY_TOKEN") or secret_from_data_dir(DATA_DIR, "telemetry_token")
)
SIGAP_TELEMETRY_MQTT_URL = env_str("SIGAP_TELEMETRY_MQTT_URL", "mqtt://127.0.0.1:1883")
SIGAP_TELEMETRY_MQTT_CLIENT_ID = env_str("SIGAP_TELEMETRY_MQTT_CLIENT_ID", "sigap-telemetry")
SIGAP_TELEMETRY_MQTT_TOPIC = env_str("SIGAP_TELEMETRY_MQTT_TOPIC", "sigap/units/+/heartbeat")
SIGAP_TELEMETRY_SILENT_MOVING = env_int("SIGAP_TELEMETRY_SILENT_MOVING", 15, minimum=1)
SIGAP_TELEMETRY_SILENT_PARKED = env_int("SIGAP_TELEMETRY_SILENT_PARKED", 360, minimum=1)
SIGAP_TELEMETRY_SILENT_UNKNOWN = env_int("SIGAP_TELEMETRY_SILENT_UNKNOWN", 60, minimum=1)
SIGAP_TELEMETRY_MASS_UNITS = env_int("SIGAP_TELEMETRY_MASS_UNITS", 10, minimum=2)
SIGAP_TELEMETRY_MASS_MINUTES = env_int("SIGAP_TELEMETRY_MASS_MINUTES", 10, minimum=1)
SIGAP_TELEMETRY_GROUP_COMMIT = env_bool("SIGAP_TELEMETRY_GROUP_COMMIT", True)
SIGAP_TELEMETRY_BATCH = env_int("SIGAP_TELEMETRY_BATCH", 500, minimum=1)
SIGAP_TELEMETRY_BATCH_MS = env_int("SIGAP_TELEMETRY_BATCH_MS", 20, minimum=0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SIGAP_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SIGAP_LOG_LEVEL", "WARNING")},
}
