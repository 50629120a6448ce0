"""Which entries use a term: its Chinese forms in an entry's Chinese text, its English
forms as whole words in the English text. Worked out once per content version and
process (``usage.get()``), since every glossary page needs it for every term."""

import re
from functools import lru_cache

from questions import versioning
from questions.markup import plain_text
from questions.models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGE, Entry, in_language

FIELDS = ("question", "prompt", "answer", "example")


def listed_texts():
    """(entry pk, Chinese text, English text in lower case) of every listed entry."""
    out = []
    for entry in Entry.objects.listed().in_document_order():
        zh, en = (
            "\n".join(plain_text(in_language(entry, f, lang)) for f in FIELDS)
            for lang in (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE)
        )
        out.append((entry.pk, zh, en.casefold()))
    return out


@lru_cache(maxsize=4096)
def _whole_word(form):
    return re.compile(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])")


def _uses_english(form, text):
    return form in text and _whole_word(form).search(text) is not None  # cheap test first


def entries_using(term, texts):
    """The pks, in document order, of the entries among ``texts`` that use ``term``."""
    zh_forms = term.zh_forms
    en_forms = [f.casefold() for f in term.en_forms if f.strip()]
    return [
        pk
        for pk, zh, en in texts
        if any(f in zh for f in zh_forms) or any(_uses_english(f, en) for f in en_forms)
    ]


def _build():
    from .models import Term

    texts = listed_texts()
    return {term.pk: entries_using(term, texts) for term in Term.objects.all()}


# {term pk: [entry pks using it]} for the content as committed now: usage.get().
usage = versioning.PerVersion(_build)
