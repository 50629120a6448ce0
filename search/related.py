from haystack.query import SearchQuerySet

from questions.models import LINK_FIELDS, Entry

RELATED_LIMIT = 5


def related_entries(entry, limit=RELATED_LIMIT):
    """Up to ``limit`` published entries nearest in meaning (search.semantic, at least
    MIN_SIMILARITY); never itself or a copy."""
    canonical = entry.duplicate_of or entry
    pks = [int(r.pk) for r in SearchQuerySet().more_like_this(canonical)[: limit + 1]]
    # Shown as links, and checked to be listed: nothing else is read.
    listed = ("is_published", "duplicate_of_id", "has_body", "kind")
    shown = Entry.objects.only(*LINK_FIELDS, *listed).in_bulk(pks)
    found = [shown[pk] for pk in pks if pk in shown and pk != entry.pk]
    return [e for e in found if e.is_listed][:limit]
