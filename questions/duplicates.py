"""Which entries give the same answer: groups decided on the answer's content.

The seeds repeat answers under reworded headings, reorder their list items, or extend a
list by one bullet. Two answers are the same when, after their first line (the lead-in,
"AI大模型创业的成功要素：", which follows the heading), their items match one for one
(in any order, each item allowed small wording differences) and the longer has at most
one item more; answers too short for that (fewer than three items) must match nearly as a
whole text. Groups are closed transitively; the canonical entry of a group is the one
with the most items, the earliest in document order among equals.
"""

import difflib
import re
from dataclasses import dataclass

ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
NOISE = re.compile(r"[\s*_`#>|:：，,。.;；、!！?？()（）\"“”'‘’-]+")
ITEM_RATIO = 0.85  # two items are the same despite a changed word or two
TEXT_RATIO = 0.95  # two short answers are the same as whole texts
MIN_ITEMS = 3


def _normalise(text):
    return NOISE.sub("", text).casefold()


def answer_items(answer):
    """The normalised items of an answer after its lead-in line."""
    lines = [line for line in answer.splitlines() if line.strip()]
    if len(lines) > 1:
        lines = lines[1:]
    items = []
    for line in lines:
        match = ITEM.match(line)
        text = _normalise(match[1] if match else line)
        if text:
            items.append(text)
    return items


@dataclass
class Answer:
    key: object  # the caller's handle (an Entry)
    order: int
    items: list
    text: str

    @classmethod
    def of(cls, key, order, prompt, answer, example):
        items = answer_items(answer)
        return cls(key, order, items, _normalise(" ".join([prompt, answer, example])))


def _matched(short, long):
    """How many items of ``short`` have a partner in ``long`` (each partner used once)."""
    unused, matched = list(long), 0
    for item in short:
        if item in unused:
            unused.remove(item)
            matched += 1
            continue
        ratios = [(difflib.SequenceMatcher(None, item, o).ratio(), o) for o in unused]
        best = max(ratios, default=(0, None))
        if best[0] >= ITEM_RATIO:
            unused.remove(best[1])
            matched += 1
    return matched


def same_answer(a, b):
    if not a.items or not b.items:
        return False
    short, long = sorted((a.items, b.items), key=len)
    if len(short) >= MIN_ITEMS:
        if len(long) - len(short) > 1 or len(set(short) & set(long)) < len(short) - 2:
            return False  # cheap tests first
        return len(long) - _matched(short, long) <= 1
    if len(short) != len(long):
        return False
    matcher = difflib.SequenceMatcher(None, a.text, b.text, autojunk=False)
    return matcher.quick_ratio() >= TEXT_RATIO and matcher.ratio() >= TEXT_RATIO


def group(answers):
    """[(canonical, [others…])] for every group of two or more, in document order."""
    parent = list(range(len(answers)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(answers):
        for j in range(i + 1, len(answers)):
            if root(i) != root(j) and same_answer(a, answers[j]):
                parent[root(j)] = root(i)
    members = {}
    for i in range(len(answers)):
        members.setdefault(root(i), []).append(answers[i])
    groups = []
    for found in members.values():
        if len(found) < 2:
            continue
        canonical = min(found, key=lambda a: (-len(a.items), a.order))
        others = sorted((a for a in found if a is not canonical), key=lambda a: a.order)
        groups.append((canonical, others))
    return sorted(groups, key=lambda g: g[0].order)
