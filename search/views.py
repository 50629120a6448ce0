import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from haystack.query import SearchQuerySet

from insights.searches import note_search
from kb.page_cache import cache_get, cache_set
from questions import versioning
from questions.languages import api_languages
from questions.models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGE, Topic, in_language
from questions.shown_topics import attach_topics, topic_list

from .expansion import understand
from .highlight import highlight, snippet
from .search_indexes import shown_entries
from .text import MAX_QUERY_LENGTH, simplified, visible

RESULTS_PER_PAGE = 10
# Offered when a search finds nothing, in the reader's language; each finds entries.
SUGGESTIONS = {
    SOURCE_LANGUAGE: ["融资", "数据隐私", "商业模式", "算力成本", "伦理问题", "模型部署"],
    TRANSLATION_LANGUAGE: [
        "fundraising", "data privacy", "business model", "compute", "ethics", "deployment",
    ],
}  # fmt: skip


def suggestions():
    return SUGGESTIONS.get(get_language(), SUGGESTIONS[SOURCE_LANGUAGE])


class BadSearch(ValueError):
    """A page number or topic that cannot be served; the message is for the user."""


@dataclass
class SearchOutcome:
    text: str
    truncated: bool = False
    reading: str = ""  # the Chinese that pinyin in the query was read as
    topic: Topic | None = None
    page: Page | None = None
    results: list = field(default_factory=list)
    facets: list = field(default_factory=list)  # (Topic, count)

    @property
    def count(self):
        return self.page.paginator.count if self.page else 0


class _Counted:
    """Stands in for the results in a Paginator: only their count is needed."""

    def __init__(self, count):
        self.count = count

    def __len__(self):
        return self.count


def _page_number(value, strict):
    try:
        number = int(value)
        if number < 1:
            raise ValueError(value)
    except (TypeError, ValueError):
        if strict:
            raise BadSearch(_("页码无效：%(page)s") % {"page": str(value)[:20]}) from None
        return 1
    return number


def run_search(text, topic_slug="", page_number="1", strict=False):
    """Search published entries. ``strict`` raises BadSearch on a bad page instead of clamping.

    The engine's part (hits, counts, facets, snippets) is cached by the normalised query,
    topic, page and language under the content version: "融資 " and "融资" share it, and it
    is never older than the last commit."""
    text = visible((text or "").replace("\x00", ""))
    query = understand(text)
    topics = {t.slug: t for t in topic_list.get()}
    outcome = SearchOutcome(
        text=text[:MAX_QUERY_LENGTH].strip(), truncated=query.truncated, reading=query.reading
    )
    if topic_slug:
        if topic_slug not in topics:
            raise BadSearch(_("未知的主题：%(topic)s") % {"topic": topic_slug[:50]})
        outcome.topic = topics[topic_slug]
    if not query:
        return outcome
    number = _page_number(page_number, strict)
    caching = settings.KB_PAGE_CACHE_ENABLED
    key = _cache_key(query, outcome.topic, number) if caching else None
    found = cache_get(key) if caching else None
    if found is None:
        found, entries = _engine_search(query, outcome.topic, number, strict, page_number)
        if caching:
            cache_set(key, found, settings.KB_PAGE_CACHE_SECONDS)
    else:  # the cached search holds ids: load those entries as the engine's load does
        entries = shown_entries().in_bulk([r["pk"] for r in found["results"]])
    paginator = Paginator(_Counted(found["count"]), RESULTS_PER_PAGE)
    outcome.page = Page([r["pk"] for r in found["results"]], found["number"], paginator)
    outcome.facets = [(topics[slug], n) for slug, n in found["facets"] if slug in topics]
    for result in found["results"]:
        entry = entries.get(result["pk"])
        if entry is not None:  # None: deleted since the search was cached
            outcome.results.append({**result, "entry": attach_topics(entry, result["topics"])})
    return outcome


