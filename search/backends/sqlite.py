"""SQLite FTS5: the index's full-text half, ranked by bm25().

The FTS5 table ``search_fts`` (created by migration) has the index's text columns
(search.weights.COLUMNS) in that order; bm25() weighs each by its class.
"""

from search.weights import COLUMNS, weight_of

# The full-text table, its id column, and how to reach the index rows for SQL filters.
TABLE = "search_fts"
ID = "search_fts.rowid"
FILTER_JOIN = "JOIN search_indexentry e ON e.id = search_fts.rowid"
MATCH = "search_fts MATCH %s"
# bm25() is lower for better matches; its weights are positional, one per column.
SCORE = f"-bm25(search_fts, {', '.join(repr(weight_of(c)) for c in COLUMNS)})"
SCORE_USES_QUERY = False


def ordering(cursor, match_text):
    """ORDER BY clause and its parameters: best bm25 first."""
    return "score DESC, search_fts.rowid", []


def _quote(token):
    return '"' + token.replace('"', '""') + '"'


def compile_query(groups, all_groups):
    """FTS5 MATCH text for groups of alternatives, over every text column of both
    languages; every token quoted, never raw input."""
    joiner = " AND " if all_groups else " OR "
    text = joiner.join(
        "(" + " OR ".join("(" + " AND ".join(map(_quote, alt)) + ")" for alt in group) + ")"
        for group in groups
    )
    return f"{{{' '.join(COLUMNS)}}} : ({text})"


def index_size(cursor):
    cursor.execute("SELECT COUNT(*) FROM search_indexentry")
    return cursor.fetchone()[0]


def document_frequencies(cursor, groups, limit, size):
    """How many of the ``size`` entries hold each group, counted up to ``limit`` (cheap in FTS5)."""
    counts = []
    for group in groups:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
            [compile_query((group,), all_groups=True), limit],
        )
        counts.append(cursor.fetchone()[0])
    return counts


# Column names are constants (search.weights); every value is a parameter.
_INSERT = (
    f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) "  # noqa: S608
    f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})"
)


def write(cursor, pk, texts):
    """Replace the row's text: ``texts`` is {column: tokens}."""
    cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [pk])
    cursor.execute(_INSERT, [pk, *(texts[name] for name in COLUMNS)])


def delete(cursor, pks):
    cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [[pk] for pk in pks])


def clear(cursor):
    cursor.execute("DELETE FROM search_fts")


def size_bytes(cursor):
    cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%%'")
    return cursor.fetchone()[0] or 0
