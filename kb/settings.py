"""Settings for the AI 创业知识库, configured from environment variables.

DEBUG defaults to off. With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set
or the process refuses to start; development defaults apply only when DEBUG=1.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url):
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into DATABASES."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path.db or sqlite:////absolute/path.db, as dj-database-url.
        path = unquote(parts.path)[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            "OPTIONS": {"timeout": 20},
            "CONN_MAX_AGE": 600,  # a worker keeps its connection instead of one per request
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
            # No CONN_HEALTH_CHECKS: its "SELECT 1" before each request's first query would
            # double what a cached page costs; that first query is the content version's,
            # which reopens a connection the server dropped (questions.versioning.current).
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported.")


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Set ALLOWED_HOSTS to a comma-separated list of host "
            "names (or DEBUG=1 for local development)."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so its admin integration applies
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "search",  # before haystack: its update_index (progress and rate) replaces haystack's
    "haystack",
    "simple_history",
    "questions",
    "glossary",
    "axes",
    "signin",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost, so that every response has them, the refusals of the guard below included.
    "kb.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kb.query_guard.QueryStringGuardMiddleware",  # 400 for NUL or undecodable parameters
    "questions.languages.HomeLanguageMiddleware",
    "insights.searches.SearchLogMiddleware",  # counts searches, cached ones too
    # Before sessions, locale and auth: a cached page costs one query and one cache read.
    "kb.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "kb.urls"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "kb.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kb.sqlite3",
            "OPTIONS": {"timeout": 20},
            "CONN_MAX_AGE": 600,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: this process's memory, or with REDIS_URL one Redis shared by every web process
# and machine. Pages and searches are keyed by the content version (questions.versioning),
# so neither kind can serve a page older than the last commit.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kb",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kb",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
KB_PAGE_CACHE = "default"
KB_PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=True)
KB_PAGE_CACHE_SECONDS = 24 * 3600  # an entry outlives its version only in memory
# What browsers and proxies may reuse without asking (seconds); revalidation is a cheap 304.
KB_HTTP_MAX_AGE = int(os.environ.get("HTTP_MAX_AGE", "60"))
KB_HTTP_STALE_WHILE_REVALIDATE = int(os.environ.get("HTTP_STALE_WHILE_REVALIDATE", "300"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes, see signin/): failures are counted per account and,
# separately, per address; either reaching the limit locks out until the cool-off has passed.
AUTHENTICATION_BACKENDS = [
    "signin.backends.ThrottledSigninBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "signin.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "signin.addresses.client_ip"
# REMOTE_ADDR, or the header a trusted proxy in front sets (e.g. X-Forwarded-For).
SIGNIN_CLIENT_IP_HEADER = os.environ.get("SIGNIN_CLIENT_IP_HEADER", "REMOTE_ADDR")

# What readers ask and think (insights/): search counts are kept this many days.
SEARCH_LOG_RETENTION_DAYS = int(os.environ.get("SEARCH_LOG_RETENTION_DAYS", "180"))
# Each web process writes its search and open counts at most this often (insights.counters).
SEARCH_LOG_FLUSH_SECONDS = float(os.environ.get("SEARCH_LOG_FLUSH_SECONDS", "10"))
FEEDBACK_VOTES_PER_HOUR = int(os.environ.get("FEEDBACK_VOTES_PER_HOUR", "10"))  # per session

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale/: the project's catalogues (makemessages); locale_overrides/: hand-kept translations of
# Django admin strings that Django's zh_Hans catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Model translation (questions/translation.py): Chinese is the source, English a translation
# of it; an English field left empty shows the Chinese.
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans",)
_LANGUAGE_LABELS = {"zh-hans": _("中文"), "en": _("英文")}


def _localized_verbose_name(name, language):
    """ "问题 (中文)" / "Question (English)": admin labels in the admin's own language."""
    return format_lazy("{} ({})", name, _LANGUAGE_LABELS[language])


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _localized_verbose_name
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_bool("HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 3600
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "search.backends.database.DatabaseEngine"},
}
HAYSTACK_SIGNAL_PROCESSOR = "search.signals.TransactionalSignalProcessor"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 10
# The search signals beside the engine's words (search.backends.database, search.expansion):
# all on; bench/relevance.py switches each off in turn to measure what it adds.
KB_SEARCH_SIGNALS = frozenset(
    os.environ.get("SEARCH_SIGNALS", "semantic,pinyin,glossary,spelling")
    .replace(" ", "")
    .split(",")
) - {""}

KB_SEEDS_DIR = BASE_DIR / "fixtures" / "seeds"
KB_TOPICS_FIXTURE = BASE_DIR / "fixtures" / "topics.json"
KB_EDITORIAL_TOPICS = BASE_DIR / "fixtures" / "topics_editorial.json"
KB_TRANSLATIONS_DIR = BASE_DIR / "fixtures" / "translations"
KB_GLOSSARY_FILE = BASE_DIR / "fixtures" / "glossary.json"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# Names used in templates for the site itself.
SITE_NAME = _("AI 创业知识库")
