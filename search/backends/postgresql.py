"""PostgreSQL: a weighted tsvector column with a GIN (or RUM) index, ranked by ts_rank."""

CREATE = [
    "ALTER TABLE search_indexentry ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_indexentry_vector ON search_indexentry USING GIN (vector)",
]
DROP = [
    "DROP INDEX IF EXISTS search_indexentry_vector",
    "ALTER TABLE search_indexentry DROP COLUMN IF EXISTS vector",
]

JOIN = ""
MATCH = "e.vector @@ %s::tsquery"
SCORE = "ts_rank('{0.1, 0.3, 0.5, 1.0}', e.vector, %s::tsquery)"
SCORE_USES_QUERY = True

# Field → tsvector weight: question A, prompt B, answer and example C, body D.
WEIGHTS = {"question": "A", "prompt": "B", "answer": "C", "example": "C", "body": "D"}
MAX_POSITION = 16383


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def compile_query(groups, all_groups):
    """tsquery text for groups of alternatives; every token quoted, never raw input."""
    joiner = " & " if all_groups else " | "
    return joiner.join(
        "(" + " | ".join("(" + " & ".join(map(_quote, alt)) + ")" for alt in group) + ")"
        for group in groups
    )


def tsvector_literal(fields):
    positions = {}
    n = 0
    for name, weight in WEIGHTS.items():
        for token in fields[name].split():
            n += 1
            positions.setdefault(token, []).append(f"{min(n, MAX_POSITION)}{weight}")
    return " ".join(f"{_quote(t)}:{','.join(p[:256])}" for t, p in positions.items())


def write(cursor, pk, fields):
    cursor.execute(
        "UPDATE search_indexentry SET vector = %s::tsvector WHERE id = %s",
        [tsvector_literal(fields), pk],
    )


def delete(cursor, pks):
    """Nothing to do: the vector lives on the index row itself."""


def clear(cursor):
    """Nothing to do: the vector lives on the index row itself."""


def size_bytes(cursor):
    cursor.execute("SELECT pg_total_relation_size('search_indexentry')")
    return cursor.fetchone()[0]
