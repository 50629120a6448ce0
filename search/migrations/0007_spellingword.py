from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_topics_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SpellingWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=64, unique=True)),
                ("stem", models.CharField(max_length=64)),
            ],
        ),
    ]
