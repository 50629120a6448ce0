"""The content version: which state of the knowledge base a cached page or search shows.

``bump()`` runs inside the transaction of every change a reader could see — entries,
phrasings, topics, documents (admin, import or shell: model signals), and the importer's
bulk updates (called explicitly) — so the new token becomes visible to every process on
commit, and not at all on rollback. ``current()`` is one indexed read per request.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import signals
from django.utils import timezone

from .models import ContentVersion, Document, Entry, Phrasing, Topic

ROW = 1


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: datetime


def current():
    row = ContentVersion.objects.filter(pk=ROW).values_list("token", "changed_at").first()
    if row is None:  # a fresh database: the first read creates the row
        row = bump()
        return Version(row.token, row.changed_at)
    return Version(*row)


def bump():
    """A new token, in the current transaction."""
    now = timezone.now().replace(microsecond=0)  # HTTP dates have whole seconds
    token = uuid.uuid4().hex
    updated = ContentVersion.objects.filter(pk=ROW).update(token=token, changed_at=now)
    if not updated:
        ContentVersion.objects.update_or_create(
            pk=ROW, defaults={"token": token, "changed_at": now}
        )
    return Version(token, now)


def _changed(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    if kwargs.get("action", "post_").startswith("post_"):
        bump()


def connect():
    for model in (Entry, Phrasing, Topic, Document):
        signals.post_save.connect(_changed, sender=model, dispatch_uid=f"version-{model.__name__}")
        signals.post_delete.connect(
            _changed, sender=model, dispatch_uid=f"version-del-{model.__name__}"
        )
    signals.m2m_changed.connect(_changed, sender=Entry.topics.through, dispatch_uid="version-m2m")
