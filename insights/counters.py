"""Counter rows (searches, opens) added to in batches, safely under concurrent requests
on either database.

A reader's search must not wait for a database write (on SQLite, writers queue): each
process adds its counts up in memory and writes them, one UPDATE ... + n per row, at most
every ``SEARCH_LOG_FLUSH_SECONDS`` (and when the process exits). A process stopped hard
loses at most that much; analytics never fail a request: a database error is logged and
those counts lost."""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

log = logging.getLogger(__name__)

_pending = {}  # (model, counter, key items) → [count, latest values]
_lock = threading.Lock()
_last_flush = time.monotonic()


def bump(model, counter, key, **values):
    """Add one to ``counter`` of the row ``key`` (created when missing), setting ``values``."""
    item = (model, counter, tuple(sorted(key.items())))
    with _lock:
        count, _ = _pending.get(item, (0, None))
        _pending[item] = (count + 1, values)
        due = time.monotonic() - _last_flush >= settings.SEARCH_LOG_FLUSH_SECONDS
    if due:
        flush()


def flush():
    """Write every pending count to the database."""
    global _last_flush
    with _lock:
        items = list(_pending.items())
        _pending.clear()
        _last_flush = time.monotonic()
    for (model, counter, key), (count, values) in items:
        _add(model, counter, dict(key), count, values)


def _add(model, counter, key, count, values):
    try:
        for _attempt in range(2):
            try:
                with transaction.atomic():
                    rows = model.objects.filter(**key)
                    if rows.update(**{counter: F(counter) + count}, **values):
                        return
                    model.objects.create(**key, **{counter: count}, **values)
                    return
            except IntegrityError:  # another process created the row in between: add to it
                continue
    except DatabaseError:
        log.warning("could not record %s", model.__name__, exc_info=True)


atexit.register(flush)
