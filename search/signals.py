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
        signals.post_save.connect(self.handle_save, sender=Entry)
        signals.post_delete.connect(self.handle_delete, sender=Entry)
        signals.m2m_changed.connect(self.handle_topics, sender=Entry.topics.through)
        signals.post_save.connect(self.handle_phrasing, sender=Phrasing)
        signals.post_delete.connect(self.handle_phrasing, sender=Phrasing)

    def teardown(self):
        signals.post_save.disconnect(self.handle_save, sender=Entry)
        signals.post_delete.disconnect(self.handle_delete, sender=Entry)
        signals.m2m_changed.disconnect(self.handle_topics, sender=Entry.topics.through)
        signals.post_save.disconnect(self.handle_phrasing, sender=Phrasing)
        signals.post_delete.disconnect(self.handle_phrasing, sender=Phrasing)

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
