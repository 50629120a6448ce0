from django.db import models


class IndexEntry(models.Model):
    """One indexed document: its segmented text by language and weight class, plus the
    fields results are filtered on.

    The text columns are fixed (search.weights.COLUMNS): ``zh_a`` … ``zh_d`` for the
    Chinese, ``en_a`` … ``en_d`` for the English, A the question and its phrasings down to
    D the rest. Which SearchIndex field lands in which column is the field's declaration
    (search.fields.WeightedField), so adding a field needs no migration. The full-text
    structure beside them is vendor-specific and created by migration: an FTS5 table
    ``search_fts`` with the same columns (rowid = this id) on SQLite, a ``tsvector``
    column ``vector`` labelled A–D on PostgreSQL; both written by ``search.backends`` in
    the same transaction as this row.
    """

    doc_id = models.CharField(max_length=100, unique=True)  # haystack id: "questions.entry.12"
    django_ct = models.CharField(max_length=100)
    django_id = models.CharField(max_length=40)
    zh_a = models.TextField(blank=True)
    zh_b = models.TextField(blank=True)
    zh_c = models.TextField(blank=True)
    zh_d = models.TextField(blank=True)
    en_a = models.TextField(blank=True)
    en_b = models.TextField(blank=True)
    en_c = models.TextField(blank=True)
    en_d = models.TextField(blank=True)
    topics = models.CharField(max_length=200, blank=True)  # " data risk ", for LIKE filters
    source = models.CharField(max_length=200, blank=True, db_index=True)
    # search.semantic: the entry's sentence vectors (float16, 512 per sentence).
    vectors = models.BinaryField(default=b"", blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["django_ct", "django_id"]),
            # A search reads each match's topics (facets, the topic filter). On SQLite this
            # narrow index answers that without reading the wide row (search.backends.sqlite).
            models.Index(fields=["id", "topics"], name="search_indexentry_topics"),
        ]

    def __str__(self):
        return self.doc_id


class PinyinWord(models.Model):
    """A Chinese word the index holds, with its toneless pinyin (search.pinyin)."""

    word = models.CharField(max_length=64, unique=True)
    pinyin = models.CharField(max_length=200, db_index=True)

    def __str__(self):
        return f"{self.word} {self.pinyin}"


class SpellingWord(models.Model):
    """A Latin word the index holds, with its stem: what a misspelt query word is
    corrected to (search.spelling)."""

    word = models.CharField(max_length=64, unique=True)
    stem = models.CharField(max_length=64)

    def __str__(self):
        return self.word
