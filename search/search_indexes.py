from django.db.models import Prefetch
from haystack import indexes

from questions.markup import plain_text
from questions.models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGE, Entry, Topic, in_language

from . import semantic
from .text import index_tokens

# A search result or related entry shows the entry's questions, text and topics and its
# document's name and title: not the rendered HTML, nor the document's own text (up to
# 28 KB in the seeds, read again for each of its entries on a page).
NOT_SHOWN = (
    "prompt_html", "answer_html", "example_html",
    "document__original_text", "document__intro", "document__outro", "document__keywords",
)  # fmt: skip


def shown_entries():
    """Entries as results show them: one query with the document, and one for the topics,
    as a list in ``entry.shown_topics`` (a list costs less to prefetch than a manager)."""
    return (
        Entry.objects.select_related("document")
        .defer(*NOT_SHOWN)
        .prefetch_related(Prefetch("topics", to_attr="shown_topics"))
    )


def _both(obj, field):
    """The Chinese text of ``field`` and its English, read from their own columns (the
    language active while saving does not matter)."""
    texts = (
        in_language(obj, field, SOURCE_LANGUAGE),
        in_language(obj, field, TRANSLATION_LANGUAGE),
    )
    return "\n".join(t for t in texts if t)


class EntryIndex(indexes.SearchIndex, indexes.Indexable):
    """Published entries, one per repeated text; every text field pre-segmented by jieba.

    Each field holds the Chinese and the English text; the question field also holds the
    entry's "also asked as" phrasings in both languages. The prepared values are
    whitespace-separated normalised tokens, so any haystack backend with a whitespace
    analyzer could index them as they are.
    """

    text = indexes.CharField(document=True)
    question = indexes.CharField()
    prompt = indexes.CharField()
    answer = indexes.CharField()
    example = indexes.CharField()
    body = indexes.CharField()
    topics = indexes.MultiValueField(faceted=True)
    source = indexes.CharField(faceted=True)
    # The sentences the entry is embedded from (search.semantic); not full-text indexed.
    embedded = indexes.MultiValueField(indexed=False)

    def get_model(self):
        return Entry

    def index_queryset(self, using=None):
        return (
            Entry.objects.listed()
            .select_related("document")
            .prefetch_related("topics", "phrasings", "duplicates")
            .order_by("pk")
        )

    def read_queryset(self, using=None):
        return shown_entries()

    def is_indexed(self, obj):
        return obj.is_listed

    def update_object(self, instance, using=None, **kwargs):
        """Index a published, canonical entry; take anything else out of the index."""
        if self.is_indexed(instance):
            super().update_object(instance, using=using, **kwargs)
        else:
            self.remove_object(instance, using=using, **kwargs)

    def prepare_text(self, obj):
        return " ".join(
            v for v in (self.prepared_data.get(f) for f in ("question", "prompt", "answer",
                                                            "example", "body")) if v
        )  # fmt: skip

    def prepare_question(self, obj):
        """The question, its phrasings, and the headings of the entries folded into it."""
        phrasings = [p.text for p in obj.phrasings.all()]
        folded = [_both(other, "question") for other in obj.duplicates.all()]
        return index_tokens("\n".join([_both(obj, "question"), *phrasings, *folded]))

    def prepare_prompt(self, obj):
        return index_tokens(plain_text(_both(obj, "prompt")))

    def prepare_answer(self, obj):
        if obj.kind == Entry.Kind.SECTION:
            return ""
        return index_tokens(plain_text(_both(obj, "answer")))

    def prepare_example(self, obj):
        return index_tokens(plain_text(_both(obj, "example")))

    def prepare_body(self, obj):
        """An article section's text is its body, not an answer to a question."""
        if obj.kind != Entry.Kind.SECTION:
            return ""
        return index_tokens(plain_text(_both(obj, "answer")))

    def prepare_embedded(self, obj):
        """Questions (its own and those folded into it) and phrasings in both languages,
        and the opening of its answer: what the entry means, in a few sentences."""
        languages = (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE)
        questions = [in_language(obj, "question", lang) for lang in languages]
        questions += [in_language(o, "question", SOURCE_LANGUAGE) for o in obj.duplicates.all()]
        answers = [in_language(obj, "answer", lang) or in_language(obj, "prompt", lang)
                   for lang in languages]  # fmt: skip
        phrasings = [p.text for p in obj.phrasings.all()]
        return semantic.entry_texts(questions, phrasings, [a for a in answers if a])

    def prepare_topics(self, obj):
        return [t.slug for t in obj.topics.all()]

    def prepare_source(self, obj):
        return obj.document.filename

    def facet_values(self, field_name):
        """Every value a faceted field can take: the backend counts matches for each."""
        if field_name != "topics":
            raise NotImplementedError(f"No facet values for {field_name!r}.")
        return list(Topic.objects.values_list("slug", flat=True))
