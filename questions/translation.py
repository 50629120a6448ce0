"""The fields django-modeltranslation translates.

Each registered field ``f`` gets ``f_zh_hans`` (the source text, imported from the seeds)
and ``f_en`` (its English translation); ``obj.f`` reads the active language and falls back
to Chinese where the English is empty. Code that needs one language names its column.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Document, Entry, Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = ""


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title", "keywords", "abstract", "intro", "outro")
    empty_values = ""


@register(Entry)
class EntryTranslation(TranslationOptions):
    fields = (
        "question", "prompt", "answer", "example", "prompt_html", "answer_html", "example_html",
    )  # fmt: skip
    empty_values = ""
