"""Snippets with every matched word marked, by the index's own segmentation."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from questions.markup import plain_text
from questions.models import (
    HTML_LANG,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    in_language,
    reading_english,
)

from .text import matches, tokenize_with_spans

SNIPPET_LENGTH = 140


def _spans(text, terms):
    """(start, end) of each token of ``text`` that matches the query terms."""
    return [(s, e) for word, s, e in tokenize_with_spans(text) if matches(word, terms)]


def _mark(text, spans, start=0, end=None):
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def highlight(text, terms):
    """The whole text, HTML-escaped, matched words in <mark>."""
    return mark_safe(_mark(text, _spans(text, terms)))  # noqa: S308 - every piece escaped


def _body(entry, language):
    parts = (in_language(entry, f, language) for f in ("prompt", "answer", "example"))
    return plain_text("\n".join(p for p in parts if p))


def snippet(entry, terms, length=SNIPPET_LENGTH):
    """A window of the entry's text around its first match, matches marked: in the reader's
    language, or in the other one where only that one matched. Returns (html, lang)."""
    languages = [SOURCE_LANGUAGE, TRANSLATION_LANGUAGE]
    if reading_english():
        languages.reverse()
    texts = [(language, _body(entry, language)) for language in languages]
    texts = [(language, text) for language, text in texts if text] or [(SOURCE_LANGUAGE, "")]
    language, text = texts[0]
    spans = _spans(text, terms)
    for other, other_text in texts[1:]:
        if not spans and _spans(other_text, terms):
            language, text = other, other_text
            spans = _spans(text, terms)
    start = max(0, spans[0][0] - 20) if spans else 0
    end = min(len(text), start + length)
    html = _mark(text, spans, start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + html + suffix), HTML_LANG[language]  # noqa: S308 - all escaped
