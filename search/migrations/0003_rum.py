"""On PostgreSQL with the rum extension available, index the vector with RUM, not GIN.

Detected, never required: without rum (or on SQLite) this migration does nothing.
"""

from django.db import migrations

from search.backends import postgresql


def use_rum(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(postgresql.RUM_AVAILABLE)
        if cursor.fetchone() is None:
            return
    for sql in postgresql.USE_RUM:
        schema_editor.execute(sql)


def use_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in postgresql.USE_GIN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(use_rum, use_gin, elidable=False)]
