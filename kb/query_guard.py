"""Query strings every view can trust, checked once before any view (or the page cache) runs.

A query string that is not valid UTF-8 once percent-decoded (which includes encoded lone
surrogates such as ``%ED%A0%80`` and broken escapes such as ``%ff``), that holds a NUL
character (PostgreSQL refuses NUL in text), or that is beyond any use (over 64 KiB) is answered
400 Bad Request with a message saying which, in the language of the URL: as JSON
(``{"error": …}``) from the API, as the site's own error page (header, search box)
elsewhere. Views then validate their own parameters (unknown topic, page numbers) with
messages of their own.
"""

from urllib.parse import unquote_to_bytes

from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

MAX_QUERY_STRING = 65536  # views truncate long values (a search reads 100 characters)


def problem(raw):
    """What is wrong with the raw (WSGI, latin-1 decoded) query string, or None."""
    if len(raw) > MAX_QUERY_STRING:
        return _("查询字符串太长。")
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        return _("查询参数不是有效的 UTF-8 编码。")
    for part in data.split(b"&"):
        for piece in part.split(b"=", 1):
            try:
                text = unquote_to_bytes(piece.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return _("查询参数不是有效的 UTF-8 编码。")
            if "\x00" in text:
                return _("查询参数不能包含 NUL 字符。")
    return None


class QueryStringGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if raw:
            language = translation.get_language_from_path(request.path_info) or "zh-hans"
            with translation.override(language):
                message = problem(raw)
                if message:
                    return self.refuse(request, message)
        return self.get_response(request)

    @staticmethod
    def refuse(request, message):
        # Nothing of the query string is trusted: the page is rendered as for no query.
        request.META["QUERY_STRING"] = ""
        request.GET = QueryDict("")
        if "/api/" in request.path_info:
            return JsonResponse(
                {"error": message}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return render(request, "400.html", {"message": message}, status=400)
