"""PostgreSQL: a weighted tsvector column with a GIN index, ranked by ts_rank.

The vector (created by migration) labels each lexeme with the weight class of the
column it came from (search.weights: the classes are tsvector's own A–D), and ts_rank
weighs the labels by the same map.

Where the ``rum`` extension is installed (Debian: postgresql-15-rum), migration 0003
indexes the vector with RUM instead, and the best matches come straight out of the
index in ``<=>`` order rather than by ranking every match.
"""

from search.weights import CLASSES, COLUMNS, class_of, relative

from .database import DatabaseSearchBackend


class PostgresSearchBackend(DatabaseSearchBackend):
    # The vector lives on the index row itself: nothing to join, and nothing to delete
    # apart from the row (the base's delete_text and clear_text).
    text_table = "search_indexentry e"
    text_id = "e.id"
    match = "e.vector @@ %s::tsquery"
    # Counting the matches reads each one's heap row, as scoring them does: at 100,000
    # entries (RUM; bench/search_scale.py's corpus and 50 queries, best of two rounds)
    # they took median 95 / p95 336 ms tiered against 86 / 353 scoring every match.
    tiered_above = None
    holds_topic = "strpos(' ' || e.topics || ' ', %s) > 0"
    # ts_rank's weights are {D, C, B, A}, each at most 1.
    score = (
        "ts_rank('{"
        + ", ".join(f"{relative(c):.4f}" for c in reversed(CLASSES))
        + "}', e.vector, %s::tsquery)"
    )
    score_uses_query = True
    and_operator = " & "
    or_operator = " | "
    max_position = 16383
    # The RUM index migration 0003 creates where the extension is available, and whether
    # each database (by name) has it, looked up once per process.
    rum_index = "search_indexentry_vector_rum"
    _rum_in_use = {}

    def quote(self, token):
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    def term(self, token, classes):
        """The token, restricted to lexemes labelled with those classes ('数据':AB)."""
        if set(classes) == set(CLASSES):
            return self.quote(token)
        return f"{self.quote(token)}:{''.join(classes)}"

    def ordering(self, cursor, match_text):
        """RUM's distance where indexed, else ts_rank (the base's order)."""
        database = cursor.db.settings_dict["NAME"]
        if database not in self._rum_in_use:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [self.rum_index])
            self._rum_in_use[database] = cursor.fetchone() is not None
        if self._rum_in_use[database]:
            return "e.vector <=> %s::tsquery", [match_text]  # a second key would stop RUM
        return super().ordering(cursor, match_text)

    def index_size(self, cursor):
        """The planner's estimate once the table has been analysed, else an exact count."""
        cursor.execute(
            "SELECT CASE WHEN reltuples > 0 THEN reltuples::bigint "
            "ELSE (SELECT COUNT(*) FROM search_indexentry) END "
            "FROM pg_class WHERE oid = 'search_indexentry'::regclass"
        )
        return cursor.fetchone()[0]

    def document_frequencies(self, cursor, groups, limit, size):
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
                counts.append(self.count_matches(cursor, group, limit))
        return counts

    def tsvector_literal(self, texts):
        """The vector of one row: each token of each column labelled with its class."""
        positions = {}
        n = 0
        for name in COLUMNS:
            label = class_of(name)
            for token in texts[name].split():
                n += 1
                positions.setdefault(token, []).append(f"{min(n, self.max_position)}{label}")
        return " ".join(f"{self.quote(t)}:{','.join(p[:256])}" for t, p in positions.items())

    def write_text(self, cursor, pk, texts):
        cursor.execute(
            "UPDATE search_indexentry SET vector = %s::tsvector WHERE id = %s",
            [self.tsvector_literal(texts), pk],
        )

    def index_bytes(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_indexentry')")
            return cursor.fetchone()[0]
