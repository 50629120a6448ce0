from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import signals
from haystack.exceptions import NotHandled
from haystack.signals import BaseSignalProcessor

from questions.models import Entry, Phrasing

# Inside ``deferred_indexing()``: the pks of the entries to index when the block ends.
_pending = ContextVar("pending_index_writes", default=None)


@contextmanager
def deferred_indexing():
    """Index each entry saved in the block once, when the block ends (still inside the
    caller's transaction): an import saves an entry, its topics and its English one after
    the other, and would otherwise index it three times."""
    pending = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    entries = Entry.objects.filter(pk__in=pending).select_related("document")
    for entry in entries.prefetch_related("topics", "phrasings", "duplicates"):
        TransactionalSignalProcessor.index_entry(entry)


class TransactionalSignalProcessor(BaseSignalProcessor):
    """Write an entry's index row on save/delete, inside the saving transaction.

    The index is a table of the same database, so the row commits or rolls back
    with the entry. Topic changes (many-to-many) re-index the entry too.
    """

    def setup(self):
        signals.pre_save.connect(self.remember_canonical, sender=Entry)
        signals.post_save.connect(self.handle_entry_save, sender=Entry)
        signals.post_delete.connect(self.handle_delete, sender=Entry)
        signals.m2m_changed.connect(self.handle_topics, sender=Entry.topics.through)
        signals.post_save.connect(self.handle_phrasing, sender=Phrasing)
        signals.post_delete.connect(self.handle_phrasing, sender=Phrasing)

    def teardown(self):
        signals.pre_save.disconnect(self.remember_canonical, sender=Entry)
        signals.post_save.disconnect(self.handle_entry_save, sender=Entry)
        signals.post_delete.disconnect(self.handle_delete, sender=Entry)
        signals.m2m_changed.disconnect(self.handle_topics, sender=Entry.topics.through)
        signals.post_save.disconnect(self.handle_phrasing, sender=Phrasing)
        signals.post_delete.disconnect(self.handle_phrasing, sender=Phrasing)

    def remember_canonical(self, sender, instance, **kwargs):
        """A canonical entry's index row holds the headings folded into it: note the old
        canonical when the grouping may change, to re-index it too."""
        update_fields = kwargs.get("update_fields")
        if instance.pk and (update_fields is None or "duplicate_of" in update_fields):
            old = Entry.objects.filter(pk=instance.pk).values_list("duplicate_of", flat=True)
            instance._old_canonical_id = old.first()

    def handle_entry_save(self, sender, instance, **kwargs):
        self.handle_save(sender, instance, **kwargs)
        canonicals = {instance.duplicate_of_id, getattr(instance, "_old_canonical_id", None)}
        for entry in Entry.objects.filter(pk__in=canonicals - {None}):
            self.handle_save(Entry, entry)

    def handle_phrasing(self, sender, instance, **kwargs):
        """Phrasings are indexed with their entry's question."""
        entry = Entry.objects.filter(pk=instance.entry_id).first()
        if entry is not None:
            self.handle_save(Entry, entry)

    def handle_topics(self, sender, instance, action, reverse, **kwargs):
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if reverse:  # topic.entries.add(...): re-index each entry touched
            for entry in Entry.objects.filter(pk__in=kwargs.get("pk_set") or []):
                self.handle_save(Entry, entry)
        else:
            self.handle_save(Entry, instance)

    def handle_save(self, sender, instance, **kwargs):
        pending = _pending.get()
        if pending is not None:
            pending.add(instance.pk)
            return
        self.index_entry(instance)

    @staticmethod
    def index_entry(instance):
        from haystack import connection_router, connections

        for using in connection_router.for_write(instance=instance):
            try:
                index = connections[using].get_unified_index().get_index(Entry)
            except NotHandled:
                continue
            index.update_object(instance, using=using)
