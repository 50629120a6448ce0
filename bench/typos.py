"""Misspelt English queries: MRR@10 of the English queries of both relevance sets as
written, and with one typo each (a letter left out, two letters swapped or one replaced,
in the query's longest word of six letters or more; drawn with a fixed seed), with the
spelling signal on and off.

    .venv/bin/python bench/typos.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/typos.py
"""

import argparse
import random
import re

from _setup import fresh_database, setup

KINDS = ("english_question", "english_keyword")
SEED = 7


def misspelt(query, rng):
    """``query`` with one typo in its longest word of six letters or more, or None."""
    words = [w for w in re.findall(r"[A-Za-z]+", query) if len(w) >= 6]
    if not words:
        return None
    word = max(words, key=len)
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["left out", "swapped", "replaced"])
    if kind == "left out":
        typo = word[:i] + word[i + 1 :]
    elif kind == "swapped":
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        typo = word[:i] + rng.choice("aeiourstn") + word[i + 1 :]
    return None if typo == word else query.replace(word, typo, 1)


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    setup()
    from django.conf import settings
    from django.test import override_settings

    from search.evaluation import (
        HELD_OUT_SET,
        RELEVANCE_SET,
        engine_search,
        evaluate,
        load_queries,
    )

    rng = random.Random(SEED)
    pairs = []
    for path in (RELEVANCE_SET, HELD_OUT_SET):
        for item in load_queries(path):
            typo = misspelt(item["query"], rng) if item["kind"] in KINDS else None
            if typo:
                pairs.append((item, {**item, "query": typo}))
    without = settings.KB_SEARCH_SIGNALS - {"spelling"}
    with fresh_database() as connection:
        as_written, _ = evaluate(engine_search, [a for a, _ in pairs])
        typed, _ = evaluate(engine_search, [b for _, b in pairs])
        with override_settings(KB_SEARCH_SIGNALS=without):
            uncorrected, _ = evaluate(engine_search, [b for _, b in pairs])
        print(f"database: {connection.vendor}; {len(pairs)} English queries, one typo each")
        print(f"{'kind':<18}{'n':>4}{'as written':>12}{'typo':>8}{'typo, spelling off':>20}")
        for kind in [*KINDS, "all"]:
            n = as_written[kind][2]
            print(
                f"{kind:<18}{n:>4}{as_written[kind][0]:>12.3f}{typed[kind][0]:>8.3f}"
                f"{uncorrected[kind][0]:>20.3f}"
            )
        print("for example: " + "; ".join(b["query"] for _, b in pairs[:5]))


if __name__ == "__main__":
    main()
