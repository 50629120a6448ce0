"""PostgreSQL: a weighted tsvector column with a GIN index, ranked by ts_rank.

The vector (created by migration) labels each lexeme with the weight class of the
column it came from (search.weights: the classes are tsvector's own A–D), and ts_rank
weighs the labels by the same map.

Where the ``rum`` extension is installed (Debian: postgresql-15-rum), migration 0003
indexes the vector with RUM instead, and the best matches come straight out of the
index in ``<=>`` order rather than by ranking every match.
"""

from search.weights import CLASSES, COLUMNS, class_of, relative

# The RUM index migration 0003 creates where the extension is available.
RUM_INDEX = "search_indexentry_vector_rum"
_rum_in_use = {}

# The full-text table, its id column, and how to reach the index rows for SQL filters.
TABLE = "search_indexentry e"
ID = "e.id"
FILTER_JOIN = ""
MATCH = "e.vector @@ %s::tsquery"
# ts_rank's weights are {D, C, B, A}, each at most 1.
_RANK_WEIGHTS = ", ".join(f"{relative(c):.4f}" for c in reversed(CLASSES))
SCORE = f"ts_rank('{{{_RANK_WEIGHTS}}}', e.vector, %s::tsquery)"
SCORE_USES_QUERY = True
MAX_POSITION = 16383


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


def tsvector_literal(texts):
    """The vector of one row: each token of each column labelled with its class."""
    positions = {}
    n = 0
    for name in COLUMNS:
        label = class_of(name)
        for token in texts[name].split():
            n += 1
            positions.setdefault(token, []).append(f"{min(n, MAX_POSITION)}{label}")
    return " ".join(f"{_quote(t)}:{','.join(p[:256])}" for t, p in positions.items())


def write(cursor, pk, texts):
    """Replace the row's vector: ``texts`` is {column: tokens}."""
    cursor.execute(
        "UPDATE search_indexentry SET vector = %s::tsvector WHERE id = %s",
        [tsvector_literal(texts), pk],
    )


def delete(cursor, pks):
    """Nothing to do: the vector lives on the index row itself."""


def clear(cursor):
    """Nothing to do: the vector lives on the index row itself."""


def size_bytes(cursor):
    cursor.execute("SELECT pg_total_relation_size('search_indexentry')")
    return cursor.fetchone()[0]
