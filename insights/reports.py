"""What editors read: a week's searches, grouped by query, language and topic filter."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import translation

from .models import SearchCount, SearchOpen

RARELY_OPENED_MIN_SEARCHES = 3  # fewer searches say nothing about how often results are opened
RARELY_OPENED_RATE = 0.2  # at most one open in five searches
REPORTS = ("top", "no-results", "rarely-opened")
CSV_COLUMNS = ["week", "query", "language", "topic", "searches", "results", "opens", "url"]


def week_of(day):
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass
class QueryWeek:
    week: object  # the Monday
    query: str
    language: str
    topic: str
    searches: int
    results: int
    opens: int

    @property
    def open_rate(self):
        return self.opens / self.searches if self.searches else 0.0

    @property
    def search_url(self):
        """The public search as the reader saw it (path, in the reader's language)."""
        language = self.language if self.language in dict(settings.LANGUAGES) else None
        with translation.override(language or settings.LANGUAGE_CODE):
            path = reverse("search")
        params = {"q": self.query, **({"topic": self.topic} if self.topic else {})}
        return f"{path}?{urlencode(params)}"


def week_stats(monday):
    days = (monday, monday + timedelta(days=6))
    group = ("query", "language", "topic")
    opens = {
        tuple(row[k] for k in group): row["opens"]
        for row in SearchOpen.objects.filter(day__range=days)
        .values(*group)
        .annotate(opens=Sum("opens"))
        .order_by()
    }
    rows = (
        SearchCount.objects.filter(day__range=days)
        .values(*group)
        .annotate(searches=Sum("searches"), results=Max("results"))
        .order_by()
    )
    return [
        QueryWeek(monday, **row, opens=opens.get(tuple(row[k] for k in group), 0)) for row in rows
    ]


def report(name, stats):
    """One of REPORTS from a week's stats, most searched first."""
    if name == "no-results":
        stats = [s for s in stats if s.results == 0]
    elif name == "rarely-opened":
        stats = [
            s
            for s in stats
            if s.results > 0
            and s.searches >= RARELY_OPENED_MIN_SEARCHES
            and s.open_rate <= RARELY_OPENED_RATE
        ]
        return sorted(stats, key=lambda s: (s.open_rate, -s.searches, s.query))
    return sorted(stats, key=lambda s: (-s.searches, s.query, s.language, s.topic))


def weeks_with_data():
    return sorted({week_of(day) for day in SearchCount.objects.dates("day", "day")}, reverse=True)


def as_csv(stats, absolute):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in stats:
        writer.writerow(
            [s.week.isoformat(), s.query, s.language, s.topic, s.searches, s.results, s.opens,
             absolute(s.search_url)]
        )  # fmt: skip
    return out.getvalue()
