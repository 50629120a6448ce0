"""Topic suggestions for entries the editorial file does not list, learnt from those it does.

One logistic regression per topic (scikit-learn) over four views of an entry: its jieba
words and its character 2–3-grams (TF-IDF, the question counted twice), the sentence
encoder's vectors of its question and of its answer's opening (search.semantic), and its
keyword scores from fixtures/topics.json (questions.topics.score). It is trained on every
seed entry's editorial topics, once per process, the first time a suggestion is asked for
(a few seconds, most of it the encoder). A topic is suggested when its probability is at
least one half, at most three, most probable first; none at all when nothing reaches it,
and the entry is then flagged for an editor.

``bench/topics.py`` measures it by cross-validation: trained without the entries it is
scored on (nor their duplicates and near-copies).
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from django.conf import settings

from .markup import plain_text
from .topics import MAX_TOPICS, editorial_topics, load_topics, score

# Inverse regularisation strength, one for every topic.
C = 16.0
THRESHOLD = 0.5
ANSWER_OPENING = 400  # characters of the answer embedded beside the question
EMBEDDING_WEIGHT = 0.5  # the encoder's vectors beside the TF-IDF rows (unit length each)


@dataclass(frozen=True)
class EntryText:
    question: str
    prompt: str = ""
    answer: str = ""
    example: str = ""

    @property
    def body(self):
        return plain_text("\n".join(t for t in (self.prompt, self.answer, self.example) if t))


class TopicClassifier:
    def __init__(self, slugs):
        self.slugs = list(slugs)

    def fit(self, texts, labels):
        """Learn from ``texts`` (EntryText) and their topic slugs (an iterable each)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.words = TfidfVectorizer(
            tokenizer=str.split, token_pattern=None, sublinear_tf=True, min_df=2
        )
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2
        )
        words, chars, vectors, keywords = _views(texts)
        self.keyword_scale = max(float(keywords.max()), 1.0)
        self.words.fit(words)
        self.chars.fit(chars)
        features = self._features(words, chars, vectors, keywords)
        chosen = [set(slugs) for slugs in labels]
        self.models = {}
        for slug in self.slugs:
            target = np.array([slug in c for c in chosen], dtype=int)
            if target.min() == target.max():  # every entry or none: nothing to learn
                self.models[slug] = float(target[0])
                continue
            model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
            self.models[slug] = model.fit(features, target)
        return self

    def probabilities(self, texts):
        """An array (entries × topics, in ``self.slugs`` order) of probabilities."""
        features = self._features(*_views(texts))
        columns = [
            np.full(features.shape[0], m)
            if isinstance(m, float)
            else m.predict_proba(features)[:, 1]
            for m in (self.models[slug] for slug in self.slugs)
        ]
        return np.column_stack(columns)

    def suggest(self, texts):
        """For each text, up to three topic slugs, most probable first (maybe none)."""
        out = []
        for row in self.probabilities(texts):
            order = np.argsort(-row, kind="stable")[:MAX_TOPICS]
            out.append([self.slugs[i] for i in order if row[i] >= THRESHOLD])
        return out

    def _features(self, words, chars, vectors, keywords):
        from scipy.sparse import csr_matrix, hstack

        scaled = np.log1p(keywords) / np.log1p(self.keyword_scale)
        return hstack(
            [
                self.words.transform(words),
                self.chars.transform(chars),
                csr_matrix(vectors * EMBEDDING_WEIGHT),
                csr_matrix(scaled),
            ]
        ).tocsr()


def _views(texts):
    """(segmented words, characters, sentence vectors, keyword scores) of each text."""
    from search import semantic
    from search.text import segment

    texts = list(texts)
    bodies = [t.body for t in texts]
    joined = [f"{t.question} {t.question} {body}" for t, body in zip(texts, bodies, strict=True)]
    words = [" ".join(segment(text, for_search=False)) for text in joined]
    chars = ["".join(text.split()) for text in joined]
    pairs = list(zip(texts, bodies, strict=True))
    questions = semantic.embed([t.question or body[:ANSWER_OPENING] for t, body in pairs])
    openings = semantic.embed([body[:ANSWER_OPENING] or t.question for t, body in pairs])
    slugs = [topic["slug"] for topic in load_topics()]
    keywords = np.zeros((len(texts), len(slugs)))
    for row, t in enumerate(texts):
        fields = {
            "question": t.question,
            "prompt": t.prompt,
            "answer": t.answer,
            "example": t.example,
        }
        found = score(fields)
        keywords[row] = [found[slug] for slug in slugs]
    return words, chars, np.hstack([questions, openings]), keywords


def seed_examples():
    """(EntryText, editorial slugs, seed file stem and key) of every seed entry with text."""
    from .seeds import parse_seed

    editorial = editorial_topics()
    examples = []
    for path in sorted(Path(settings.KB_SEEDS_DIR).glob("*.txt")):
        chosen = editorial.get(path.stem, {})
        for e in parse_seed(path).entries:
            if not (e.prompt or e.answer or e.example) or e.key not in chosen:
                continue  # an empty heading is no entry of its own
            text = EntryText(e.question, e.prompt, e.answer, e.example)
            examples.append((text, chosen[e.key], (path.stem, e.key)))
    return examples


@cache
def trained():
    """The classifier trained on every seed entry's editorial topics (once per process)."""

    examples = seed_examples()
    classifier = TopicClassifier([t["slug"] for t in load_topics()])
    return classifier.fit([text for text, _, _ in examples], [slugs for _, slugs, _ in examples])
