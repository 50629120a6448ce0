from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("doc_id", models.CharField(max_length=100, unique=True)),
                ("django_ct", models.CharField(max_length=100)),
                ("django_id", models.CharField(max_length=40)),
                ("question", models.TextField(blank=True)),
                ("prompt", models.TextField(blank=True)),
                ("answer", models.TextField(blank=True)),
                ("example", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("topics", models.CharField(blank=True, max_length=200)),
                ("source", models.CharField(blank=True, db_index=True, max_length=200)),
            ],
            options={
                "indexes": [models.Index(fields=["django_ct", "django_id"], name="search_inde_django__4c1db6_idx")],
            },
        ),
    ]
