"""SQLite FTS5: the index's full-text half, ranked by bm25()."""

CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "question, prompt, answer, example, body, topics, "
    "tokenize = 'unicode61 remove_diacritics 0')",
]
DROP = ["DROP TABLE IF EXISTS search_fts"]

# The full-text table, its id column, and how to reach the index rows for SQL filters.
TABLE = "search_fts"
ID = "search_fts.rowid"
FILTER_JOIN = "JOIN search_indexentry e ON e.id = search_fts.rowid"
MATCH = "search_fts MATCH %s"
# bm25() is lower for better matches; weights per column: question highest, topics none.
SCORE = "-bm25(search_fts, 10.0, 4.0, 2.0, 1.5, 1.0, 0.0)"
SCORE_USES_QUERY = False
TEXT_COLUMNS = ("question", "prompt", "answer", "example", "body")


def ordering(cursor, match_text):
    """ORDER BY clause and its parameters: best bm25 first."""
    return "score DESC, search_fts.rowid", []


def _quote(token):
    return '"' + token.replace('"', '""') + '"'


def compile_query(groups, all_groups):
    """FTS5 MATCH text for groups of alternatives; every token quoted, never raw input."""
    joiner = " AND " if all_groups else " OR "
    text = joiner.join(
        "(" + " OR ".join("(" + " AND ".join(map(_quote, alt)) + ")" for alt in group) + ")"
        for group in groups
    )
    return f"{{{' '.join(TEXT_COLUMNS)}}} : ({text})"


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


def write(cursor, pk, fields, topics):
    cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [pk])
    cursor.execute(
        "INSERT INTO search_fts (rowid, question, prompt, answer, example, body, topics) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [pk, *(fields[name] for name in TEXT_COLUMNS), " ".join(topics)],
    )


def delete(cursor, pks):
    cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [[pk] for pk in pks])


def clear(cursor):
    cursor.execute("DELETE FROM search_fts")


def size_bytes(cursor):
    cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%%'")
    return cursor.fetchone()[0] or 0
