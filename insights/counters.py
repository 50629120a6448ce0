"""One counter row bumped by one, safely under concurrent requests on either database.

Analytics never fail a reader's request: a database error is logged and the count lost."""

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

log = logging.getLogger(__name__)


def bump(model, counter, key, **values):
    """Add one to ``counter`` of the row ``key`` (created at 1), setting ``values`` too."""
    try:
        for _attempt in range(2):
            try:
                with transaction.atomic():
                    rows = model.objects.filter(**key)
                    if rows.update(**{counter: F(counter) + 1}, **values):
                        return
                    model.objects.create(**key, **{counter: 1}, **values)
                    return
            except IntegrityError:  # another request created the row in between: add to it
                continue
    except DatabaseError:
        log.warning("could not record %s", model.__name__, exc_info=True)
