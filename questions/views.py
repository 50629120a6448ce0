from django.core.paginator import InvalidPage, Paginator
from django.db.models import Case, Count, Q, When
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from search.related import related_entries

from .languages import api_languages
from .models import (
    DOCUMENT_TEXTS,
    LINK_FIELDS,
    LINKED_DOCUMENT_TEXTS,
    LISTING_DEFERS,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    Document,
    Entry,
    Topic,
    in_language,
)
from .shown_topics import with_topics

TOPIC_PAGE_SIZE = 50
# The entries a topic or document counts: what Entry.objects.listed() lists.
PUBLIC = Q(
    entries__is_published=True, entries__duplicate_of__isnull=True, entries__has_body=True
) & ~Q(entries__kind="closing")


def topics_with_counts():
    # Aggregating queries ignore Meta.ordering: order explicitly.
    return Topic.objects.annotate(entry_count=Count("entries", filter=PUBLIC)).order_by(
        "position", "slug"
    )


class HomeView(TemplateView):
    template_name = "questions/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topics=topics_with_counts(),
            documents=Document.objects.defer(*DOCUMENT_TEXTS)
            .annotate(entry_count=Count("entries", filter=PUBLIC))
            .order_by("filename"),
            recent=with_topics(Entry.objects.for_listing().order_by("-updated_at", "pk")[:6]),
            **kwargs,
        )


class TopicView(DetailView):
    model = Topic
    template_name = "questions/topic.html"
    context_object_name = "topic"

    def get_context_data(self, **kwargs):
        # Questions first, then the article sections (background text, definitions).
        entries = (
            Entry.objects.for_listing()
            .filter(topics=self.object)
            .order_by(
                Case(When(kind=Entry.Kind.QUESTION, then=0), default=1),
                "document__filename",
                "position",
            )
        )
        try:  # a page number that is not a page of this topic is no page at all
            page = Paginator(entries, TOPIC_PAGE_SIZE).page(self.request.GET.get("page") or 1)
        except InvalidPage as exc:
            raise Http404(_("没有这一页。")) from exc
        listed = with_topics(page.object_list)
        return super().get_context_data(
            page_obj=page,
            entries=listed,
            questions=[e for e in listed if e.kind == Entry.Kind.QUESTION],
            sections=[e for e in listed if e.kind != Entry.Kind.QUESTION],
            **kwargs,
        )


class EntryView(DetailView):
    """An entry; one folded into another (the same answer) sends the reader there."""

    template_name = "questions/entry.html"
    context_object_name = "entry"

    def get_queryset(self):
        return (
            Entry.objects.published()
            .filter(has_body=True)
            .exclude(kind=Entry.Kind.CLOSING)
            .select_related("document")
            .defer(*LINKED_DOCUMENT_TEXTS)
        )

    def get(self, request, *args, **kwargs):
        self.object = entry = self.get_object()
        for _hop in range(3):  # an editor's merge may point at an entry folded since
            # Read only for a folded entry: the others never load the entry they are not.
            if entry.duplicate_of_id is None or not entry.duplicate_of.is_published:
                break
            entry = entry.duplicate_of
        if entry.pk != self.object.pk:
            return HttpResponseRedirect(entry.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=entry))

    def get_context_data(self, **kwargs):
        entry = self.object
        # Previous and next show a section number and a question, nothing else.
        siblings = Entry.objects.listed().filter(document=entry.document).only(*LINK_FIELDS)
        english = get_language() == TRANSLATION_LANGUAGE
        language = TRANSLATION_LANGUAGE if english else SOURCE_LANGUAGE
        topics = with_topics([entry])[0].shown_topics
        return super().get_context_data(
            topic=topics[0] if topics else None,
            topics=topics,
            folded=list(
                entry.duplicates.published()
                .select_related("document")
                .defer(*LISTING_DEFERS, "answer")
                .in_document_order()
            ),
            previous=siblings.filter(position__lt=entry.position).order_by("-position").first(),
            next=siblings.filter(position__gt=entry.position).order_by("position").first(),
            related=related_entries(entry),
            phrasings=entry.phrasings.filter(language=language),
            **kwargs,
        )