def _cache_key(query, topic, number):
    """The words searched and the text the encoder reads (search.semantic): queries with
    the same words can differ in meaning (怎么融资 / 融资), so in their results too."""
    meant = simplified(query.reading or query.text)
    raw = repr((get_language(), query.groups, meant, topic.slug if topic else "", number))
    return f"search:{versioning.current().token}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _engine_search(query, topic, number, strict, page_number):
    """One engine run: the page of hits, the hit count and the facet counts as plain data
    (what is cached), and the entries the engine loaded for them by pk."""
    sqs = SearchQuerySet().filter(content=query).facet("topics")  # understood once, here
    if topic:
        sqs = sqs.filter(topics=topic.slug)
    sqs = sqs.load_all()
    hits = list(sqs[(number - 1) * RESULTS_PER_PAGE : number * RESULTS_PER_PAGE])
    count = sqs.count()
    if not hits and number > 1:
        if strict:
            raise BadSearch(_("页码无效：%(page)s") % {"page": str(page_number)[:20]})
        number = Paginator(_Counted(count), RESULTS_PER_PAGE).num_pages
        hits = list(sqs[(number - 1) * RESULTS_PER_PAGE : number * RESULTS_PER_PAGE])
    # The engine counts topics over every match, whichever topic the page is filtered to.
    facet_counts = sqs.facet_counts()
    results, entries = [], {}
    terms = query.terms
    for result in hits:
        entry = result.object
        if entry is None:  # deleted between the search and the load
            continue
        entries[entry.pk] = entry
        snippet_html, snippet_lang = snippet(entry, terms)
        results.append(
            {
                "pk": entry.pk,
                "score": result.score,
                "question_html": highlight(entry.question, terms),
                "question_lang": entry.shown_lang("question"),
                "topics": result.topics,  # the index row's, read with the match
                "snippet": snippet_html,
                "snippet_lang": snippet_lang,
            }
        )
    return {
        "count": count,
        "number": number,
        "facets": list(facet_counts.get("fields", {}).get("topics", [])),
        "results": results,
    }, entries


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        try:
            outcome = run_search(
                request.GET.get("q", ""), request.GET.get("topic", ""), request.GET.get("page", "1")
            )
        except BadSearch as exc:
            q = visible(request.GET.get("q", ""))[:MAX_QUERY_LENGTH].strip()
            context = self.get_context_data(error=str(exc), q=q)
            return self.render_to_response(context, status=400)
        context = self.get_context_data(
            outcome=outcome,
            q=outcome.text,
            suggestions=suggestions(),
            topics=topic_list.get(),
        )
        return note_search(self.render_to_response(context), outcome)  # counted by insights


def _question(entry, languages):
    if len(languages) > 1:
        return {language: in_language(entry, "question", language) for language in languages}
    return entry.question


def search_api(request):
    """Results in the language asked for (see questions.languages.api_languages)."""
    languages = api_languages(request)
    if languages is None:
        return JsonResponse(
            {"error": _("未知的语言：请用 zh-hans、en 或 all。")},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    with translation.override(languages[0] if len(languages) == 1 else get_language()):
        try:
            outcome = run_search(
                request.GET.get("q", ""),
                request.GET.get("topic", ""),
                request.GET.get("page", "1"),
                strict=True,
            )
        except BadSearch as exc:
            return JsonResponse(
                {"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return _search_json(request, outcome, languages)


def _search_json(request, outcome, languages):
    page = outcome.page
    return JsonResponse(
        {
            "query": outcome.text,
            "truncated": outcome.truncated,
            "reading": outcome.reading,
            "count": outcome.count,
            "page": page.number if page else 1,
            "num_pages": page.paginator.num_pages if page else 0,
            "results": [
                {
                    "id": r["entry"].pk,
                    "question": _question(r["entry"], languages),
                    "snippet_language": r["snippet_lang"],
                    "url": request.build_absolute_uri(r["entry"].get_absolute_url()),
                    "snippet": str(r["snippet"]),
                    "topics": [t.slug for t in r["entry"].shown_topics],
                    "source": r["entry"].document.filename,
                    "section": r["entry"].section,
                    "score": round(float(r["score"]), 4),
                }
                for r in outcome.results
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
