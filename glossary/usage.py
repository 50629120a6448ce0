"""Which entries use a term: its Chinese forms in an entry's Chinese text, its English
forms as whole words in the English text."""

import re

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


def _english(form):
    return re.compile(rf"(?<![a-z0-9]){re.escape(form.casefold())}(?![a-z0-9])")


def entries_using(term, texts):
    """The pks, in document order, of the entries among ``texts`` that use ``term``."""
    zh_forms = term.zh_forms
    en_patterns = [_english(f) for f in term.en_forms if f.strip()]
    return [
        pk
        for pk, zh, en in texts
        if any(f in zh for f in zh_forms) or any(p.search(en) for p in en_patterns)
    ]
