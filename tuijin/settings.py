"""Tuijin settings, read from the environment.

Secure by default: DEBUG is off and every cookie/HTTPS setting is strict unless the
environment says otherwise. The local run command (`make run`) sets DEBUG=1 explicitly.
A malformed value (DEBUG=maybe, a bad DATABASE_URL) stops start-up instead of being guessed.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tuijin.core import env as strict

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


DEBUG = strict.boolean("DEBUG", False)
TESTING = strict.boolean("TUIJIN_TESTING", False)
# Production unless explicitly running locally or under the test suite.
PRODUCTION = not (DEBUG or TESTING)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105 (local/test only)


def _fernet_keys(name: str) -> list[str]:
    # Each must be what Fernet(key) takes (32 url-safe base64 bytes); a typo stops start-up.
    keys = env.list(name, default=[])
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode())) == 32:
                continue
        except ValueError:
            pass
        raise ImproperlyConfigured(f"{name} holds a malformed Fernet key (32 url-safe base64 bytes)")
    return keys


# Personal fields (phone numbers) are encrypted at rest with these Fernet keys (tuijin.core.encryption):
# the first encrypts, every one decrypts, so a rotation puts the new key first. Not SECRET_KEY.
FIELD_ENCRYPTION_KEYS = _fernet_keys("FIELD_ENCRYPTION_KEY")
# Locally and under the tests a key derived from SECRET_KEY stands in; a system check warns (tuijin.W001).
FIELD_ENCRYPTION_KEY_DERIVED = not FIELD_ENCRYPTION_KEYS
if FIELD_ENCRYPTION_KEY_DERIVED:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be set when DEBUG is off: a Fernet key, made with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        )
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"tuijin-field-encryption:{SECRET_KEY}".encode()).digest()).decode()
    ]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' templates, for the project's form renderer
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tuijin.core",
    "tuijin.orgs",
    "tuijin.audit",
    "tuijin.workdays",
    "tuijin.indicators",
    "tuijin.projects",
    "tuijin.bulletins",
    "tuijin.liaison",
    "tuijin.assessment",
    "tuijin.notifications",
    "tuijin.meetings",
    "tuijin.supervision",
    "tuijin.shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuijin.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tuijin.core.middleware.QueryControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (tuijin.orgs.twofactor).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tuijin.core.middleware.RequestContextMiddleware",
    "tuijin.core.middleware.SessionLifetimeMiddleware",
    # The second factor first (who is this?), then a forced password change.
    "tuijin.shell.middleware.TwoFactorMiddleware",
    "tuijin.shell.middleware.PasswordChangeRequiredMiddleware",
    "tuijin.shell.middleware.UnknownCalendarYearMiddleware",
    "tuijin.audit.middleware.DownloadAuditMiddleware",
    "tuijin.audit.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves the collected static files from the app servers; runserver does it locally.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "tuijin.urls"
WSGI_APPLICATION = "tuijin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tuijin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuijin.shell.navigation.navigation",
                "tuijin.notifications.context.inbox_count",
            ],
        },
    },
]

FORM_RENDERER = "tuijin.core.forms.FormRenderer"

# Database: the embedded SQLite file by default, PostgreSQL in production (DATABASE_URL).
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'tuijin.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web app and the task worker read while the other writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env.str("TUIJIN_SQLITE_TEST_NAME", default="") or None}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT spends ~0.8 s compiling the analytics queries for a ~1 s saving on
    # none of them: these are many medium queries, not a few huge scans.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

# Production: the app connects (DATABASE_URL) as a role that owns nothing; migrations run as the
# owner role (DATABASE_OWNER_URL, set only where `manage.py migrate` runs), which then grants the
# app role its rights (`manage.py pg_grant_app_role`: INSERT and SELECT only on the audit log).
if env.str("DATABASE_OWNER_URL", default=""):
    DATABASES["owner"] = env.db_url("DATABASE_OWNER_URL") | {
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tuijin.orgs.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
if TESTING:
    # Hashing speed only; the validators above still run in tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after 5 failures for 15 minutes (等保 2.0 三级), per (username, client address): an
# attacker elsewhere cannot lock a user out (tuijin.orgs.lockout adds a per-address limit across
# usernames; tuijin.core.clientip reads the address behind the trusted proxies). The security
# administrator can release a lockout (登录锁定 page, audited).
AXES_FAILURE_LIMIT = strict.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=strict.integer("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_HANDLER = "tuijin.orgs.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "tuijin.orgs.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tuijin.core.clientip.client_ip"

# Two-factor login (等保 2.0 三级: two factors, one of them cryptographic), tuijin.orgs.twofactor:
# a TOTP authenticator app plus ten one-time backup codes. After n wrong codes a device refuses
# further tries for FACTOR × 2^(n-1) seconds.
OTP_TOTP_ISSUER = env.str("TWO_FACTOR_ISSUER", default="推进")
OTP_TOTP_THROTTLE_FACTOR = strict.integer("TWO_FACTOR_THROTTLE_FACTOR", 1, minimum=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR

# Sessions: 30 minutes idle (the cookie is renewed on every request); at most
# TUIJIN_SESSION_ABSOLUTE_SECONDS (tuijin.core.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = strict.boolean("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = strict.boolean("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = strict.boolean("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
_BEHIND_TLS_PROXY = strict.boolean("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _BEHIND_TLS_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (Django's built-in middleware): everything is served by us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Language and time: Simplified Chinese and Asia/Shanghai by default; English through i18n.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/tabler", _NODE / "@tabler" / "core" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
    ("vendor/tom-select", _NODE / "tom-select" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "tuijin.core.staticstorage.VendorTolerantStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"

# Caches. Without CACHE_URL (REDIS_URL is read too), each process memoises lookups in its own
# memory ("default") and what the processes must agree on (the failed-token counter) lives in the
# database ("shared": the table tuijin_cache, made by migrate). With CACHE_URL=redis://host:6379/0
# both are in Redis (Django's RedisCache, redis-py), and the memoised lookups are shared as well.
_CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if _CACHE_URL:
    if not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// address, got {_CACHE_URL!r}")
    _REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "KEY_PREFIX": "tuijin"}
    CACHES = {"default": _REDIS, "shared": _REDIS}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tuijin_cache"},
    }

# >>> Background tasks (ops, issue 13): keep these lines together.
# Django's Tasks API in the code. The embedded default runs them with the database backend
# (`manage.py db_worker`); production sets TASK_BROKER_URL (RabbitMQ amqp://…, or redis://…) and
# runs them on Celery (tuijin.core.taskqueue: `celery -A tuijin.core.taskqueue worker`), with the
# scheduler (`manage.py run_scheduler`) queuing the daily timers, due deliveries and recovery.
# A task that raises is retried TASK_RETRY_MAX times after TASK_RETRY_BACKOFF seconds, doubling up
# to TASK_RETRY_BACKOFF_MAX; a task whose worker died is handed to another worker by the broker.
TASK_BROKER_URL = env.str("TASK_BROKER_URL", default="")
if TASK_BROKER_URL:
    if not TASK_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://", "redis://", "rediss://")):
        raise ImproperlyConfigured(f"TASK_BROKER_URL must be an amqp:// or redis:// address, got {TASK_BROKER_URL!r}")
    TASKS = {
        "default": {
            "BACKEND": "tuijin.core.taskqueue.CeleryBackend",
            "QUEUES": ["default"],
            "OPTIONS": {
                "RETRY_MAX": strict.integer("TASK_RETRY_MAX", 5, minimum=0),
                "RETRY_BACKOFF": strict.integer("TASK_RETRY_BACKOFF", 10, minimum=1),
                "RETRY_BACKOFF_MAX": strict.integer("TASK_RETRY_BACKOFF_MAX", 600, minimum=1),
            },
        }
    }
else:
    TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }
CELERY_BROKER_URL = TASK_BROKER_URL or "memory://"
CELERY_TASK_DEFAULT_QUEUE = env.str("TASK_QUEUE", default="tuijin")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_PUBLISH_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# RabbitMQ confirms each message it stored (a refused one raises in enqueue, not silently lost).
CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True} if TASK_BROKER_URL.startswith(("amqp", "pyamqp")) else {}
CELERY_TIMEZONE = "Asia/Shanghai"
# <<< Background tasks (ops, issue 13).

REST_FRAMEWORK = {
    # The default three, refusing control characters in any text (tuijin.core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "tuijin.core.parsers.JSONParser",
        "tuijin.core.parsers.FormParser",
        "tuijin.core.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a refused token is answered 401 with `WWW-Authenticate: Token`.
        "tuijin.orgs.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every API view must name its own policy permission.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "tuijin.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tuijin API",
    "DESCRIPTION": "推进 — 重点工作、重大项目推进督查平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`; name their choice sets so the schema's enums are stable.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorKindEnum": "tuijin.indicators.models.Kind",
        "ProjectPlanKindEnum": "tuijin.projects.models.PlanKind",
        "ImportBatchKindEnum": "tuijin.indicators.models.ImportBatch.Kind",
        "MeetingTypeEnum": "tuijin.meetings.models.MeetingType",
    },
}

# >>> Project settings: each app's conf.py declares its own, with the default, the rule a value
# must follow and what it means (all listed in docs/settings.md). One is set here only when its
# environment variable is, so each default is written once; a value that breaks its rule stops
# start-up with a system check error (tuijin.core.appconf).
_PDF_FONTS = {"serif": strict.text("PDF_FONT_SERIF"), "sans": strict.text("PDF_FONT_SANS")}
_PROJECT_SETTINGS = {
    # core
    "TUIJIN_TRUSTED_PROXIES": strict.integer("TRUSTED_PROXIES", 1 if _BEHIND_TLS_PROXY else None),
    "TUIJIN_SESSION_ABSOLUTE_SECONDS": strict.integer("SESSION_ABSOLUTE_SECONDS"),
    "TUIJIN_IMPORT_LEASE_SECONDS": strict.integer("IMPORT_LEASE_SECONDS"),
    "TUIJIN_TIMER_LEASE_SECONDS": strict.integer("TIMER_LEASE_SECONDS"),
    "TUIJIN_UPLOAD_MAX_INFLATED_BYTES": strict.integer("UPLOAD_MAX_INFLATED_BYTES"),
    "TUIJIN_UPLOAD_MAX_MEMBER_BYTES": strict.integer("UPLOAD_MAX_MEMBER_BYTES"),
    "TUIJIN_UPLOAD_MAX_RATIO": strict.integer("UPLOAD_MAX_RATIO"),
    "TUIJIN_EXCEL_MAX_ROWS": strict.integer("EXCEL_MAX_ROWS"),
    "TUIJIN_EXCEL_MAX_COLUMNS": strict.integer("EXCEL_MAX_COLUMNS"),
    "TUIJIN_IMAGE_MAX_PIXELS": strict.integer("IMAGE_MAX_PIXELS"),
    "TUIJIN_DEMO_TWO_FACTOR": strict.boolean("DEMO_TWO_FACTOR"),
    # orgs
    "TUIJIN_LOGIN_IP_FAILURE_LIMIT": strict.integer("LOGIN_IP_FAILURE_LIMIT"),
    "TUIJIN_PASSWORD_MAX_AGE_DAYS": strict.integer("PASSWORD_MAX_AGE_DAYS"),
    "TUIJIN_IDLE_ACCOUNT_DAYS": strict.integer("IDLE_ACCOUNT_DAYS"),
    "TUIJIN_TWO_FACTOR_FOR_ALL": strict.boolean("TWO_FACTOR_FOR_ALL"),
    "TUIJIN_API_TOKEN_DAYS": strict.integer("API_TOKEN_DAYS"),
    "TUIJIN_API_TOKENS_PER_USER": strict.integer("API_TOKENS_PER_USER"),
    "TUIJIN_API_TOKEN_FAILURES": strict.integer("API_TOKEN_FAILURES"),
    "TUIJIN_API_TOKEN_FAILURE_WINDOW": strict.integer("API_TOKEN_FAILURE_WINDOW"),
    # audit
    "TUIJIN_AUDIT_HASH_ALGORITHM": strict.text("AUDIT_HASH_ALGORITHM", lower=True),
    "TUIJIN_AUDIT_RETENTION_DAYS": strict.integer("AUDIT_RETENTION_DAYS"),
    "TUIJIN_AUDIT_ARCHIVE_DIR": strict.path("AUDIT_ARCHIVE_DIR"),
    "TUIJIN_AUDIT_ARCHIVE_KEY": strict.text("AUDIT_ARCHIVE_KEY"),
    # notifications
    "TUIJIN_EMAIL_NOTIFICATIONS": strict.boolean("EMAIL_NOTIFICATIONS"),
    "TUIJIN_SITE_URL": strict.text("SITE_URL"),
    # indicators
    "TUIJIN_PACE_RED_PP": strict.integer("PACE_RED_PP", strict.integer("PACE_AMBER_PP")),
    "TUIJIN_PACE_AHEAD_PP": strict.integer("PACE_AHEAD_PP"),
    "TUIJIN_RANK_MARK_N": strict.integer("RANK_MARK_N"),
    "TUIJIN_REPORTING_DEADLINE_RULE": strict.text("REPORTING_DEADLINE_RULE"),
    "TUIJIN_REPORT_REMINDER_DAYS": strict.integers("REPORT_REMINDER_DAYS"),
    # projects
    "TUIJIN_PROJECT_ADMISSION_RULES": strict.boolean("PROJECT_ADMISSION_RULES"),
    "TUIJIN_PHOTO_MAX_BYTES": strict.integer("PHOTO_MAX_BYTES"),
    "TUIJIN_PHOTOS_PER_MONTH": strict.integer("PHOTOS_PER_MONTH"),
    # supervision
    "TUIJIN_ASSIGNMENT_YELLOW_DAYS": strict.integer("ASSIGNMENT_YELLOW_DAYS"),
    "TUIJIN_ASSIGNMENT_REMIND_DAYS": strict.integer("ASSIGNMENT_REMIND_DAYS"),
    "TUIJIN_ASSIGNMENT_SUPERVISE_DAYS": strict.integer("ASSIGNMENT_SUPERVISE_DAYS"),
    "TUIJIN_ASSIGNMENT_LIST_DAYS": strict.integer("ASSIGNMENT_LIST_DAYS"),
    "TUIJIN_ASSIGNMENT_NOTICE_REPLY_DAYS": strict.integer("ASSIGNMENT_NOTICE_REPLY_DAYS"),
    "TUIJIN_ATTACHMENT_MAX_BYTES": strict.integer("ATTACHMENT_MAX_BYTES"),
    "TUIJIN_ATTACHMENTS_PER_UPLOAD": strict.integer("ATTACHMENTS_PER_UPLOAD"),
    # liaison
    "TUIJIN_SHEET_ANSWER_DAYS": strict.integer("SHEET_ANSWER_DAYS"),
    "TUIJIN_SHEET_DAY_MODE": strict.text("SHEET_DAY_MODE"),
    "TUIJIN_SHEET_TRANSFER_RESTARTS_CLOCK": strict.boolean("SHEET_TRANSFER_RESTARTS_CLOCK"),
    "TUIJIN_SHEET_AGENDA_DAYS": strict.integer("SHEET_AGENDA_DAYS"),
    "TUIJIN_SHEET_ATTACHMENT_MAX_BYTES": strict.integer("SHEET_ATTACHMENT_MAX_BYTES"),
    "TUIJIN_SHEET_ATTACHMENTS_PER_SHEET": strict.integer("SHEET_ATTACHMENTS_PER_SHEET"),
    # bulletins (the official form's organ, 文号 and recipients are set in this file, not the environment)
    "TUIJIN_PDF_FONT_FAMILY": {key: name for key, name in _PDF_FONTS.items() if name} or None,
    "TUIJIN_PDF_FONT_DIR": strict.path("PDF_FONT_DIR"),
}
globals().update({name: value for name, value in _PROJECT_SETTINGS.items() if value is not None})
# <<< Project settings.

# Email is optional (notifications may go by webhook only). Production sends through SMTP;
# locally and in tests mail is printed to the console.
_MAIL = env.str("EMAIL_BACKEND", default="smtp" if PRODUCTION else "console")
if _MAIL not in ("smtp", "console"):
    raise ImproperlyConfigured("EMAIL_BACKEND must be smtp or console")
if _MAIL == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("EMAIL_HOST", default="localhost"),
                "port": env.int("EMAIL_PORT", default=25),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": strict.boolean("EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tuijin@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler (DEBUG only) would print every "django.*" record a second time
    # after the root handler (the task worker's lines, for one): records go to the root alone.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "axes": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# >>> Production deployment (issue 13, deploy/): keep these lines together, read each with
# getattr(settings, NAME, default) in one place (named after each).
# LOG_FORMAT=json: one JSON line per request (tuijin.core.requestlog: time in Asia/Shanghai,
# method, path, status, duration, user id, request id) and every other record as JSON too.
LOG_FORMAT = env.str("LOG_FORMAT", default="text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
if LOG_FORMAT == "json":
    MIDDLEWARE.insert(0, "tuijin.core.requestlog.RequestLogMiddleware")
    LOGGING["formatters"] = {"json": {"()": "tuijin.core.requestlog.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
# Protected files sent by nginx after the app's permission check (tuijin.core.downloads): the
# prefix of the nginx site's `internal` location that aliases MEDIA_ROOT, e.g. /_protected/.
X_ACCEL_REDIRECT_PREFIX = env.str("X_ACCEL_REDIRECT_PREFIX", default="")
if X_ACCEL_REDIRECT_PREFIX and not X_ACCEL_REDIRECT_PREFIX.startswith("/"):
    raise ImproperlyConfigured(f"X_ACCEL_REDIRECT_PREFIX must start with /, got {X_ACCEL_REDIRECT_PREFIX!r}")
# PostgreSQL statement timeout (milliseconds, 0 = none) for the app's connections (web, workers,
# scheduler); the owner connection that migrates (DATABASE_OWNER_URL) has none.
STATEMENT_TIMEOUT = strict.integer("STATEMENT_TIMEOUT", 0, minimum=0)
if STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    _options = DATABASES["default"].get("OPTIONS", {})
    DATABASES["default"]["OPTIONS"] = _options | {
        "options": f"{_options.get('options', '')} -c statement_timeout={STATEMENT_TIMEOUT}".strip()
    }
# /readyz (tuijin.core.health): with TASK_BROKER_URL, the scheduler's and a worker's heartbeats
# must be younger than these (seconds). The scheduler beats every tick (15 s), a worker with
# every task (the due deliveries reach it every minute).
HEALTH_SCHEDULER_MAX_AGE = strict.integer("HEALTH_SCHEDULER_MAX_AGE", 120, minimum=10)
HEALTH_WORKER_MAX_AGE = strict.integer("HEALTH_WORKER_MAX_AGE", 180, minimum=70)
# Probes reach the app servers over plain HTTP on the local network (no HTTPS redirect for them).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# <<< Production deployment (issue 13).
