"""Relevance on the hand-judged sets: MRR@10 and Recall@10 per kind of query, for the
search engine and for a plain icontains search over the same entries. The team's set
(tests/relevance.json) and the held-out set written blind (tests/relevance_heldout.json)
are reported separately, and an ablation table shows MRR@10 with each query-time signal
(meaning, pinyin, glossary) switched off in turn.

    .venv/bin/python bench/relevance.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/relevance.py
"""

import argparse

from _setup import fresh_database, setup


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list queries not ranked first")
    args = parser.parse_args()
    setup()
    from search.evaluation import (
        HELD_OUT_SET,
        RELEVANCE_SET,
        engine_search,
        evaluate,
        icontains_search,
        load_queries,
    )

    with fresh_database() as connection:
        print(f"database: {connection.vendor}")
        for name, path in [("team set", RELEVANCE_SET), ("held out", HELD_OUT_SET)]:
            queries = load_queries(path)
            engine, misses = evaluate(engine_search, queries)
            baseline, _ = evaluate(icontains_search, queries)
            print(f"\n{name} ({path.name})")
            print(
                f"{'kind':<17}{'n':>4}  {'MRR@10':>8}{'R@10':>8}   {'icontains MRR':>14}{'R@10':>8}"
            )
            kinds = sorted(k for k in engine if k != "all") + ["all"]
            for kind in kinds:
                mrr, recall, n = engine[kind]
                b_mrr, b_recall, _ = baseline[kind]
                print(
                    f"{kind:<17}{n:>4}  {mrr:>8.3f}{recall:>8.3f}   {b_mrr:>14.3f}{b_recall:>8.3f}"
                )
            if args.misses:
                for kind, query, rank in misses:
                    print(f"  miss [{kind}] {query!r}: first relevant at {rank}")
            ablation(queries, engine, kinds)


def ablation(queries, full, kinds):
    """MRR@10 per kind with each signal off, beside the full system."""
    from django.conf import settings
    from django.test import override_settings

    from search.evaluation import engine_search, evaluate

    signals = sorted(settings.KB_SEARCH_SIGNALS)
    columns = {"all on": full}
    for signal in signals:
        with override_settings(KB_SEARCH_SIGNALS=settings.KB_SEARCH_SIGNALS - {signal}):
            columns[f"-{signal}"], _ = evaluate(engine_search, queries)
    print(
        f"\nablation: MRR@10 with one signal off\n{'kind':<17}"
        + "".join(f"{name:>11}" for name in columns)
    )
    for kind in kinds:
        print(f"{kind:<17}" + "".join(f"{table[kind][0]:>11.3f}" for table in columns.values()))


if __name__ == "__main__":
    main()