class DocumentView(DetailView):
    template_name = "questions/document.html"
    context_object_name = "document"

    def get_object(self, queryset=None):
        return get_object_or_404(Document, filename=f"{self.kwargs['slug']}.txt")

    def get_context_data(self, **kwargs):
        entries = self.object.entries.published().order_by("position")
        return super().get_context_data(entries=entries, **kwargs)


def favicon(request):
    """/favicon.ico for clients that ask for it without reading the page's icon link."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# JSON API ---------------------------------------------------------------------------


def _texts(entry, language):
    """An entry's texts in ``language``; English falls back to the Chinese where missing."""
    texts = {f: in_language(entry, f, language) for f in Entry.translated_texts}
    if language != SOURCE_LANGUAGE and entry.translation_status == Entry.Status.MISSING:
        texts = {f: in_language(entry, f, SOURCE_LANGUAGE) for f in Entry.translated_texts}
        return texts, SOURCE_LANGUAGE
    return texts, language


def _reading_url(entry):
    """Where a reader finds the entry: its page, or for a heading or the closing text of a
    document, which have none, its place on the document's page."""
    if entry.has_page:
        return entry.get_absolute_url()
    return f"{entry.document.get_absolute_url()}#{entry.anchor}"


def entry_json(entry, request, languages=(SOURCE_LANGUAGE,)):
    """An entry in one language (``language`` says which the texts are in, after any
    fallback) or, for ``?lang=all``, with a ``translations`` object holding each. Its
    topics are those with_topics() attached."""
    data = {
        "id": entry.pk,
        "section": entry.section,
        "source": entry.document.filename,
        "kind": entry.kind,
        "topics": [t.slug for t in entry.shown_topics],
        "incomplete": entry.incomplete,
        "duplicate_of": entry.duplicate_of_id,
    }
    if len(languages) == 1:
        texts, shown = _texts(entry, languages[0])
        with translation.override(languages[0]):
            url = _reading_url(entry)
        data.update(texts, language=shown, url=request.build_absolute_uri(url))
        if languages[0] != SOURCE_LANGUAGE:
            data["translation_status"] = entry.translation_status.value
        return data
    data["translations"] = {}
    for language in languages:
        with translation.override(language):
            url = _reading_url(entry)
        data["translations"][language] = {
            **{f: in_language(entry, f, language) for f in Entry.translated_texts},
            "url": request.build_absolute_uri(url),
        }
    data["translation_status"] = entry.translation_status.value
    return data


def entries_api(request):
    languages = api_languages(request)
    if languages is None:
        return JsonResponse({"error": _("未知的语言：请用 zh-hans、en 或 all。")}, status=400)
    entries = Entry.objects.published().select_related("document").in_document_order()
    source = request.GET.get("source")
    if source:
        if not Document.objects.filter(filename=source).exists():
            return JsonResponse({"error": _("未知的来源文档：%s") % source[:200]}, status=400)
        entries = entries.filter(document__filename=source)
    topic = request.GET.get("topic")
    if topic:
        if not Topic.objects.filter(slug=topic).exists():
            return JsonResponse({"error": _("未知的主题：%s") % topic[:200]}, status=400)
        entries = entries.filter(topics__slug=topic)
    results = [entry_json(e, request, languages) for e in with_topics(entries)]
    return JsonResponse(
        {"count": len(results), "results": results}, json_dumps_params={"ensure_ascii": False}
    )


def topics_api(request):
    results = [
        {
            "slug": t.slug,
            "name_zh": t.name_zh_hans,
            "name_en": t.name_en,
            "description_zh": t.description_zh_hans,
            "description_en": t.description_en,
            "count": t.entry_count,
        }
        for t in topics_with_counts()
    ]
    return JsonResponse(
        {"count": len(results), "results": results}, json_dumps_params={"ensure_ascii": False}
    )
