"""Readable differences between two versions of an entry, field by field, in both languages.

Each text is compared line by line (difflib); a changed line is compared character by
character, since Chinese has no spaces to split words at. The result is plain data that a
template renders side by side (old | new), every text escaped by the template.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext_lazy as _

from .history import LANGUAGE_SUFFIXES, TEXT_FIELDS, topic_ids
from .models import Entry, Topic

LANGUAGE_LABELS = {"zh_hans": _("中文"), "en": _("英文")}


@dataclass
class Row:
    """One line of a side-by-side diff: segments [(text, changed)] on each side; a side is
    None where the line does not exist in that version."""

    tag: str  # equal, replace, delete, insert
    old: list | None
    new: list | None


@dataclass
class TextDiff:
    label: object
    lang: str  # BCP 47, for the lang attribute
    rows: list


@dataclass
class FieldDiff:
    """One field: its text diff per language (a field not translated has one)."""

    name: str
    label: object
    languages: list = field(default_factory=list)


def _segments(old, new):
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            left.append((old[i1:i2], tag != "equal"))
        if j2 > j1:
            right.append((new[j1:j2], tag != "equal"))
    return left, right


def side_by_side(old, new):
    """Rows comparing text ``old`` with text ``new``, line by line."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row("equal", [(line, False)], [(line, False)]) for line in old_lines[i1:i2]]
            continue
        olds, news = old_lines[i1:i2], new_lines[j1:j2]
        for k in range(max(len(olds), len(news))):
            a = olds[k] if k < len(olds) else None
            b = news[k] if k < len(news) else None
            if a is not None and b is not None:
                left, right = _segments(a, b)
                rows.append(Row("replace", left, right))
            elif a is not None:
                rows.append(Row("delete", [(a, True)], None))
            else:
                rows.append(Row("insert", None, [(b, True)]))
    return rows


def _label(name):
    return Entry._meta.get_field(name).verbose_name


def _yes_no(value):
    return str(_("是") if value else _("否"))


def comparable_values(version):
    """{field: {language suffix or "": text}} for everything an editor can change."""
    values = {
        name: {suffix: getattr(version, f"{name}_{suffix}") or "" for suffix in LANGUAGE_SUFFIXES}
        for name in TEXT_FIELDS
    }
    topics = Topic.objects.filter(pk__in=topic_ids(version)).order_by("position", "slug")
    values["topics"] = {"": "\n".join(str(t) for t in topics)}
    primary = Topic.objects.filter(pk=version.primary_topic_id).first()
    values["primary_topic"] = {"": str(primary) if primary else ""}
    values["topics_locked"] = {"": _yes_no(version.topics_locked)}
    values["phrasings"] = {
        suffix: "\n".join(text for lang, text in version.phrasing_list if _suffix(lang) == suffix)
        for suffix in LANGUAGE_SUFFIXES
    }
    target = Entry.objects.filter(pk=version.duplicate_of_id).first()
    values["duplicate_of"] = {"": str(target) if target else ""}
    values["duplicate_locked"] = {"": _yes_no(version.duplicate_locked)}
    values["is_published"] = {"": _yes_no(version.is_published)}
    return values


def _suffix(language):
    return language.replace("-", "_")


LABELS = {
    "topics": _("主题"),
    "phrasings": _("其他问法"),
}
HTML_LANG = {"zh_hans": "zh-Hans", "en": "en", "": "zh-Hans"}


def compare(old_version, new_version):
    """[FieldDiff] for the fields that differ between two versions, in form order."""
    old, new = comparable_values(old_version), comparable_values(new_version)
    diffs = []
    for name, new_texts in new.items():
        changed = FieldDiff(name, LABELS.get(name) or _label(name))
        for suffix, text in new_texts.items():
            before = old[name][suffix]
            if before != text:
                label = LANGUAGE_LABELS.get(suffix, "")
                changed.languages.append(
                    TextDiff(label, HTML_LANG[suffix], side_by_side(before, text))
                )
        if changed.languages:
            diffs.append(changed)
    return diffs


def changed_fields(old_version, new_version):
    """The labels of the fields ``new_version`` changed (all of them for a first version)."""
    if old_version is None:
        return []
    return [diff.label for diff in compare(old_version, new_version)]
