"""SQLite FTS5: the index's full-text half, ranked by bm25().

The FTS5 table ``search_fts`` (created by migration) has the index's text columns
(search.weights.COLUMNS) in that order; bm25() weighs each by its class.
"""

from search.weights import CLASSES, COLUMNS, class_of, weight_of

from .database import DatabaseSearchBackend


class SQLiteSearchBackend(DatabaseSearchBackend):
    text_table = "search_fts"
    text_id = "search_fts.rowid"
    # Left to itself the planner reads each match's wide index row (eight text columns,
    # the vectors) by rowid for its topics; the narrow index (id, topics) holds them. A
    # source or model filter still reads the row. Measured at 100,000 entries: the 55,656
    # matches of 数据 with their topics in 186 ms instead of 250-320.
    filter_join = (
        "JOIN search_indexentry e INDEXED BY search_indexentry_topics ON e.id = search_fts.rowid"
    )
    match = "search_fts MATCH %s"
    holds_topic = "instr(' ' || e.topics || ' ', %s) > 0"
    # bm25() is lower for better matches; its weights are positional, one per column.
    score = f"-bm25(search_fts, {', '.join(repr(weight_of(c)) for c in COLUMNS)})"
    and_operator = " AND "
    or_operator = " OR "
    # Column names are constants (search.weights); every value is a parameter.
    _insert = (
        f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) "  # noqa: S608
        f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})"
    )

    def quote(self, token):
        return '"' + token.replace('"', '""') + '"'

    def compile_query(self, groups, all_groups, classes=CLASSES):
        """FTS5 MATCH text, over the text columns of those classes in both languages."""
        columns = " ".join(c for c in COLUMNS if class_of(c) in classes)
        return f"{{{columns}}} : ({super().compile_query(groups, all_groups)})"

    def write_text(self, cursor, pk, texts):
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [pk])
        cursor.execute(self._insert, [pk, *(texts[name] for name in COLUMNS)])

    def delete_text(self, cursor, pks):
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [[pk] for pk in pks])

    def clear_text(self, cursor):
        cursor.execute("DELETE FROM search_fts")

    def index_bytes(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%%'")
            return cursor.fetchone()[0] or 0
