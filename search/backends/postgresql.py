"""PostgreSQL: a weighted tsvector column with a GIN index, ranked by ts_rank.

Where the ``rum`` extension is installed (Debian: postgresql-15-rum), migration 0003
indexes the vector with RUM instead, and the best matches come straight out of the
index in ``<=>`` order rather than by ranking every match.
"""

CREATE = [
    "ALTER TABLE search_indexentry ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_indexentry_vector ON search_indexentry USING GIN (vector)",
]
DROP = [
    "DROP INDEX IF EXISTS search_indexentry_vector",
    "ALTER TABLE search_indexentry DROP COLUMN IF EXISTS vector",
]
RUM_INDEX = "search_indexentry_vector_rum"
RUM_AVAILABLE = "SELECT 1 FROM pg_available_extensions WHERE name = 'rum'"
USE_RUM = [
    "CREATE EXTENSION IF NOT EXISTS rum",
    f"CREATE INDEX {RUM_INDEX} ON search_indexentry USING rum (vector rum_tsvector_ops)",
    "DROP INDEX IF EXISTS search_indexentry_vector",
]
USE_GIN = [
    "CREATE INDEX IF NOT EXISTS search_indexentry_vector ON search_indexentry USING GIN (vector)",
    f"DROP INDEX IF EXISTS {RUM_INDEX}",
]
_rum_in_use = {}

# The full-text table, its id column, and how to reach the index rows for SQL filters.
TABLE = "search_indexentry e"
ID = "e.id"
FILTER_JOIN = ""
MATCH = "e.vector @@ %s::tsquery"
# Weights for D, C, B, A: body, answer/example, prompt, question.
SCORE = "ts_rank('{0.1, 0.3, 0.5, 1.0}', e.vector, %s::tsquery)"
SCORE_USES_QUERY = True

# Field → tsvector weight: question A, prompt B, answer and example C, body D.
WEIGHTS = {"question": "A", "prompt": "B", "answer": "C", "example": "C", "body": "D"}
MAX_POSITION = 16383
# Topics are lexemes no query word can produce (a query token never holds a colon).
TOPIC_PREFIX = "topic:"


def ordering(cursor, match_text):
    """ORDER BY clause and its parameters: RUM's distance where indexed, else ts_rank."""
    database = cursor.db.settings_dict["NAME"]
    if database not in _rum_in_use:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RUM_INDEX])
        _rum_in_use[database] = cursor.fetchone() is not None
    if _rum_in_use[database]:
        return "e.vector <=> %s::tsquery", [match_text]  # a second key would stop RUM
    return "score DESC, e.id", []


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def compile_query(groups, all_groups):
    """tsquery text for groups of alternatives; every token quoted, never raw input."""
    joiner = " & " if all_groups else " | "
    return joiner.join(
        "(" + " | ".join("(" + " & ".join(map(_quote, alt)) + ")" for alt in group) + ")"
        for group in groups
    )


def index_size(cursor):
    """The planner's estimate once the table has been analysed, else an exact count."""
    cursor.execute(
        "SELECT CASE WHEN reltuples > 0 THEN reltuples::bigint "
        "ELSE (SELECT COUNT(*) FROM search_indexentry) END "
        "FROM pg_class WHERE oid = 'search_indexentry'::regclass"
    )
    return cursor.fetchone()[0]


def document_frequencies(cursor, groups, limit, size):
    """How many entries hold each group, up to ``limit``.

    Counting a common lexeme through GIN visits every matching row, slow on a large
    table, so a group with a common alternative is estimated from the lexeme
    statistics ANALYZE keeps for the vector column (what the planner uses); a group
    of rare words, absent from those statistics, is cheap to count and is counted.
    """
    cursor.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE tablename = 'search_indexentry' AND attname = 'vector' "
        "AND most_common_elems IS NOT NULL"
    )
    row = cursor.fetchone()
    frequency = dict(zip(row[0], row[1], strict=False)) if row else {}
    counts = []
    for group in groups:
        common = [alt for alt in group if all(t in frequency for t in alt)]
        if common:
            share = max(min(frequency[t] for t in alt) for alt in common)
            counts.append(min(limit, max(1, round(size * share))))
        else:
            counts.append(_count(cursor, group, limit))
    return counts


def _count(cursor, group, limit):
    cursor.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM search_indexentry WHERE vector @@ %s::tsquery "
        "LIMIT %s) AS m",
        [compile_query((group,), all_groups=True), limit],
    )
    return cursor.fetchone()[0]


def tsvector_literal(fields, topics):
    positions = {}
    n = 0
    for name, weight in WEIGHTS.items():
        for token in fields[name].split():
            n += 1
            positions.setdefault(token, []).append(f"{min(n, MAX_POSITION)}{weight}")
    lexemes = [f"{_quote(t)}:{','.join(p[:256])}" for t, p in positions.items()]
    return " ".join(lexemes + [_quote(TOPIC_PREFIX + slug) for slug in topics])


def write(cursor, pk, fields, topics):
    cursor.execute(
        "UPDATE search_indexentry SET vector = %s::tsvector WHERE id = %s",
        [tsvector_literal(fields, topics), pk],
    )


def delete(cursor, pks):
    """Nothing to do: the vector lives on the index row itself."""


def clear(cursor):
    """Nothing to do: the vector lives on the index row itself."""


def size_bytes(cursor):
    cursor.execute("SELECT pg_total_relation_size('search_indexentry')")
    return cursor.fetchone()[0]
