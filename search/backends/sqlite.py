"""SQLite FTS5: the index's full-text half, ranked by bm25()."""

CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "question, prompt, answer, example, body, tokenize = 'unicode61 remove_diacritics 0')",
]
DROP = ["DROP TABLE IF EXISTS search_fts"]

JOIN = "JOIN search_fts ON search_fts.rowid = e.id"
MATCH = "search_fts MATCH %s"
# bm25() is lower for better matches; weights per column: question highest.
SCORE = "-bm25(search_fts, 10.0, 4.0, 2.0, 1.5, 1.0)"
SCORE_USES_QUERY = False


def _quote(token):
    return '"' + token.replace('"', '""') + '"'


def compile_query(groups, all_groups):
    """FTS5 MATCH text for groups of alternatives; every token quoted, never raw input."""
    joiner = " AND " if all_groups else " OR "
    return joiner.join(
        "(" + " OR ".join("(" + " AND ".join(map(_quote, alt)) + ")" for alt in group) + ")"
        for group in groups
    )


def write(cursor, pk, fields):
    cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [pk])
    cursor.execute(
        "INSERT INTO search_fts (rowid, question, prompt, answer, example, body) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [pk, *(fields[name] for name in ("question", "prompt", "answer", "example", "body"))],
    )


def delete(cursor, pks):
    cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [[pk] for pk in pks])


def clear(cursor):
    cursor.execute("DELETE FROM search_fts")


def size_bytes(cursor):
    cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%%'")
    return cursor.fetchone()[0] or 0
