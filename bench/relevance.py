"""Relevance on the hand-judged set (tests/relevance.json): MRR@10 and Recall@10 per kind
of query, for the search engine and for a plain icontains search over the same entries.

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
    from search.evaluation import engine_search, evaluate, icontains_search

    with fresh_database() as connection:
        engine, misses = evaluate(engine_search)
        baseline, _ = evaluate(icontains_search)
        print(f"database: {connection.vendor}")
        print(f"{'kind':<12}{'n':>4}  {'MRR@10':>8}{'R@10':>8}   {'icontains MRR':>14}{'R@10':>8}")
        for kind in ["keyword", "natural", "traditional", "latin", "all"]:
            mrr, recall, n = engine[kind]
            b_mrr, b_recall, _ = baseline[kind]
            print(f"{kind:<12}{n:>4}  {mrr:>8.3f}{recall:>8.3f}   {b_mrr:>14.3f}{b_recall:>8.3f}")
        if args.misses:
            for kind, query, rank in misses:
                print(f"  miss [{kind}] {query!r}: first relevant at {rank}")


if __name__ == "__main__":
    main()
