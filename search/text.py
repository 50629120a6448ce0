"""Normalising and segmenting text: the one place index time and query time share.

``index_tokens`` turns an entry's text into the tokens stored in the index;
``parse_query`` turns what a person typed into groups of alternatives for the
engine; ``tokenize_with_spans`` and ``word_tokens`` let highlighting use the very
same segmentation. jieba and OpenCC load once per process, on first use.
"""

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from django.conf import settings

MAX_QUERY_LENGTH = 100
MAX_QUERY_GROUPS = 12

# Runs of Han characters, and Latin/digit compounds such as gpt-3, a/b, f1, c++.
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_HAN}]+)|([a-z0-9]+(?:[-/.+&_][a-z0-9]+)*\+*)")
_LATIN_PART = re.compile(r"[a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Invisible format characters: zero-width spaces and joiners, direction marks, overrides
# and isolates, the byte-order mark, the soft hyphen. They change no word.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_ACCENTED_LATIN = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


@cache
def _converter():
    """Traditional → Simplified with OpenCC's Taiwan phrase tables (伺服器 → 服务器, 資料 → 数据,
    程式 → 程序), the same at index and query time; Hong Kong forms share most of them."""
    import opencc

    return opencc.OpenCC("tw2sp")


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@cache
def tokenizer():
    """The process-wide jieba tokenizer, with the domain dictionary loaded."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    tok.load_userdict(str(settings.BASE_DIR / "fixtures" / "userdict.txt"))
    return tok


@cache
def stopwords():
    path = settings.BASE_DIR / "fixtures" / "stopwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def synonyms():
    """word → the words it also searches: the other words of its synonym groups, and for
    a colloquial word (a "one_way" group's first) the standard terms the entries use."""
    path = settings.BASE_DIR / "fixtures" / "synonyms.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    table = {}

    def add(word, others):
        held = table.setdefault(word, [])
        held += [w for w in others if w != word and w not in held]

    for group in data["groups"]:
        words = [normalise(w) for w in group]
        for word in words:
            add(word, words)
    for colloquial, *standard in data.get("one_way", []):
        add(normalise(colloquial), [normalise(w) for w in standard])
    return table


def _strip_accent(match):
    decomposed = unicodedata.normalize("NFD", match.group())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def visible(text):
    """The text without invisible format characters (a zero-width space, a right-to-left
    override): what a query means, and what a page may echo of it."""
    return _INVISIBLE.sub("", text)


def normalise(text):
    """NFKC, Traditional → Simplified, case folded, control characters removed, accents
    taken off Latin letters (pinyin tone marks: shùjù → shuju)."""
    text = visible(unicodedata.normalize("NFKC", text))
    text = _CONTROL.sub(" ", text)
    text = _ACCENTED_LATIN.sub(_strip_accent, text)
    return _converter().convert(text).casefold()


def simplified(text):
    """The text as Simplified Chinese (Taiwan phrases included) in lower case, accents
    kept: what the sentence encoder reads, entries and queries alike, so 數據隱私 and
    数据隐私, GDPR and gdpr mean exactly the same."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", visible(text)))
    return _converter().convert(text).casefold()


def stem(word):
    """An English word's Snowball stem ("raising" → "rais"); digits and short words stay."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmer().stemWord(word)


def _han_words(run, for_search):
    tok = tokenizer()
    # No HMM guessing of unknown words: index and query must cut the same text the same way.
    words = tok.cut_for_search(run, HMM=False) if for_search else tok.cut(run, HMM=False)
    return _join_single_characters(words)


def _join_single_characters(words):
    """A word jieba does not know falls apart into characters (运维 → 运 维): join runs of
    single characters that are not stop words back into one token, at index and query time."""
    out, run = [], []
    for word in [*words, ""]:
        if len(word) == 1 and word not in stopwords():
            run.append(word)
            continue
        out.append("".join(run)) if run else None
        run = []
        if word:
            out.append(word)
    return out


def _latin_tokens(compound, for_search):
    """Tokens of a Latin compound, stemmed: "fund-raising" → fundrais (and fund, rais).
    Stop words go before stemming ("does" is one, its stem "doe" is not)."""
    if compound in stopwords():
        return []
    parts = [stem(p) for p in _LATIN_PART.findall(compound)]
    joined = "".join(parts)
    if compound.endswith("+"):  # c++ → cpp-ish token "c++" cannot be indexed; keep letters
        joined += "plus" * compound.count("+")
    if for_search and len(parts) > 1:
        return [joined, *parts]
    return [joined]


def segment(text, for_search=True):
    """Normalised tokens of ``text``; with ``for_search``, sub-words of long words too."""
    out = []
    for han, latin in _RUNS.findall(normalise(text)):
        words = _han_words(han, for_search) if han else _latin_tokens(latin, for_search)
        out += [w for w in words if w not in stopwords()]
    return out


def index_tokens(text):
    """The whitespace-separated tokens stored in the index for one field."""
    return " ".join(segment(text, for_search=True))


@dataclass(frozen=True)
class Query:
    """A parsed query: each group is a list of alternatives, each a tuple of tokens (AND)."""

    text: str
    groups: tuple
    truncated: bool = False
    reading: str = ""  # how Latin letters were read as Chinese (pinyin): "数据隐私"

    def __bool__(self):
        return bool(self.groups)

    @property
    def terms(self):
        """Every token any alternative uses: what highlighting marks."""
        return frozenset(t for group in self.groups for alt in group for t in alt)


def _sub_words(word):
    subs = [w for w in tokenizer().cut_for_search(word, HMM=False) if w != word and len(w) > 1]
    return tuple(dict.fromkeys(subs))


def parse_query(text):
    text = text or ""
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    groups, seen = [], set()
    for han, latin in _RUNS.findall(normalise(text)):
        words = _han_words(han, for_search=False) if han else _latin_tokens(latin, False)
        for word in words:
            if word in stopwords() or word in seen:
                continue
            seen.add(word)
            alternatives = [(word,)]
            subs = _sub_words(word) if han and len(word) > 2 else ()
            if not han:  # fine-tuning: also "fine tuning" written apart
                subs = tuple(segment(latin, for_search=True)[1:])
            if len(subs) > 1:
                alternatives.append(subs)
            alternatives += [tuple(segment(s, for_search=False)) for s in synonyms().get(word, [])]
            alternatives = [a for a in dict.fromkeys(alternatives) if a]
            groups.append(tuple(alternatives))
    # Single characters add little when there are real words beside them.
    if any(len(g[0][0]) > 1 for g in groups):
        groups = [g for g in groups if len(g[0][0]) > 1 or g[0][0].isdigit()]
    return Query(text=text.strip(), groups=tuple(groups[:MAX_QUERY_GROUPS]), truncated=truncated)


def latin_runs(text):
    """Runs of consecutive Latin tokens of ``text`` (normalised, not stemmed), each as
    [(token, start, end)] in the normalised text: the letters pinyin can be read from."""
    runs, run = [], []
    for match in _RUNS.finditer(normalise(text[:MAX_QUERY_LENGTH])):
        if match.group(1):  # Han characters end a run
            runs, run = runs + [run] if run else runs, []
            continue
        run.append((match.group(2), match.start(), match.end()))
    return [*runs, run] if run else runs


def tokenize_with_spans(text):
    """(original token, start, end) over ``text`` by the index's segmentation: jieba without
    HMM guesses, runs of single characters joined back (运 维 → 运维, as ``segment``), cut
    where the index cuts: on the text made Simplified, when that keeps every position."""
    simple = _converter().convert(text)
    cut_text = simple if len(simple) == len(text) else text
    out, run = [], []
    tokens = [(text[s:e], s, e) for _, s, e in tokenizer().tokenize(cut_text, HMM=False)]
    for word, start, end in [*tokens, ("", len(text), len(text))]:
        if len(word) == 1 and _HAN_CHAR.match(word) and word not in stopwords():
            run.append((word, start, end))
            continue
        if run:
            out.append(("".join(w for w, _, _ in run), run[0][1], run[-1][2]))
            run = []
        if word:
            out.append((word, start, end))
    return out


@lru_cache(maxsize=50_000)
def word_tokens(word):
    """The index tokens of an original-text word (itself and its sub-words): a query's
    terms match the word if they hold one of them."""
    return frozenset(segment(word, for_search=True))


def warm_up():
    """Load the dictionaries now: under ``gunicorn --preload`` the master loads them once
    and every worker shares the pages (the sentence encoder included)."""
    from . import semantic, spelling

    semantic.warm_up()
    spelling.warm_up()
    tokenizer()
    _converter()
    stopwords()
    synonyms()
