"""Full-text fields of a SearchIndex: each says its weight class and language.

The column a field's text lands in follows from that declaration alone
(search.weights.column), so the backend writes any field of any index without
naming it. A field prepares plain text; the backend segments it (search.text) into
the tokens its column holds.
"""

from django.core.exceptions import ImproperlyConfigured
from haystack import indexes

from .text import index_tokens
from .weights import CLASSES, COLUMNS, LANGUAGES, column


class WeightedField(indexes.CharField):
    """Text of one language and one weight class (search.weights): ``weight_class`` "A"
    for a question and its phrasings … "D" for the rest; ``language`` a Django code.
    ``text(obj, language)``, if given, prepares it (else a ``prepare_<name>`` method of
    the index, as for any haystack field).

    Named ``weight_class``, not ``weight``: haystack's fields take ``weight`` as a
    numeric boost."""

    def __init__(self, weight_class, language, text=None, **kwargs):
        if weight_class not in CLASSES:
            raise ImproperlyConfigured(f"Weight class {weight_class!r} is not one of {CLASSES}.")
        if language not in LANGUAGES:
            raise ImproperlyConfigured(f"The index has no columns for language {language!r}.")
        self.weight_class = weight_class
        self.language = language
        self.column = column(language, weight_class)
        self.text = text
        super().__init__(**kwargs)

    def prepare(self, obj):
        if self.text is None:
            return super().prepare(obj)
        return self.text(obj, self.language)


def weighted_fields(index):
    """The index's WeightedFields by their name in the prepared data."""
    return {f.index_fieldname: f for f in index.fields.values() if isinstance(f, WeightedField)}


def column_texts(index, prepared):
    """{column: its tokens, space-separated} for one object's prepared data: each
    WeightedField's text segmented on its own and added to its column."""
    tokens = {name: [] for name in COLUMNS}
    for name, field in weighted_fields(index).items():
        text = index_tokens(prepared.get(name) or "")
        if text:
            tokens[field.column].append(text)
    return {name: " ".join(parts) for name, parts in tokens.items()}
