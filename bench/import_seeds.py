"""Import the five seeds into an empty database and print the time (jieba load included).

.venv/bin/python bench/import_seeds.py [--runs 5]
"""

import argparse
import statistics
import time

from _setup import fresh_database, setup


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup()
    from django.core.management import call_command

    from search import text

    times = []
    for _ in range(args.runs):
        text.tokenizer.cache_clear()  # count jieba's dictionary load in every run
        with fresh_database(seeds=False) as connection:
            start = time.perf_counter()
            call_command("import_seeds", verbosity=0)
            times.append(time.perf_counter() - start)
    print(f"database: {connection.vendor}")
    print(
        f"import of 5 seeds into an empty database: median {statistics.median(times):.2f} s "
        f"over {args.runs} runs (min {min(times):.2f} s, max {max(times):.2f} s)"
    )


if __name__ == "__main__":
    main()
