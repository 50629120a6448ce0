"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from kb.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests do not run collectstatic; templates resolve static files from the source folders.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests change rows without always bumping the content version (queryset.update()) and
# roll back; a page cache would carry pages across tests. tests/test_cache.py turns it on.
KB_PAGE_CACHE_ENABLED = False
# Counts are written at once, so a test sees the row its request made (test_insights
# checks the batching with a longer interval).
SEARCH_LOG_FLUSH_SECONDS = 0
