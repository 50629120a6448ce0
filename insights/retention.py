"""Search records are kept SEARCH_LOG_RETENTION_DAYS days, then deleted."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SearchCount, SearchOpen


def purge_search_log(days=None, today=None):
    """Delete search counts and opens from before the retention window; return the counts."""
    days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
    cutoff = (today or timezone.localdate()) - timedelta(days=days)
    with transaction.atomic():
        searches, _ = SearchCount.objects.filter(day__lt=cutoff).delete()
        opens, _ = SearchOpen.objects.filter(day__lt=cutoff).delete()
    return cutoff, searches, opens
