"""Recording what readers search for and which result they open.

The search view notes on its response what it searched (``note_search``); the page cache
keeps that note with the cached page, and ``SearchLogMiddleware`` (outside the page cache)
counts it whether the page was rendered or served from the cache. Only the first page of
a search counts, so paging through results is one search. A result link goes through
``/search/open/`` (``insights.views.open_result``), which counts the open and redirects to
the entry; the search page stays cacheable and the entry page unchanged.

Recorded: the normalised query (emails and long numbers masked), the page's language, the
topic filter, the result count, the opened entry and its rank, and the day. Never an
address, a user, a user agent or a cookie."""

import re

from django.utils import timezone
from django.utils.translation import get_language

from search.text import normalise

from .counters import bump
from .models import QUERY_LENGTH, SearchCount, SearchOpen

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"\d(?:[\d\s-]{5,}\d)")  # phone, ID and card numbers
NOTE = "kb_search"


def normalise_query(text):
    """What a reader typed, as recorded: normalised like the engine's input, with what
    could identify a person masked, and no longer than the engine reads."""
    text = " ".join(normalise(str(text or "")).split())[:QUERY_LENGTH]
    text = _EMAIL.sub("[email]", text)
    return _LONG_NUMBER.sub("[number]", text)[:QUERY_LENGTH]


def note_search(response, outcome):
    """Called by the search view: note the search on its response (cached with it)."""
    page = outcome.page
    if page is None or page.number != 1:
        return response
    query = normalise_query(outcome.text)
    if query:
        setattr(
            response,
            NOTE,
            {
                "query": query,
                "language": get_language(),
                "topic": outcome.topic.slug if outcome.topic else "",
                "count": outcome.count,
            },
        )
    return response


def count_search(note):
    key = {k: note[k] for k in ("query", "language", "topic")}
    bump(SearchCount, "searches", {"day": timezone.localdate(), **key}, results=note["count"])


def count_open(query, language, topic, entry, rank):
    key = {"query": query, "language": language, "topic": topic, "entry": entry, "rank": rank}
    bump(SearchOpen, "opens", {"day": timezone.localdate(), **key})


class SearchLogMiddleware:
    """Counts the searches the search view noted, on page-cache hits as on misses.

    It sits just outside ``kb.page_cache.PageCacheMiddleware``: every search page a
    reader gets passes here, rendered or cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        note = getattr(response, NOTE, None)
        if note and request.method == "GET" and response.status_code == 200:
            count_search(note)
        return response
