"""Median server time per public page type on the seed corpus, through Django's test client.

.venv/bin/python bench/pages.py [--requests 50]

Sets up its own throw-away database (see _setup.py; DATABASE_URL picks the vendor), imports
the seeds, warms each page once, then times ``--requests`` requests per page type. Target:
every median under 20 ms.
"""

import argparse
import statistics
import time

from _setup import fresh_database, setup

TARGET_MS = 20


def page_types():
    from questions.models import Document, Entry

    formula = Entry.objects.get(document__filename__startswith="001_", key="4.1")
    largest = max(Document.objects.all(), key=lambda d: d.entries.count())
    return {
        "home": "/",
        "home (en)": "/en/",
        "topic (largest, page 1)": "/topics/business/",
        "topic (page 2)": "/topics/business/?page=2",
        "entry": formula.get_absolute_url(),
        "entry (en)": "/en" + formula.get_absolute_url(),
        "document (largest)": largest.get_absolute_url(),
        "search": "/search/?q=数据隐私",
        "search (filtered)": "/search/?q=数据隐私&topic=data",
        "glossary": "/glossary/",
        "glossary (en)": "/en/glossary/",
        "sitemap.xml (not a page)": "/sitemap.xml",
    }


def count_queries(db, client, path):
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with db.execute_wrapper(record):
        client.get(path)
    return len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup()
    from django.db import connection as db
    from django.test import Client

    with fresh_database() as connection:
        client = Client()
        rows = []
        for name, path in page_types().items():
            response = client.get(path)  # warm caches (templates, jieba, translations)
            assert response.status_code == 200, (path, response.status_code)
            queries = count_queries(db, client, path)
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            rows.append((name, statistics.median(times), max(times), queries))
        print(f"database: {connection.vendor}; {args.requests} requests per page type")
        print(f"{'page':<26}{'median ms':>10}{'max ms':>9}{'queries':>9}")
        for name, median, worst, n in rows:
            flag = "" if median < TARGET_MS else f"  over the {TARGET_MS} ms target"
            print(f"{name:<26}{median:>10.1f}{worst:>9.1f}{n:>9}{flag}")


if __name__ == "__main__":
    main()
