from django.db.models import signals
from haystack.exceptions import NotHandled
from haystack.signals import BaseSignalProcessor

from questions.models import Entry, Phrasing


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
        for using in self.connection_router.for_write(instance=instance):
            try:
                index = self.connections[using].get_unified_index().get_index(sender)
            except NotHandled:
                continue
            index.update_object(instance, using=using)
