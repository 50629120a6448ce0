from haystack.query import SearchQuerySet

from questions import versioning
from questions.models import LINK_FIELDS, Entry

RELATED_LIMIT = 5
# What is checked of a related entry: that it is listed.
LISTED_FIELDS = ("is_published", "duplicate_of_id", "has_body", "kind")

# {entry pk: [related entry pks]} for the current content version: an entry's related
# entries change only with the index or the entries, both of which move the version on.
_remembered = versioning.PerVersion(lambda limit: {})


def related_entries(entry, limit=RELATED_LIMIT):
    """Up to ``limit`` published entries nearest in meaning (search.semantic, at least
    MIN_SIMILARITY); never itself or a copy. Worked out once per content version and
    process; each page then loads only the links it shows."""
    held = _remembered.get(limit)
    pks = held.get(entry.pk)
    if pks is None:
        pks = held[entry.pk] = _related_pks(entry, limit)
    shown = Entry.objects.only(*LINK_FIELDS).in_bulk(pks)
    return [shown[pk] for pk in pks if pk in shown]


def _related_pks(entry, limit):
    canonical = entry.duplicate_of or entry
    pks = [int(r.pk) for r in SearchQuerySet().more_like_this(canonical)[: limit + 1]]
    listed = Entry.objects.only(*LISTED_FIELDS).in_bulk(pks)
    found = [listed[pk] for pk in pks if pk in listed and pk != entry.pk]
    return [e.pk for e in found if e.is_listed][:limit]
