from django.db import models


class IndexEntry(models.Model):
    """One indexed document: the segmented text haystack prepared, plus filter fields.

    The full-text structure beside it is vendor-specific and created by migration
    0002: an FTS5 table ``search_fts`` (rowid = this id) on SQLite, a weighted
    ``tsvector`` column ``vector`` with a GIN index on PostgreSQL. Both are written
    by ``search.backends`` in the same transaction as this row.
    """

    doc_id = models.CharField(max_length=100, unique=True)  # haystack id: "questions.entry.12"
    django_ct = models.CharField(max_length=100)
    django_id = models.CharField(max_length=40)
    question = models.TextField(blank=True)
    prompt = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    example = models.TextField(blank=True)
    body = models.TextField(blank=True)
    topics = models.CharField(max_length=200, blank=True)  # " data risk ", for LIKE filters
    source = models.CharField(max_length=200, blank=True, db_index=True)
    # search.semantic: the entry's sentence vectors (float16, 512 per sentence).
    vectors = models.BinaryField(default=b"", blank=True)

    class Meta:
        indexes = [models.Index(fields=["django_ct", "django_id"])]

    def __str__(self):
        return self.doc_id


class PinyinWord(models.Model):
    """A Chinese word the index holds, with its toneless pinyin (search.pinyin)."""

    word = models.CharField(max_length=64, unique=True)
    pinyin = models.CharField(max_length=200, db_index=True)

    def __str__(self):
        return f"{self.word} {self.pinyin}"
