"""The index's weight classes, its columns, and the one map from class to weight.

As in Wagtail's database backend, the full-text columns are fixed and say how much a
word in them counts, not which model field it came from: for each language, A holds
the question and the ways it is also asked (phrasings, headings folded into it), B the
prompt and titles, C the answer, D the example, an article section's body and the
rest. A SearchIndex field declares its class and language (search.fields.WeightedField),
so a new field is a declaration and ``rebuild_index``, never a migration.

WEIGHTS is read by everything that weighs a column: SQLite's bm25() weights, PostgreSQL's
ts_rank weights (the tsvector's own A–D labels) and the final ranking (search.ranking),
so the engine's rough order and the final order agree on what matters more.
"""

CLASSES = ("A", "B", "C", "D")
WEIGHTS = {"A": 3.0, "B": 2.0, "C": 1.0, "D": 1.0}
# The languages the index keeps apart (Django's codes) and the prefix of their columns.
LANGUAGES = {"zh-hans": "zh", "en": "en"}


def column(language, weight_class):
    """The column holding ``language``'s text of ``weight_class``: ("en", "B") → "en_b"."""
    return f"{LANGUAGES[language]}_{weight_class.lower()}"


# Every full-text column, in the order the vendors create and write them.
COLUMNS = tuple(column(language, c) for language in LANGUAGES for c in CLASSES)


def class_of(name):
    """The weight class of a column: "zh_a" → "A"."""
    return name.rpartition("_")[2].upper()


def weight_of(name):
    return WEIGHTS[class_of(name)]


def relative(weight_class):
    """The class's weight as a share of the highest (ts_rank takes weights up to 1)."""
    return WEIGHTS[weight_class] / max(WEIGHTS.values())
