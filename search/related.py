from haystack.query import SearchQuerySet

RELATED_LIMIT = 5


def related_entries(entry, limit=RELATED_LIMIT):
    """Up to ``limit`` published entries nearest in meaning (search.semantic, at least
    MIN_SIMILARITY); never itself or a copy."""
    canonical = entry.duplicate_of or entry
    results = SearchQuerySet().more_like_this(canonical).load_all()[: limit + 1]
    found = [r.object for r in results if r.object is not None and r.object.pk != entry.pk]
    return [e for e in found if e.is_listed][:limit]
