"""Which language a reader gets: the language switcher, a first visit, and the API.

- A page's URL says its language (``/…`` Chinese, ``/en/…`` English), so a shared link
  opens as it was shared.
- The switcher goes through ``switch_language``, which remembers the choice in Django's
  language cookie; the home page ``/`` follows that cookie, or on a first visit the
  browser's ``Accept-Language``, so an English browser lands on ``/en/``.
- The API answers in the language of its URL prefix, ``?lang=`` (``zh-hans``, ``en`` or
  ``all``), or ``Accept-Language``, in that order.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from .models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGE

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _supported(code):
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def switch_language(request):
    """GET /i18n/switch/?language=en&next=/en/entries/5/ — remember, then go there.

    A plain link, so it works without script; the page's #anchor survives the redirect."""
    code = request.GET.get("language", "")
    next_url = request.GET.get("next", "") or "/"
    if code not in LANGUAGE_CODES:
        code = SOURCE_LANGUAGE
    if (
        not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        or "\x00" in next_url
    ):
        next_url = "/"
    # Resolve ``next`` in the language of its own prefix, then reverse it in ``code``.
    with translation.override(translation.get_language_from_path(next_url) or SOURCE_LANGUAGE):
        target = translate_url(next_url, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


def _accepted(request):
    """The first site language the browser's Accept-Language asks for, if any."""
    accept = request.headers.get("Accept-Language", "")
    for code, _q in translation.trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        if found := _supported(code):
            return found
    return None


class HomeLanguageMiddleware:
    """Send a reader who prefers English from ``/`` to ``/en/``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info == "/":
            # Django's own choice: the language cookie, else Accept-Language.
            chosen = translation.get_language_from_request(request, check_path=False)
            if chosen == TRANSLATION_LANGUAGE:
                query = request.META.get("QUERY_STRING", "")
                response = HttpResponseRedirect(
                    f"/{TRANSLATION_LANGUAGE}/" + (f"?{query}" if query else "")
                )
            else:
                response = self.get_response(request)
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
            return response
        return self.get_response(request)


def api_languages(request):
    """The languages an API response carries, or None for an unknown ``?lang``."""
    asked = request.GET.get("lang", "")
    if asked == "all":
        return (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE)
    if asked:
        code = _supported(asked) if "\x00" not in asked else None
        return (code,) if code else None
    prefixed = translation.get_language_from_path(request.path_info)
    return (prefixed or _accepted(request) or SOURCE_LANGUAGE,)
