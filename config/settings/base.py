"""Settings shared by every environment. Everything that differs comes from the environment.

`.env.example` lists every variable read here.
"""

from datetime import timedelta
from pathlib import Path

import environ

from config.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)

# Banks live at <slug>.<BASE_DOMAIN>; the platform operators' admin lives at BASE_DOMAIN itself.
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[BASE_DOMAIN, f".{BASE_DOMAIN}"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Tenancy (django-tenants): the platform in `public`, one schema per bank ---------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "insights.inbox",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "axes",
    "org",
    "cms",
    "insights",
    "customers",
    "appointments",
    "questionnaires",
    "campaigns",
    "campaigns.assist",
    "storefront",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]
INSTALLED_APPS = (
    list(SHARED_APPS)
    + [a for a in TENANT_APPS if a not in SHARED_APPS]
    + [
        "django_filters",
        "django_htmx",
        "template_partials",
    ]
)

TENANT_MODEL = "tenants.Bank"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New banks are cloned from this migrated schema instead of replaying every migration.
TENANT_BASE_SCHEMA = "bank_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
# How many migrated, cloned schemas to keep ready so that creating a bank is a rename.
BANK_SPARE_SCHEMAS = env.int("BANK_SPARE_SCHEMAS", default=2)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
ROOT_URLCONF = "config.urls"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    "tenants.middleware.BankMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers cache hits of /s/<code> here, before sessions, auth and CSRF (storefront/middleware.py).
    "storefront.middleware.StorefrontCacheMiddleware",
    # Answers the storefront's tracking request (/s/<code>/t) here too (insights/middleware.py).
    "insights.middleware.TrackMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "org.middleware.PasswordChangeRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "org.context_processors.workspace",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database: DATABASE_URL, or the embedded PostgreSQL that `config.devdb` starts ---------------
DATABASES = {"default": database_config(env, BASE_DIR)}

# --- Cache: Redis when REDIS_URL is set, else files under .data/cache. Keys are per bank. ---------
# The cache is shared by every process (web workers, task worker, commands), so invalidation seen
# by one is seen by all; an in-process cache would not be. Redis is the production choice.
REDIS_URL = env("REDIS_URL", default="")
_cache_keys = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # The cache is never needed for correctness: a Redis outage must not take pages down.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
            **_cache_keys,
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", default=str(BASE_DIR / ".data" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
            **_cache_keys,
        }
    }

# --- Background work: Django's tasks API (django-tasks backport) ----------------------------------
# "default" stays immediate: Wagtail enqueues its own housekeeping there and it must run inside
# the bank's schema of the request. Our long jobs go to "background" and carry the schema name.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# --- Auth ------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Verifies one-time passwords only; see org/hashers.py for why it may be fast.
    "org.hashers.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "org:workspace"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 60 * 60 * 12
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Tracking hits from concurrent requests share one commit (insights/inbox/writer.py).
TRACK_GROUP_COMMIT = env.bool("TRACK_GROUP_COMMIT", default=True)
# Customers' personal information: Fernet key (urlsafe base64 of 32 bytes) and the lookup-hash key.
PII_KEY = env("PII_KEY", default="")
PII_HASH_KEY = env("PII_HASH_KEY", default="")

# New visitors one network address may bring per minute before the rest count as a bot's.
TRACK_NEWCOMERS_PER_MINUTE = env.int("TRACK_NEWCOMERS_PER_MINUTE", default=240)

# Lead form submissions per hour before a 429: per visitor (cookie), per network address.
LEAD_SUBMITS_PER_VISITOR_HOUR = env.int("LEAD_SUBMITS_PER_VISITOR_HOUR", default=10)
LEAD_SUBMITS_PER_NETWORK_HOUR = env.int("LEAD_SUBMITS_PER_NETWORK_HOUR", default=60)
# Message board posts per hour before a 429 (a conversation has more turns than a lead form).
MESSAGE_POSTS_PER_VISITOR_HOUR = env.int("MESSAGE_POSTS_PER_VISITOR_HOUR", default=20)
MESSAGE_POSTS_PER_NETWORK_HOUR = env.int("MESSAGE_POSTS_PER_NETWORK_HOUR", default=120)
# Limited-quota offer claims per hour before a 429. A network may be a whole branch's Wi-Fi or a
# carrier's NAT at the moment an offer opens, so its limit is high; one claim per customer is
# enforced by the database, not by these.
CAMPAIGN_CLAIMS_PER_VISITOR_HOUR = env.int("CAMPAIGN_CLAIMS_PER_VISITOR_HOUR", default=10)
CAMPAIGN_CLAIMS_PER_NETWORK_HOUR = env.int("CAMPAIGN_CLAIMS_PER_NETWORK_HOUR", default=1000)

# --- Language and time: Chinese first, English available -----------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Every bank's uploads under MEDIA_ROOT/<schema>/.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail ---------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "云店 Yundian"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=f"http://{BASE_DOMAIN}")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "xlsx", "csv", "docx"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="yundian@localhost")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
