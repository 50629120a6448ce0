"""What a query means beyond its own words: misspelt English words corrected, pinyin read
as Chinese, glossary terms in the other language. ``understand()`` is the one way from
typed text to the Query the engine, the cache key and highlighting all use.
"""

import re
from dataclasses import replace

from django.conf import settings

from questions import versioning

from . import pinyin, spelling
from .text import (
    MAX_QUERY_GROUPS,
    latin_runs,
    normalise,
    parse_query,
    segment,
    stem,
    stopwords,
)

_LETTERS = re.compile(r"[a-z]+")
_COMPOUND_OF_LETTERS = re.compile(r"^[a-z]+(?:[-/.+&_][a-z]+)*$")


def signal_enabled(name):
    """Is a search signal switched on (settings.KB_SEARCH_SIGNALS; all are by default)?"""
    return name in settings.KB_SEARCH_SIGNALS


def understand(text):
    query = parse_query(text)
    if not query:
        return query
    version = versioning.current().token
    if signal_enabled("spelling"):
        query = _correct_spelling(query, version)
    if signal_enabled("pinyin"):
        query = _read_pinyin(query, version)
    if signal_enabled("glossary"):
        query = _bridge_glossary(query, version)
    return query


class Glossary:
    """Each glossary term's forms (Chinese, English, aliases) as token tuples: a query
    that names one form also searches the others, in both languages."""

    def __init__(self, terms):
        self.forms = {}  # first token → [(form tokens, all forms of the term)]
        for term in terms:
            forms = [f for f in (tuple(segment(t, for_search=False)) for t in term) if f]
            for form in dict.fromkeys(forms):
                self.forms.setdefault(form[0], []).append((form, tuple(dict.fromkeys(forms))))
        for entries in self.forms.values():
            entries.sort(key=lambda item: -len(item[0]))  # longest form first

    def bridge(self, groups):
        """Groups with each named term's consecutive groups merged into one group whose
        alternatives are every form of the term (and what the groups already allowed)."""
        heads = [g[0] if len(g[0]) == 1 else None for g in groups]
        out, i = [], 0
        while i < len(groups):
            for form, forms in self.forms.get(heads[i][0] if heads[i] else None, ()):
                span = groups[i : i + len(form)]
                if tuple(h[0] if h else None for h in heads[i : i + len(form)]) == form:
                    kept = span[0] if len(form) == 1 else (form,)
                    out.append(tuple(dict.fromkeys((*kept, *forms))))
                    i += len(form)
                    break
            else:
                out.append(groups[i])
                i += 1
        return tuple(out)


def _load_glossary():
    from glossary.models import Term

    return Glossary([[*t.zh_forms, *t.en_forms] for t in Term.objects.all()])


glossary = versioning.PerVersion(_load_glossary)


def _bridge_glossary(query, version):
    groups = glossary.get(version=version).bridge(query.groups)
    return query if groups == query.groups else replace(query, groups=groups)


def _read_pinyin(query, version):
    """Latin runs that spell the pinyin of indexed words add those words' groups (and
    their homophones as alternatives); the Latin groups stay, matching English."""
    runs = latin_runs(query.text)
    if not runs:
        return query
    readings = pinyin.readings.get("default", version=version)
    normalised = normalise(query.text)
    extra, replacements = [], []
    for run in runs:
        tokens = [token for token, _, _ in run]
        for first, last, words in readings.read(tokens):
            for word in words:
                group = parse_query(word).groups or (((word,),))
                homophones = tuple((w,) for w in readings.alternatives(word))
                extra += [(*g, *homophones) if i == 0 else g for i, g in enumerate(group)]
            replacements.append((run[first][1], run[last - 1][2], "".join(words)))
    if not extra:
        return query
    reading = normalised
    for start, end, words in reversed(replacements):
        reading = reading[:start] + words + reading[end:]
    known = set(query.groups)
    groups = query.groups + tuple(g for g in dict.fromkeys(extra) if g not in known)
    return replace(query, groups=groups[: MAX_QUERY_GROUPS * 2], reading=reading.strip())


def _correct_spelling(query, version):
    """Latin words the index does not hold (by their stems), that are no English word, no
    pinyin and no glossary form, replaced by the indexed word fewest edits away that
    entries hold, the one more entries hold among equals (search.spelling). The query is
    then the corrected text, and its reading says so."""
    runs = latin_runs(query.text)
    vocabulary = spelling.vocabulary.get("default", version=version) if runs else None
    if not vocabulary:
        return query
    readings = pinyin.readings.get("default", version=version) if signal_enabled("pinyin") else None
    terms = glossary.get(version=version).forms if signal_enabled("glossary") else {}
    # The tokens that spell pinyin ("rong zi": 融资) stay, as do those holding digits (the
    # model names gpt-3 and h100, and tone numbers: rong2); each word of a compound of
    # letters is looked at on its own ("cross-vlidation" → cross-validation).
    words = []
    for run in runs:
        tokens = [token for token, _, _ in run]
        spelt = set()
        for first, last, _ in readings.read(tokens) if readings is not None else ():
            spelt.update(range(first, last))
        for i, (token, start, _) in enumerate(run):
            if i in spelt or not _COMPOUND_OF_LETTERS.match(token):
                continue
            for part in _LETTERS.finditer(token):
                words.append((part.group(), start + part.start(), start + part.end()))
    replacements = []
    for word, start, end in words:
        if (
            len(word) < spelling.MIN_LETTERS
            or word in stopwords()
            or vocabulary.knows(word)
            or stem(word) in terms
            or spelling.is_english(word)
        ):
            continue
        nearest = vocabulary.nearest(word)
        if nearest:
            held = dict(zip(nearest, _frequencies([stem(w) for w in nearest]), strict=True))
            correction = min(nearest, key=lambda w: (-held[w], w))
            if held[correction]:
                replacements.append((start, end, correction))
    if not replacements:
        return query
    corrected = normalise(query.text)
    for start, end, correction in reversed(replacements):
        corrected = corrected[:start] + correction + corrected[end:]
    fixed = parse_query(corrected)
    return replace(fixed, truncated=query.truncated, reading=fixed.text) if fixed else query


def _frequencies(tokens):
    """How many indexed entries hold each token, as the engine counts them."""
    from haystack import connections

    return connections["default"].get_backend().frequencies(tokens)
