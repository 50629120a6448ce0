"""Entry history through django-simple-history: who changed what, when, and a way back.

A *version* of an entry is one row of ``Entry.history`` (the ``HistoricalEntry`` model): all
its columns in both languages (``question_zh_hans``, ``answer_en`` …), its topics (simple-
history's many-to-many rows) and its phrasings (``phrasing_list``, [[language, text], …] in
order). Who made it is ``history_user`` (an editor), or ``history_change_reason == "import"``
for ``import_seeds``; a revert says ``revert:<history id>``.

One change is one version: inside ``recording()`` (an admin save, an import transaction, a
revert) the saves of an entry, its topics and its phrasings only note the entry, and its
version is written once when the block ends, still inside the caller's transaction.
Outside such a block every save records its own version, as simple-history does.

Registered at app-ready time (``QuestionsConfig.ready``), after django-modeltranslation has
added the ``_zh_hans`` / ``_en`` columns, so the historical table has them too.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.db.models import signals
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationField
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

IMPORT = "import"
REVERT_PREFIX = "revert:"

# Inside ``recording()``: {entry pk: history type ("+" created, "~" changed)} to record.
_pending = ContextVar("pending_history", default=None)


@dataclass
class _Context:
    pending: dict
    user: object
    reason: str


class EntryVersion(models.Model):
    """What a version holds besides the entry's own columns."""

    phrasing_list = models.JSONField(_("其他问法"), default=list)

    class Meta:
        abstract = True


class EntryHistoricalRecords(HistoricalRecords):
    """simple-history for Entry: translated columns as plain columns, one version per change."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if isinstance(field, TranslationField):
                # modeltranslation's field classes proxy the original field; the history
                # table only needs the column, as the wrapped field's own class.
                field.__class__ = type(field.translated_field)
        return fields

    def post_save(self, instance, created, using=None, **kwargs):
        context = _pending.get()
        if context is not None and not kwargs.get("raw"):
            context.pending.setdefault(instance.pk, "+" if created else "~")
            return
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        from .models import Entry

        entries = Entry.objects.filter(pk__in=pk_set or []) if reverse else [instance]
        for entry in entries:
            note_change(entry)


def note_change(entry):
    """Record a change of ``entry`` (its phrasings or topics): at the end of the current
    ``recording()`` block, or now."""
    context = _pending.get()
    if context is not None:
        context.pending.setdefault(entry.pk, "~")
    elif not hasattr(entry, "skip_history_when_saving"):
        records.create_historical_record(entry, "~")


records = EntryHistoricalRecords(
    bases=[EntryVersion],
    m2m_fields=["topics"],
    verbose_name=_("条目版本"),
    verbose_name_plural=_("条目版本"),
)


@contextmanager
def recording(user=None, reason=""):
    """One version per entry changed in the block, by ``user`` (an editor) or for
    ``reason`` ("import", "revert:<id>"), written when the block ends without error."""
    context = _Context({}, user, reason)
    token = _pending.set(context)
    try:
        yield context
    finally:
        _pending.reset(token)
    from .models import Entry

    for entry in Entry.objects.filter(pk__in=context.pending).order_by("pk"):
        entry._history_user = user if getattr(user, "is_authenticated", False) else None
        entry._change_reason = reason
        records.create_historical_record(entry, context.pending[entry.pk])


def _phrasing_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    from .models import Entry

    origin = kwargs.get("origin")
    if isinstance(origin, Entry):  # the entry itself is being deleted: its "-" row says so
        return
    entry = Entry.objects.filter(pk=instance.entry_id).first()
    if entry is not None:
        note_change(entry)


def _snapshot_phrasings(sender, instance, history_instance, **kwargs):
    history_instance.phrasing_list = [
        [language, text]
        for language, text in instance.phrasings.order_by("language", "position", "pk").values_list(
            "language", "text"
        )
    ]


def connect():
    from .models import Entry, Phrasing

    # simple-history's register() with our configured records (it builds the class).
    register(Entry, app="questions", records_class=_configured_records)
    pre_create_historical_record.connect(
        _snapshot_phrasings, sender=Entry.history.model, dispatch_uid="history-phrasings"
    )
    signals.post_save.connect(_phrasing_changed, sender=Phrasing, dispatch_uid="history-ph-save")
    signals.post_delete.connect(_phrasing_changed, sender=Phrasing, dispatch_uid="history-ph-del")


def _configured_records(**config):
    return records


# What a revert restores: what an editor edits in the entry form, with the state of the
# English that goes with it. Structure (document, section, position) belongs to the import.
TEXT_FIELDS = ("question", "prompt", "answer", "example")
LANGUAGE_SUFFIXES = ("zh_hans", "en")
REVERTED_FIELDS = (
    *(f"{name}_{suffix}" for name in TEXT_FIELDS for suffix in LANGUAGE_SUFFIXES),
    "is_published",
    "primary_topic_id",
    "topics_locked",
    "duplicate_of_id",
    "duplicate_locked",
    "en_source_hash",
)


def versions_of(entry_pk):
    """The versions of an entry, newest first."""
    from .models import Entry

    return (
        Entry.history.filter(id=entry_pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def topic_ids(version):
    return sorted(version.topics.values_list("topic_id", flat=True))


def revert(entry, version, user):
    """Give ``entry`` the editable state of ``version`` (texts in both languages, topics,
    phrasings, publication, duplicate grouping), recorded as a new version by ``user``.
    A save like an admin save: HTML re-rendered, index written once, content version moved.
    Returns the new version."""
    from django.db import transaction

    from search.signals import deferred_indexing

    from .models import Entry, Phrasing, Topic

    reason = f"{REVERT_PREFIX}{version.history_id}"
    with transaction.atomic(), deferred_indexing(), recording(user, reason):
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        for name in REVERTED_FIELDS:
            setattr(entry, name, getattr(version, name))
        if entry.duplicate_of_id and not Entry.objects.filter(pk=entry.duplicate_of_id).exists():
            entry.duplicate_of_id = None  # the entry it was folded into is gone
        if entry.primary_topic_id and not Topic.objects.filter(pk=entry.primary_topic_id).exists():
            entry.primary_topic_id = None  # the topic is gone
        entry.save()
        entry.topics.set(Topic.objects.filter(pk__in=topic_ids(version)))
        entry.phrasings.all().delete()
        positions = {}
        rows = []
        for language, text in version.phrasing_list:
            positions[language] = positions.get(language, -1) + 1
            rows.append(
                Phrasing(entry=entry, language=language, text=text, position=positions[language])
            )
        Phrasing.objects.bulk_create(rows)
        note_change(entry)
    return versions_of(entry.pk).first()
