"""Snippets with every matched word marked, by the index's own segmentation.

Each text is cut once per process (memoised by the text itself, so an edited entry is
simply a new text) into where each index token occurs; the words a query marks are then a
few look-ups, not a segmentation of every result's whole body per search.
"""

from functools import lru_cache

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

from .text import tokenize_with_spans, word_tokens

SNIPPET_LENGTH = 140
# Texts kept cut, the most recently used: the seeds' questions and bodies in both
# languages are 716 and take 3.9 MB.
SEGMENTED_TEXTS = 2048


class Segmented:
    """A text cut as the index cuts it, as {index token: [(start, end) of each word of the
    text that holds it, whole or as a sub-word]}."""

    __slots__ = ("where",)

    def __init__(self, text):
        self.where = {}
        for word, start, end in tokenize_with_spans(text):
            for token in word_tokens(word):
                self.where.setdefault(token, []).append((start, end))

    def spans(self, terms):
        """(start, end) of each word that holds one of the query's terms, in text order."""
        return sorted({span for term in terms for span in self.where.get(term, ())})


@lru_cache(maxsize=SEGMENTED_TEXTS)
def segmented(text):
    return Segmented(text)


def _spans(text, terms):
    """(start, end) of each word of ``text`` that matches the query terms."""
    return segmented(text).spans(terms)


def _joined(spans):
    """Spans with those that touch made one: 资金筹措 is one mark, not 资金|筹措."""
    out = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _mark(text, spans, start=0, end=None):
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in _joined(spans):
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


def _latin(char):
    return char.isascii() and char.isalnum()


def _whole_words(text, start, end):
    """The window widened at its start and narrowed at its end so that it cuts no Latin
    word ("…odel startup" reads "…model startup"); Chinese may be cut anywhere."""
    while 0 < start < len(text) and _latin(text[start - 1]) and _latin(text[start]):
        start -= 1
    cut = end
    while start < cut < len(text) and _latin(text[cut - 1]) and _latin(text[cut]):
        cut -= 1
    while cut > start and cut < len(text) and text[cut - 1].isspace():
        cut -= 1
    if cut > start:
        end = cut
    return start, end


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
    start, end = _whole_words(text, start, end)
    html = _mark(text, spans, start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + html + suffix), HTML_LANG[language]  # noqa: S308 - all escaped
