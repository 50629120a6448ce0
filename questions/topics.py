"""Topics of entries: the editorial file for the seeds, the classifier for the rest.

Every seed entry's topics were chosen by reading it (fixtures/topics_editorial.json); the
classifier (questions.topic_classifier, learnt from that file; the keyword lists in
fixtures/topics.json are one of its features) only suggests topics for entries that file
does not list.
"""

import json
from functools import cache

from django.conf import settings

from search.text import segment

WEIGHTS = {"question": 3.0, "prompt": 2.0, "answer": 1.0, "example": 1.0}
MAX_TOPICS = 3
# Hits of one keyword in one field count up to this many times.
MAX_HITS = 4


@cache
def load_fixture(path=None):
    with open(path or settings.KB_TOPICS_FIXTURE, encoding="utf-8") as f:
        return json.load(f)


def load_topics(path=None):
    return load_fixture(path)["topics"]


@cache
def editorial_topics():
    """{seed file stem: {entry key: [topic slugs]}}, checked against the topic fixture."""
    with open(settings.KB_EDITORIAL_TOPICS, encoding="utf-8") as f:
        data = {k: v for k, v in json.load(f).items() if not k.startswith("_")}
    known = {t["slug"] for t in load_topics()}
    for stem, entries in data.items():
        for key, slugs in entries.items():
            if not (isinstance(slugs, list) and set(slugs) <= known and len(slugs) <= MAX_TOPICS):
                raise ValueError(
                    f"{settings.KB_EDITORIAL_TOPICS.name}: {stem} {key}: {slugs!r} is not a "
                    f"list of at most {MAX_TOPICS} of {sorted(known)}"
                )
    return data


def topics_for(filename, key, **texts):
    """(slugs, suggested): the editorial topics of a seed entry, or for an entry the
    editorial file does not list the classifier's suggestion, to be confirmed by an editor."""
    chosen = editorial_topics().get(filename.removesuffix(".txt"), {}).get(key)
    if chosen is not None:
        return list(chosen), False
    return classify(**texts), True


def needs_classifier(parsed):
    """Whether a parsed seed holds entries the editorial file does not list."""
    listed = editorial_topics().get(parsed.filename.removesuffix(".txt"), {})
    return any(e.key not in listed for e in parsed.entries)


@cache
def _keyword_tokens(keyword):
    return tuple(segment(keyword, for_search=False))


def _count(tokens, phrase, limit=MAX_HITS):
    """How often ``phrase`` (a token tuple) occurs in ``tokens``, up to ``limit``."""
    if not phrase:
        return 0
    n, hits = len(phrase), 0
    for i in range(len(tokens) - n + 1):
        if tokens[i] == phrase[0] and tuple(tokens[i : i + n]) == phrase:
            hits += 1
            if hits == limit:
                break
    return hits


def score(fields, topics=None):
    """Score each topic slug on an entry's fields (a dict of field name → text).

    Keywords match whole segmented words (the search index's segmentation), never
    substrings: 风险 does not match inside 风险投资, nor 数据 inside 大数据集."""
    tokens = {name: segment(text, for_search=False) for name, text in fields.items()}
    scores = {}
    for topic in topics or load_topics():
        total = 0.0
        for name, field_tokens in tokens.items():
            for keyword, weight in topic["keywords"].items():
                hits = _count(field_tokens, _keyword_tokens(keyword))
                total += hits * weight * WEIGHTS[name]
        scores[topic["slug"]] = total
    return scores


def classify(question, prompt="", answer="", example=""):
    """Up to three topic slugs suggested for an entry, most probable first; none when no
    topic is probable enough (the entry is then flagged for an editor, never filed under a
    default). Learnt from the seeds' editorial topics: questions.topic_classifier."""
    from .topic_classifier import EntryText, trained

    return trained().suggest([EntryText(question, prompt, answer, example)])[0]
