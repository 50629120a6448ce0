"""Final ranking of search candidates, the same on every database.

The engine (FTS5 bm25 / PostgreSQL ts_rank) finds the entries holding the query's
words and the sentence encoder those nearest in meaning (search.semantic); this module
ranks them together on the index's own tokens, so SQLite and PostgreSQL agree. An
entry's score adds up:

- weighted coverage: each query word counts by its rarity (idf) times the weight of the
  best column it occurs in (search.weights: class A, the question and its phrasings, down
  to D), an exact word more than its sub-words or a synonym;
- a bonus for holding every informative query word (one found in at most a quarter of
  the entries: in this corpus "模型" and "创业" are in nearly all);
- focus: how much of the entry's question (class A, both languages) the query covers,
  so "大模型是什么" finds "什么是AI大模型？" before a long question that merely mentions
  大模型;
- meaning: the cosine between the query and the entry's closest sentence, which is
  what ranks a question asked in other words ("钱不够了怎么办" → 融资);
- a little of the engine's own score, to break ties.
"""

import math
from dataclasses import dataclass

from .weights import COLUMNS, WEIGHTS, class_of, weight_of

EXACT, SPLIT, SYNONYM = 1.0, 0.8, 0.5
GENERIC_SHARE = 0.25
FOCUS_WEIGHT = 0.3
ENGINE_WEIGHT = 0.05
COMPLETE_WEIGHT = 2.0
SEMANTIC_WEIGHT = 1.5
COLUMN_WEIGHTS = {name: weight_of(name) for name in COLUMNS}


class IndexedText:
    """One index row's tokens as ranking reads them, built once per row and content version
    (the backend holds them between searches): each column's tokens, the entry's question
    and phrasings in either language (class A, what focus reads), and each token's best
    column weight (what a one-word alternative, nearly every one, looks up)."""

    __slots__ = ("columns", "question", "best")

    def __init__(self, columns):
        self.columns = {name: frozenset(tokens) for name, tokens in columns.items()}
        self.question = frozenset().union(
            *(tokens for name, tokens in self.columns.items() if class_of(name) == "A")
        )
        self.best = {}
        for name, tokens in self.columns.items():
            weight = COLUMN_WEIGHTS[name]
            for token in tokens:
                if weight > self.best.get(token, 0.0):
                    self.best[token] = weight

    def weight_of(self, alternative):
        """The best weight among the columns holding every token of the alternative."""
        if len(alternative) == 1:
            return self.best.get(alternative[0], 0.0)
        return max(
            (COLUMN_WEIGHTS[name] for name, tokens in self.columns.items()
             if tokens.issuperset(alternative)),
            default=0.0,
        )  # fmt: skip


@dataclass
class Candidate:
    pk: int
    ct: str
    django_id: str
    engine_score: float
    text: IndexedText
    topics: tuple = ()  # the index row's topic slugs
    final_score: float = 0.0  # set by rank(); 0 for matches past the ranked ones

    @property
    def question(self):
        return self.text.question

    def weight_of(self, alternative):
        return self.text.weight_of(alternative)


def _alternative_factor(index, alternative):
    if index == 0:
        return EXACT
    return SPLIT if index == 1 and len(alternative) > 1 else SYNONYM


def group_weight(candidate, group):
    return max(
        (_alternative_factor(i, alt) * candidate.weight_of(alt) for i, alt in enumerate(group)),
        default=0.0,
    )


def rank(candidates, groups, indexed, df, similarity=None):
    """Candidates best first.

    ``indexed`` is the number of entries in the index, ``df[i]`` how many of them hold
    group i (counted up to just past the generic share) and ``similarity`` each
    candidate's cosine to the query (empty with the semantic signal off).
    """
    similarity = similarity or {}
    if not candidates:
        return []
    n = max(indexed, len(candidates))
    weights = {c.pk: [group_weight(c, g) for g in groups] for c in candidates}
    idf = [math.log(1 + n / (1 + d)) for d in df]
    informative = [i for i, d in enumerate(df) if d <= GENERIC_SHARE * n] or list(
        range(len(groups))
    )
    query_tokens = {t for group in groups for alt in group for t in alt}
    top_engine = max(abs(c.engine_score) for c in candidates) or 1.0
    total_idf = sum(idf) * max(WEIGHTS.values()) or 1.0

    def key(c):
        w = weights[c.pk]
        complete = all(w[i] > 0 for i in informative)
        coverage = sum(idf[i] * w[i] for i in range(len(groups))) / total_idf
        question = c.question
        focus = len(question & query_tokens) / len(question) if question else 0.0
        score = (
            coverage
            + COMPLETE_WEIGHT * complete
            + FOCUS_WEIGHT * focus
            + SEMANTIC_WEIGHT * similarity.get(c.pk, 0.0)
            + ENGINE_WEIGHT * c.engine_score / top_engine
        )
        return (-score, c.pk)

    keys = {c.pk: key(c) for c in candidates}
    ranked = sorted(candidates, key=lambda c: keys[c.pk])
    for c in ranked:
        c.final_score = -keys[c.pk][0]
    return ranked
