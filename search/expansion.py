"""What a query means beyond its own words: pinyin read as Chinese, glossary terms in the
other language. ``understand()`` is the one way from typed text to the Query the engine,
the cache key and highlighting all use.
"""

from dataclasses import replace

from django.conf import settings

from questions import versioning

from . import pinyin
from .text import MAX_QUERY_GROUPS, latin_runs, normalise, parse_query


def signal_enabled(name):
    """Is a search signal switched on (settings.KB_SEARCH_SIGNALS; all are by default)?"""
    return name in settings.KB_SEARCH_SIGNALS


def understand(text):
    query = parse_query(text)
    if signal_enabled("pinyin"):
        query = _read_pinyin(query)
    return query


def _read_pinyin(query):
    """Latin runs that spell the pinyin of indexed words add those words' groups (and
    their homophones as alternatives); the Latin groups stay, matching English."""
    runs = latin_runs(query.text)
    if not runs:
        return query
    readings = pinyin.readings(versioning.current().token)
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
