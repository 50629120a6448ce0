"""Spelling: ``fundrasing`` finds fundraising, ``patnets`` patents.

At index time every Latin word of the indexed texts (four letters or more) is written to
``SpellingWord`` with its stem, the token the index holds for it. At query time a Latin
word whose stem the index does not hold, that is no English word (pyspellchecker's
dictionary: "treating" is never made "creating"), no pinyin and no glossary form, is
replaced by the indexed word fewest edits away (optimal string alignment: a swap of two
neighbouring letters is one edit; one edit for a word of up to seven letters, two for a
longer one), the word more entries hold among equals. The page says what was searched
("显示「fundraising」的结果 / Showing results for fundraising").
"""

import hashlib
import re
from functools import cache, lru_cache

import numpy as np

from questions import versioning

from .text import normalise, stem

MIN_LETTERS = 4  # shorter words are too often someone's abbreviation to correct
LONG_WORD = 8  # from this length two edits, below it one
MAX_WORD = 64
_WORD = re.compile(r"[a-z]+")


def words_of(texts):
    """The Latin words worth correcting to of some indexed texts (normalised)."""
    words = set()
    for text in texts:
        words.update(w for w in _WORD.findall(normalise(text)) if MIN_LETTERS <= len(w) <= MAX_WORD)
    return words


def remember(words, using="default"):
    """Add the words the table does not hold yet (in the caller's transaction)."""
    from .models import SpellingWord

    if not words:
        return
    rows = SpellingWord.objects.using(using)
    ordered = sorted(words)
    known = set()
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        known.update(rows.filter(word__in=chunk).values_list("word", flat=True))
    new = [SpellingWord(word=w, stem=stem(w)) for w in ordered if w not in known]
    rows.bulk_create(new, ignore_conflicts=True)


def _hash(word):
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


@cache
def _english_words():
    """The words of pyspellchecker's English dictionary (160,572) as sorted 64-bit hashes:
    1.3 MB, where the words as a set of strings hold about 35."""
    from spellchecker import SpellChecker

    words = SpellChecker(distance=1).word_frequency.keys()
    hashes = np.fromiter((_hash(w) for w in words), dtype=np.uint64)
    hashes.sort()
    return hashes


def is_english(word):
    """Is ``word`` (lower case) an English word, whether or not the index holds it?"""
    hashes, key = _english_words(), np.uint64(_hash(word))
    i = int(np.searchsorted(hashes, key))
    return i < len(hashes) and hashes[i] == key


def warm_up():
    _english_words()


def max_edits(word):
    return 2 if len(word) >= LONG_WORD else 1


class Vocabulary:
    """The indexed Latin words and their stems, for one state of the index."""

    def __init__(self, pairs):
        self.words = sorted(word for word, _ in pairs)
        self.stems = frozenset(s for _, s in pairs)

    def __bool__(self):
        return bool(self.words)

    def knows(self, word):
        return stem(word) in self.stems

    @lru_cache(maxsize=4096)  # noqa: B019 - one Vocabulary per index state (vocabulary)
    def nearest(self, word):
        """The indexed words fewest edits from ``word`` (within max_edits), or ()."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extract(
            word, self.words, scorer=OSA.distance, score_cutoff=max_edits(word), limit=None
        )
        if not found:
            return ()
        fewest = min(distance for _, distance, _ in found)
        return tuple(sorted(w for w, distance, _ in found if distance == fewest))


def _load(using):
    from .models import SpellingWord

    return Vocabulary(list(SpellingWord.objects.using(using).values_list("word", "stem")))


# {database alias: Vocabulary} for the current state of the index.
vocabulary = versioning.PerVersion(_load)
