"""The vendor-specific full-text half of the index.

The SQL is frozen here as this migration's databases got it, so that later changes to
search/backends/ never change what an old migration does. (The FTS5 ``topics`` column
was added to this CREATE after the migration was first written; 0005 drops either
shape and creates today's table.)
"""

from django.db import migrations

CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "question, prompt, answer, example, body, topics, "
        "tokenize = 'unicode61 remove_diacritics 0')",
    ],
    "postgresql": [
        "ALTER TABLE search_indexentry ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
        "CREATE INDEX search_indexentry_vector ON search_indexentry USING GIN (vector)",
    ],
}
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS search_fts"],
    "postgresql": [
        "DROP INDEX IF EXISTS search_indexentry_vector",
        "ALTER TABLE search_indexentry DROP COLUMN IF EXISTS vector",
    ],
}


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"The search index supports SQLite and PostgreSQL, not {vendor}.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
