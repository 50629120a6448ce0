"""The vendor-specific full-text half of the index (see search/backends/)."""

from django.db import migrations

from search.backends import vendor_module


def create(apps, schema_editor):
    for sql in vendor_module(schema_editor.connection).CREATE:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in vendor_module(schema_editor.connection).DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
