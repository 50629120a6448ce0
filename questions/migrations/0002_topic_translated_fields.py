from django.db import migrations, models


class Migration(migrations.Migration):
    """Topic.name_zh / name_en (hand-written pairs) become django-modeltranslation fields."""

    dependencies = [
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("topic", "name_zh", "name"),
        migrations.RenameField("topic", "description_zh", "description"),
        migrations.AlterField(
            model_name="topic",
            name="name",
            field=models.CharField(max_length=50, verbose_name="名称"),
        ),
        migrations.AlterField(
            model_name="topic",
            name="description",
            field=models.CharField(blank=True, max_length=200, verbose_name="简介"),
        ),
        migrations.AlterField(
            model_name="topic",
            name="name_en",
            field=models.CharField(max_length=50, null=True, verbose_name="名称"),
        ),
        migrations.AlterField(
            model_name="topic",
            name="description_en",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="简介"),
        ),
    ]
