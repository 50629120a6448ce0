"""Index columns by language and weight class (zh_a … zh_d, en_a … en_d) instead of one
column per Entry field holding both languages; no topic tokens in the full-text half.

The old columns mix Chinese and English tokens and cannot be split, so the index is
emptied: run ``manage.py rebuild_index`` afterwards (a fresh database needs nothing:
``import_seeds`` indexes every entry it imports). The SQL is frozen here; on PostgreSQL
the tsvector column and its GIN or RUM index keep their shape and are only emptied.
"""

import sys

from django.db import migrations, models

COLUMNS = ("zh_a", "zh_b", "zh_c", "zh_d", "en_a", "en_b", "en_c", "en_d")
OLD_COLUMNS = ("question", "prompt", "answer", "example", "body")
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"
OLD_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    f"question, prompt, answer, example, body, topics, {TOKENIZE})",
]
NEW_FTS = [f"CREATE VIRTUAL TABLE search_fts USING fts5({', '.join(COLUMNS)}, {TOKENIZE})"]
DROP_FTS = ["DROP TABLE IF EXISTS search_fts"]


def _execute(schema_editor, statements):
    if schema_editor.connection.vendor == "sqlite":
        for sql in statements:
            schema_editor.execute(sql)


def empty_index(apps, schema_editor):
    """Drop the old FTS5 table and every index row (their text is in the old shape)."""
    _execute(schema_editor, DROP_FTS)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_indexentry")
        (count,) = cursor.fetchone()
        cursor.execute("DELETE FROM search_indexentry")
    if count:
        sys.stdout.write(
            f"\n  The search index ({count} entries) was emptied for its new columns: "
            "run `manage.py rebuild_index --noinput`.\n"
        )


def create_old_fulltext(apps, schema_editor):
    _execute(schema_editor, OLD_FTS)


def create_fulltext(apps, schema_editor):
    _execute(schema_editor, NEW_FTS)


def drop_fulltext(apps, schema_editor):
    _execute(schema_editor, DROP_FTS)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_indexentry")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_vectors_and_pinyin")]

    operations = [
        migrations.RunPython(empty_index, create_old_fulltext, elidable=False),
        *(migrations.RemoveField(model_name="indexentry", name=name) for name in OLD_COLUMNS),
        *(
            migrations.AddField(
                model_name="indexentry", name=name, field=models.TextField(blank=True)
            )
            for name in COLUMNS
        ),
        migrations.RunPython(create_fulltext, drop_fulltext, elidable=False),
    ]
