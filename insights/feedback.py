"""Readers' votes on entries: one per session and entry, a few per session an hour.

A vote needs a session, and only the feedback form starts one: ordinary pages never touch
the session, so they carry no session cookie and stay in the shared page cache."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import FeedbackVote

log = logging.getLogger(__name__)
VOTER = "feedback_voter"


def voter_for(session, create=False):
    """The session's random voter token (started by the feedback form), or None."""
    voter = session.get(VOTER)
    if voter is None and create:
        voter = session[VOTER] = secrets.token_hex(16)
    return voter


def within_rate(voter):
    """Count one vote of this session against its hourly allowance; False when spent."""
    key = f"feedback-rate:{voter}"
    try:
        cache.add(key, 0, 3600)
        return cache.incr(key) <= settings.FEEDBACK_VOTES_PER_HOUR
    except Exception:  # noqa: BLE001 - a cache that fails (Redis down) lets the vote through
        log.warning("feedback rate limit unavailable", exc_info=True)
        return True


def previous_vote(entry, voter):
    return FeedbackVote.objects.filter(entry=entry, voter=voter).first()


def vote(entry, voter, helpful, comment):
    """Record the vote; a second vote of the same session on the same entry replaces it."""
    FeedbackVote.objects.update_or_create(
        entry=entry,
        voter=voter,
        defaults={"helpful": helpful, "comment": comment, "day": timezone.localdate()},
    )
