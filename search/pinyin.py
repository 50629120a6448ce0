"""Pinyin: ``shuju yinsi``, ``shujuyinsi`` and ``shùjù yǐnsī`` find 数据隐私.

At index time every Chinese word of two or more characters that the index holds is
written to ``PinyinWord`` with its toneless pinyin (pypinyin, which reads polyphonic
characters by the word: 银行 yinhang). At query time a run of Latin letters (tone marks
already taken off by ``search.text.normalise``) is cut into the pinyin of known words,
spaces or not; each reading found adds the Chinese words to the query beside the Latin
ones, so a string that is both English and pinyin is searched both ways.
"""

import re
from functools import lru_cache

from questions import versioning

from .text import tokenizer

MIN_WORD = 2
MAX_SPAN = 6  # Latin tokens joined into one reading at most ("shu ju yin si")
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")
_LETTERS = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=100_000)
def key(word):
    """Toneless pinyin of a Chinese word, syllables joined, ü written u: 绿色 → luse."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore")).replace("v", "u")


def words_of(rows):
    """The Chinese words (two characters or more) of index rows, {column: tokens} each."""
    words = set()
    for texts in rows:
        for tokens in texts.values():
            words.update(w for w in tokens.split() if _HAN_WORD.match(w))
    return words


def remember(words, using="default"):
    """Add the words the table does not hold yet (in the caller's transaction)."""
    from .models import PinyinWord

    if not words:
        return
    rows = PinyinWord.objects.using(using)
    known = set()
    ordered = sorted(words)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        known.update(rows.filter(word__in=chunk).values_list("word", flat=True))
    new = [PinyinWord(word=w, pinyin=key(w)) for w in ordered if w not in known and key(w)]
    rows.bulk_create(new, ignore_conflicts=True)


class Readings:
    """pinyin → the known words that read so, most common first (jieba's frequencies)."""

    def __init__(self, pairs):
        table, self.reading_of = {}, {}
        for word, pinyin in pairs:
            table.setdefault(pinyin, []).append(word)
            self.reading_of[word] = pinyin
        freq = tokenizer().FREQ
        self.table = {k: sorted(v, key=lambda w: (-freq.get(w, 0), w)) for k, v in table.items()}
        self.longest = max(map(len, self.table), default=0)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Readings per index state (readings)
    def cut(self, letters):
        """The fewest known words whose pinyin spells ``letters`` exactly, or None."""
        n = len(letters)
        best = [None] * (n + 1)
        best[0] = ()
        for end in range(1, n + 1):
            for start in range(max(0, end - self.longest), end):
                if best[start] is None:
                    continue
                words = self.table.get(letters[start:end])
                if words and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                    best[end] = (*best[start], words[0])
        return best[n]

    def alternatives(self, word):
        """Other known words with the same pinyin as ``word`` (a word of the table: read()
        yields no other), looked up in the table, so a query never loads pypinyin (~55 MB)."""
        return [w for w in self.table.get(self.reading_of.get(word), []) if w != word]

    def read(self, tokens):
        """[(first token index, last + 1, words)] for runs of Latin tokens that spell words.

        Greedy from the left, longest run first; a token that spells nothing is skipped."""
        out, i = [], 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + MAX_SPAN), i, -1):
                run = tokens[i:j]
                if not all(_LETTERS.match(t) for t in run):
                    continue
                words = self.cut("".join(run))
                if words:
                    out.append((i, j, words))
                    i = j
                    break
            else:
                i += 1
        return out


def _load(using):
    from .models import PinyinWord

    return Readings(list(PinyinWord.objects.using(using).values_list("word", "pinyin")))


# {database alias: Readings} for the current state of the index.
readings = versioning.PerVersion(_load)
