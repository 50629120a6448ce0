"""The topic classifier against the editorial topics: precision, recall and F1 per topic.

.venv/bin/python bench/topics.py

Classifies every seed entry from its Chinese text alone (questions/topics.py, keyword lists
in fixtures/topics.json) and compares with the topics chosen by reading each entry
(fixtures/topics_editorial.json). No database needed. Target: F1 >= 0.85 for every topic.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import os  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.test_settings")
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from questions.seeds import parse_seed  # noqa: E402
from questions.topics import classify, editorial_topics, load_topics  # noqa: E402

TARGET = 0.85


def main():
    editorial = editorial_topics()
    slugs = [t["slug"] for t in load_topics()]
    counts = {slug: {"tp": 0, "fp": 0, "fn": 0} for slug in slugs}
    entries = unlabelled_right = unlabelled = none_suggested = 0
    for path in sorted(Path(settings.KB_SEEDS_DIR).glob("*.txt")):
        chosen_by_key = editorial[path.stem]
        for e in parse_seed(path).entries:
            if not (e.prompt or e.answer or e.example):
                continue  # an empty heading is no entry of its own
            entries += 1
            truth = set(chosen_by_key[e.key])
            guess = set(classify(e.question, e.prompt, e.answer, e.example))
            none_suggested += not guess
            if not truth:
                unlabelled += 1
                unlabelled_right += not guess
            for slug in slugs:
                counts[slug]["tp"] += slug in truth and slug in guess
                counts[slug]["fp"] += slug not in truth and slug in guess
                counts[slug]["fn"] += slug in truth and slug not in guess
    print(f"{entries} seed entries with text; editorial file {settings.KB_EDITORIAL_TOPICS.name}")
    print(f"{'topic':<10} {'precision':>9} {'recall':>7} {'F1':>6}  target {TARGET}")
    for slug in slugs:
        c = counts[slug]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{slug:<10} {precision:>9.2f} {recall:>7.2f} {f1:>6.2f}  {'ok' if f1 >= TARGET else 'MISS'}"
        )
    print(f"no topic suggested for {none_suggested} entries (flagged for an editor); "
          f"{unlabelled_right} of the {unlabelled} the editors left without a topic")  # fmt: skip


if __name__ == "__main__":
    main()
