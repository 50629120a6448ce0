"""The content version: which state of the knowledge base a cached page or search shows.

``bump()`` runs inside the transaction of every change a reader could see — entries,
phrasings, topics, documents (admin, import or shell: model signals), and the importer's
bulk updates (called explicitly) — so the new token becomes visible to every process on
commit, and not at all on rollback. ``current()`` is one indexed read; within ``pinned()``
(a reader's request: kb.page_cache) it is read once and answered from memory after that.
"""

import threading
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from django.db import InterfaceError, OperationalError, connection
from django.db.models import signals

from .models import ContentVersion, Document, Entry, Phrasing, Topic

ROW = 1
_pinned = ContextVar("content_version", default=None)


@dataclass(frozen=True)
class Version:
    token: str
    changed: int  # Unix seconds


@cache
def _select_sql():
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    return f"SELECT token, changed FROM {table} WHERE id = %s"  # noqa: S608 - a constant


def current():
    """The version as committed (or as this transaction changed it): one indexed read,
    in plain SQL because every request, cached or not, pays for it; none within pinned()."""
    held = _pinned.get()
    if held is not None:
        return held
    try:
        row = _read()
    except (InterfaceError, OperationalError):
        # A persistent connection the server has closed (a restart, an idle timeout). The
        # version is every request's first query (kb.page_cache), so reconnecting here is
        # the connection health check, at no cost to a healthy request. Any other error
        # (a locked SQLite file, a server that refuses) is the request's to report.
        if connection.in_atomic_block or connection.is_usable():
            raise
        connection.close()
        row = _read()
    if row is None:  # a fresh database: the first read creates the row
        return bump()
    return Version(row[0], int(row[1]))


def _read():
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(), [ROW])
        return cursor.fetchone()


@contextmanager
def pinned():
    """Within this block current() answers the version read on entering, without a query:
    the page cache, query understanding and every PerVersion table of one request share
    one read. A bump() inside ends it (later reads see the transaction's own change)."""
    reset = _pinned.set(current())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(reset)


def bump():
    """A new token, in the current transaction."""
    _pinned.set(None)
    changed = int(time.time())
    token = uuid.uuid4().hex
    updated = ContentVersion.objects.filter(pk=ROW).update(token=token, changed=changed)
    if not updated:
        ContentVersion.objects.update_or_create(
            pk=ROW, defaults={"token": token, "changed": changed}
        )
    return Version(token, changed)


def _changed(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    if kwargs.get("action", "post_").startswith("post_"):
        bump()


def track(*models):
    """Bump the version whenever a row of these models is saved or deleted."""
    for model in models:
        signals.post_save.connect(_changed, sender=model, dispatch_uid=f"version-{model.__name__}")
        signals.post_delete.connect(
            _changed, sender=model, dispatch_uid=f"version-del-{model.__name__}"
        )


def connect():
    track(Entry, Phrasing, Topic, Document)
    signals.m2m_changed.connect(_changed, sender=Entry.topics.through, dispatch_uid="version-m2m")


class PerVersion:
    """A value this process builds once for each content version: what every request of
    that version shares (the search index's vectors, pinyin readings, the glossary), and
    rebuilds on the first request after a change, so every process answers alike.

    ``PerVersion(build)``; ``get(*key)`` returns ``build(*key)`` for the current version
    (one indexed read), or for ``version=`` when the caller has read it already."""

    def __init__(self, build):
        self.build = build
        self._held = {}  # key → (version token, value)
        self._lock = threading.Lock()

    def get(self, *key, version=None):
        token = version or current().token
        held = self._held.get(key)
        if held is None or held[0] != token:
            with self._lock:  # one build per change, whatever the threads
                held = self._held.get(key)
                if held is None or held[0] != token:
                    held = (token, self.build(*key))
                    self._held[key] = held
        return held[1]
