"""Relevance measurement: MRR@10 and Recall@10 over hand-judged query sets.

tests/relevance.json is the team's set (seen while the ranking was built);
tests/relevance_heldout.json was written blind from the entries and is never used for
tuning. Used by bench/relevance.py (prints the figures) and tests (hold the targets).
"""

import json
from collections import defaultdict
from statistics import mean

from django.conf import settings
from django.db.models import Q
from haystack.inputs import Raw
from haystack.query import SearchQuerySet

from questions.models import Entry

K = 10
RELEVANCE_SET = settings.BASE_DIR / "tests" / "relevance.json"
HELD_OUT_SET = settings.BASE_DIR / "tests" / "relevance_heldout.json"


def load_queries(path=RELEVANCE_SET):
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def entry_pk(ref):
    """'001:10.36' → the pk of the entry a reader is shown for it: itself, or the entry it
    is folded into (the same answer under another heading)."""
    source, section = ref.split(":", 1)
    entry = Entry.objects.get(document__filename__startswith=f"{source}_", key=section)
    return entry.duplicate_of_id or entry.pk


def engine_search(query, k=K):
    sqs = SearchQuerySet().filter(content=Raw(query))[:k]
    return [int(r.pk) for r in sqs]


def icontains_search(query, k=K):
    """The naive baseline: the whole query as a substring of question or answer."""
    match = Q(question__icontains=query) | Q(answer__icontains=query)
    rows = Entry.objects.published().canonical().filter(match).in_document_order()
    return list(rows.values_list("pk", flat=True)[:k])


def evaluate(search, queries=None):
    """{kind: (mrr, recall, n)} plus an "all" row; ``misses`` lists queries not ranked first."""
    per_kind = defaultdict(list)
    misses = []
    for item in queries or load_queries():
        expected = [entry_pk(ref) for ref in item["expected"]]
        found = search(item["query"])
        rank = next((i for i, pk in enumerate(found, 1) if pk in expected), None)
        rr = 1 / rank if rank else 0.0
        recall = len(set(found) & set(expected)) / len(expected)
        per_kind[item["kind"]].append((rr, recall))
        per_kind["all"].append((rr, recall))
        if rank != 1:
            misses.append((item["kind"], item["query"], rank))
    table = {
        kind: (mean(r for r, _ in rows), mean(c for _, c in rows), len(rows))
        for kind, rows in per_kind.items()
    }
    return table, misses
