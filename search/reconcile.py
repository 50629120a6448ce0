"""The index against what it should hold: every listed entry, and nothing else.

Saves keep the index current one entry at a time (search.signals); this catches what they
cannot see — an index emptied by a migration that changed its shape (search 0005), or rows
left behind by a crash between a save and its indexing. ``import_seeds`` runs it, so the
README's two commands leave a complete index whatever the database held before.
"""

from django.db import transaction
from haystack import connections

from questions.models import Entry

from .models import IndexEntry


def reconcile(using="default"):
    """Index the listed entries the index lacks and remove the rows of entries it should
    not hold (unpublished, folded, deleted); returns (added, removed)."""
    index = connections[using].get_unified_index().get_index(Entry)
    backend = connections[using].get_backend()
    listed = index.index_queryset(using=using)
    label = Entry._meta.label_lower  # haystack's ids: "questions.entry.12"
    wanted = {f"{label}.{pk}" for pk in listed.values_list("pk", flat=True)}
    held = set(IndexEntry.objects.using(using).values_list("doc_id", flat=True))
    missing = sorted(int(doc_id.rsplit(".", 1)[1]) for doc_id in wanted - held)
    if missing:
        backend.update(index, listed.filter(pk__in=missing))
    stale = sorted(held - wanted)
    with transaction.atomic(using=backend.database):  # one commit, not one per row
        for doc_id in stale:
            backend.remove(doc_id)
    return len(missing), len(stale)
