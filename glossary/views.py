from itertools import groupby

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views.generic import TemplateView

from questions import versioning
from questions.models import TRANSLATION_LANGUAGE, Entry
from questions.shown_topics import with_topics

from .models import Term
from .usage import usage


def _sections(english):
    """[(letter, terms)] of every term, each with its ``entry_count``: by pinyin in Chinese,
    A–Z in English. Built once per content version and language (a glossary change moves
    the version), not sorted again on every request."""
    used = usage.get()
    terms = list(Term.objects.all())
    for term in terms:
        term.entry_count = len(used.get(term.pk, ()))
    if english:
        terms.sort(key=lambda t: t.en.casefold())
        letter = lambda t: t.en[:1].upper() if t.en[:1].isalpha() else "#"  # noqa: E731
    else:
        terms.sort(key=lambda t: (t.initial, t.sort_key))
        letter = lambda t: t.initial  # noqa: E731
    return [(key, list(group)) for key, group in groupby(terms, key=letter)]


glossary_sections = versioning.PerVersion(_sections)


class GlossaryView(TemplateView):
    """Every term with its definition: by pinyin in Chinese, A–Z in English."""

    template_name = "glossary/glossary.html"

    def get_context_data(self, **kwargs):
        english = get_language() == TRANSLATION_LANGUAGE
        sections = glossary_sections.get(english)
        return super().get_context_data(
            english=english,
            sections=sections,
            term_count=sum(len(terms) for _, terms in sections),
            **kwargs,
        )


class TermView(TemplateView):
    """One term and the entries that use it."""

    template_name = "glossary/term.html"

    def get_context_data(self, **kwargs):
        term = get_object_or_404(Term, pk=kwargs["pk"])
        pks = usage.get().get(term.pk, [])
        entries = Entry.objects.for_listing().in_bulk(pks)
        return super().get_context_data(
            term=term,
            english=get_language() == TRANSLATION_LANGUAGE,
            entries=with_topics(entries[pk] for pk in pks if pk in entries),
            **kwargs,
        )
