from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Fast hashing in tests; production keeps PBKDF2 first.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "org.hashers.OneTimePasswordHasher"]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
BANK_SPARE_SCHEMAS = 0
# Tests roll back each test's transaction, which also rolls back `SET search_path`; django-tenants
# must therefore set the schema on every query instead of trusting its memory of the last SET.
TENANT_LIMIT_SET_CALLS = False
AXES_ENABLED = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One process: an in-memory cache, emptied between tests that need it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
# The live server for browser tests answers from short-lived threads: no connection may outlive them.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tests write hits in their own transaction (rolled back after each test); the group-commit writer,
# which commits on a connection of its own, is exercised by the concurrency test.
TRACK_GROUP_COMMIT = False
