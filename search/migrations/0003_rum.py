"""On PostgreSQL with the rum extension available, index the vector with RUM, not GIN.

Detected, never required: without rum (or on SQLite) this migration does nothing. The
SQL is frozen here; search.backends.postgresql only looks for the index by its name.
"""

from django.db import migrations

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


def use_rum(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RUM_AVAILABLE)
        if cursor.fetchone() is None:
            return
    for sql in USE_RUM:
        schema_editor.execute(sql)


def use_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in USE_GIN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(use_rum, use_gin, elidable=False)]
