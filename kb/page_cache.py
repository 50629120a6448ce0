"""Anonymous pages and API responses from a cache, never stale; HTTP validators for them.

A reader's GET (or HEAD) is keyed by its scheme, host, path, query string, language and
the content version (``questions.versioning``), which every change moves on in its own transaction.
So the first request after a commit, on any process or machine, misses and renders fresh;
no entry is ever invalidated by hand. With ``REDIS_URL`` the cache is Redis, shared by all
web processes; otherwise each process has its own local memory — still never stale, since
the version comes from the database.

The same version makes the ``ETag`` and ``Last-Modified`` of every cacheable response: a
conditional GET that matches is answered 304 before any view runs.

It sits before the session, locale and auth middleware, so a hit costs one small query and
one cache read; a miss reads the version no more (``versioning.pinned``). Being every
request's first query, cached or not, it is also the database connection's health check
(``versioning.current`` reopens a connection the server dropped). Readers never have a
session; a request carrying the session cookie (an editor) bypasses the cache, and
a signed-in user's response is marked private. Bypassed too: anything but GET/HEAD, the
admin, and responses that are not 200 or that set a cookie. A cache that fails (Redis
down) is logged and skipped: the page is rendered as if there were no cache.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language_from_path

from questions import versioning
from questions.languages import api_languages

log = logging.getLogger(__name__)

BYPASS_PREFIXES = ("/admin/", "/i18n/", "/static/")
API_PREFIXES = ("/api/", "/en/api/")


def cache():
    return caches[settings.KB_PAGE_CACHE]


def cache_get(key):
    try:
        return cache().get(key)
    except Exception:  # noqa: BLE001 - any cache failure means: render without it
        log.warning("page cache unavailable", exc_info=True)
        return None


def cache_set(key, value, timeout):
    try:
        cache().set(key, value, timeout)
    except Exception:  # noqa: BLE001
        log.warning("page cache unavailable", exc_info=True)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Every request reads the content version first and once: cached pages are keyed
        # by it, and as a request's first query it reopens a dropped database connection.
        with versioning.pinned() as version:
            if self.cacheable_request(request):
                return self.respond(request, version)
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            return response

    def respond(self, request, version):
        variant = self.variant(request)
        etag = f'"{version.token}-{variant}"'
        if self.not_modified(request, etag, version):
            return self.finish(HttpResponseNotModified(), etag, version)
        key = self.key(request, version, variant)
        if settings.KB_PAGE_CACHE_ENABLED:
            cached = cache_get(key)
            if cached is not None:
                response = cached
                response["X-Page-Cache"] = "hit"
                return self.finish(response, etag, version)
        response = self.get_response(request)
        if response.status_code != 200 or response.cookies or response.streaming:
            return response
        self.finish(response, etag, version)
        if settings.KB_PAGE_CACHE_ENABLED:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache_set(key, response, settings.KB_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request):
        if request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(BYPASS_PREFIXES):
            return False
        return settings.SESSION_COOKIE_NAME not in request.COOKIES

    @staticmethod
    def variant(request):
        """The language(s) the response is in: a page's, or those an API request asks for
        (by prefix, ?lang= or Accept-Language)."""
        if request.path.startswith(API_PREFIXES):
            return "+".join(api_languages(request) or ("bad",))
        return get_language_from_path(request.path_info) or settings.LANGUAGE_CODE

    @staticmethod
    def key(request, version, variant):
        # Pages show absolute links (canonical, permalink), so scheme and host are part of it.
        raw = "\x1f".join(
            [request.scheme, request.get_host(), variant, request.path,
             request.META.get("QUERY_STRING", "")]
        )  # fmt: skip
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
        return f"page:{version.token}:{digest}"

    @staticmethod
    def not_modified(request, etag, version):
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match:
            tags = parse_etags(if_none_match)
            return "*" in tags or etag in tags or f"W/{etag}" in tags
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and version.changed <= since

    @staticmethod
    def finish(response, etag, version):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(version.changed)
        patch_cache_control(
            response,
            public=True,
            max_age=settings.KB_HTTP_MAX_AGE,
            stale_while_revalidate=settings.KB_HTTP_STALE_WHILE_REVALIDATE,
        )
        patch_vary_headers(response, ["Cookie"])
        return response
