from django.db import migrations
from django.db.models import F

# Frozen here: the fields translated in migration 0003 and their source-language columns.
TRANSLATED = {
    "topic": ["name", "description"],
    "document": ["title", "keywords", "abstract", "intro", "outro"],
    "entry": ["question", "prompt", "answer", "example", "prompt_html", "answer_html", "example_html"],
}


def copy_to_source_columns(apps, schema_editor):
    """The existing (Chinese) text becomes the zh-hans column of each translated field."""
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("questions", model_name)
        model.objects.update(**{f"{name}_zh_hans": F(name) for name in fields})


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0003_english_edition"),
    ]

    operations = [
        migrations.RunPython(copy_to_source_columns, migrations.RunPython.noop),
    ]
