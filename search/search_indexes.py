from haystack import indexes

from questions.markup import plain_text
from questions.models import (
    LINKED_DOCUMENT_TEXTS,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    Entry,
    Topic,
    in_language,
)

from . import semantic
from .fields import WeightedField, weighted_fields

# A search result shows the entry's questions, text and topics and its document's name
# and title: not the rendered HTML, nor the document's own texts.
NOT_SHOWN = ("prompt_html", "answer_html", "example_html", *LINKED_DOCUMENT_TEXTS)


def shown_entries():
    """Entries as results show them, in one query with the document; the search view
    attaches their topics from the index rows (questions.shown_topics.attach_topics)."""
    return Entry.objects.select_related("document").defer(*NOT_SHOWN)


ZH, EN = SOURCE_LANGUAGE, TRANSLATION_LANGUAGE


# What each weighted field reads of an entry, in one language.
def question_text(obj, language):
    """The question, its phrasings, and the headings of the entries folded into it."""
    phrasings = [p.text for p in obj.phrasings.all() if p.language == language]
    folded = [in_language(other, "question", language) for other in obj.duplicates.all()]
    texts = [in_language(obj, "question", language), *phrasings, *folded]
    return "\n".join(t for t in texts if t)


def markup_text(field, kinds=None):
    """The plain text of Markdown ``field`` (of entries of ``kinds`` only, if given): an
    article section's text is its body, not an answer to a question."""

    def text(obj, language):
        if kinds is not None and obj.kind not in kinds:
            return ""
        return plain_text(in_language(obj, field, language))

    return text


QUESTION_KINDS = {k for k in Entry.Kind if k != Entry.Kind.SECTION}


class EntryIndex(indexes.SearchIndex, indexes.Indexable):
    """Published entries, one per repeated text.

    Each text is a WeightedField of one language and weight class (search.weights): the
    question with its "also asked as" phrasings and the headings folded into it (A), the
    prompt (B), a question's answer (C), the example and an article section's body (D),
    each in Chinese and in English. Fields prepare plain text; the backend segments it.
    """

    text = indexes.CharField(document=True)
    question_zh = WeightedField("A", ZH, text=question_text)
    question_en = WeightedField("A", EN, text=question_text)
    prompt_zh = WeightedField("B", ZH, text=markup_text("prompt"))
    prompt_en = WeightedField("B", EN, text=markup_text("prompt"))
    answer_zh = WeightedField("C", ZH, text=markup_text("answer", QUESTION_KINDS))
    answer_en = WeightedField("C", EN, text=markup_text("answer", QUESTION_KINDS))
    example_zh = WeightedField("D", ZH, text=markup_text("example"))
    example_en = WeightedField("D", EN, text=markup_text("example"))
    body_zh = WeightedField("D", ZH, text=markup_text("answer", {Entry.Kind.SECTION}))
    body_en = WeightedField("D", EN, text=markup_text("answer", {Entry.Kind.SECTION}))
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

    def prepare(self, obj):
        """The document field last, once the weighted fields it joins are prepared
        (haystack prepares fields in the order they are declared)."""
        data = super().prepare(obj)
        texts = (data.get(name) for name in weighted_fields(self))
        data[self.get_content_field()] = "\n".join(t for t in texts if t)
        return data

    def prepare_embedded(self, obj):
        """Questions (its own and those folded into it) and phrasings in both languages,
        and the opening of its answer: what the entry means, in a few sentences."""
        languages = (ZH, EN)
        questions = [in_language(obj, "question", lang) for lang in languages]
        questions += [in_language(o, "question", ZH) for o in obj.duplicates.all()]
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
